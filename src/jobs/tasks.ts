// What the job queue runs. Each task is a thin loop around one SQL function
// of sql/functions/commerce_jobs.sql: the rules (which rows, which locks)
// live in SQL, where the tests can hold them; the task only repeats the call
// while a batch comes back full. Every statement runs as fortress_worker
// (src/jobs/worker.ts), which may execute these functions and nothing else.
// The webhook relay's tasks (./webhooks.ts) follow the same rules with the
// functions of sql/functions/webhooks.sql, and POST between two calls.
import type { JobHelpers, Task, TaskList } from 'graphile-worker';
import { z } from 'zod';
import { DEFAULT_WEBHOOK_RELAY_CONFIG, webhookTasks, type WebhookRelayConfig } from './webhooks.js';

/**
 * What a job may carry (cron jobs carry nothing but `_cron`): a tenant to
 * limit the run to (tests share one database; an operator may expire one
 * tenant) and the batch size.
 */
const expiryPayload = z.object({
  tenantId: z.uuid().optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
});

/**
 * Runs `batch` (one SQL call: at most `limit` rows, its own transaction, so
 * locks are held for one batch only) until a batch comes back smaller than the
 * limit or the worker is shutting down. Returns the total.
 */
async function drain(
  helpers: JobHelpers,
  payload: unknown,
  defaultLimit: number,
  batch: (limit: number, tenantId: string | null) => Promise<number>,
) {
  const parsed = expiryPayload.safeParse(payload ?? {});
  if (!parsed.success) throw new Error(`invalid payload: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const limit = parsed.data.limit ?? defaultLimit;
  let total = 0;
  for (;;) {
    const n = await batch(limit, parsed.data.tenantId ?? null);
    total += n;
    if (n < limit || helpers.abortSignal?.aborted) return total;
  }
}

/** Deletes expired open and abandoned carts (app.expire_carts). */
export const expireCarts: Task = async (payload, helpers) => {
  const deleted = await drain(helpers, payload, 1000, async (limit, tenantId) =>
    (await helpers.query<{ n: number }>('select app.expire_carts($1, $2) as n', [limit, tenantId])).rows[0]!.n,
  );
  if (deleted) helpers.logger.info(`deleted ${deleted} expired cart${deleted === 1 ? '' : 's'}`);
};

/**
 * Cancels `created` orders left unpaid for `timeoutMinutes`, releasing their
 * reservations (app.expire_orders, sql/functions/orders.sql, through
 * app.order_release; locked `for update skip locked`, so an order being paid
 * is skipped this round and two workers never release one twice).
 */
export const expireOrders =
  (timeoutMinutes: number): Task =>
  async (payload, helpers) => {
    const cancelled = await drain(helpers, payload, 500, async (limit, tenantId) =>
      (
        await helpers.query<{ n: number }>('select app.expire_orders(make_interval(mins => $1), $2, $3) as n', [
          timeoutMinutes,
          limit,
          tenantId,
        ])
      ).rows[0]!.n,
    );
    if (cancelled) helpers.logger.info(`cancelled ${cancelled} unpaid order${cancelled === 1 ? '' : 's'} (older than ${timeoutMinutes} min)`);
  };

export interface TaskConfig {
  /** ORDER_PAYMENT_TIMEOUT_MINUTES: how long a created order may wait for payment. */
  orderPaymentTimeoutMinutes: number;
  /** The webhook relay's settings (WEBHOOK_*); default DEFAULT_WEBHOOK_RELAY_CONFIG (private destinations refused). */
  webhooks?: WebhookRelayConfig;
}

/** The defaults of src/config.ts, for callers without an environment (tests). */
export const DEFAULT_TASK_CONFIG: TaskConfig = { orderPaymentTimeoutMinutes: 30, webhooks: DEFAULT_WEBHOOK_RELAY_CONFIG };

/** Every task the worker runs, one per CRONTAB line. */
export function createTaskList(config: TaskConfig = DEFAULT_TASK_CONFIG): TaskList {
  return {
    expire_carts: expireCarts,
    expire_orders: expireOrders(config.orderPaymentTimeoutMinutes),
    // The webhook relay (./webhooks.ts): outbox → deliveries → signed POSTs.
    ...webhookTasks(config.webhooks ?? DEFAULT_WEBHOOK_RELAY_CONFIG),
  };
}

/**
 * The schedule (graphile-worker crontab syntax). Every worker process
 * registers it, and each minute is enqueued once however many workers run
 * (graphile-worker records each minute in _private_known_crontabs). `max=1`:
 * no retries, the next minute is the retry; `jobKey`: a backlog (workers down
 * for a while) collapses into one pending job instead of one per minute.
 */
export const CRONTAB = [
  '* * * * * expire_carts ?max=1&jobKey=expire_carts',
  '* * * * * expire_orders ?max=1&jobKey=expire_orders',
  // The relay also runs between minutes: webhook_fan_out schedules its next
  // run (WEBHOOK_POLL_SECONDS) under the same key and starts webhook_deliver
  // when a delivery is due; these lines restart both if that chain stops.
  '* * * * * webhook_fan_out ?max=1&jobKey=webhook_fan_out',
  '* * * * * webhook_deliver ?max=1&jobKey=webhook_deliver',
].join('\n');
