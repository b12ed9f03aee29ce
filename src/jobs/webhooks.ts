// The webhook relay: events_outbox rows become signed POSTs to the tenant's
// endpoints (issue 11), at least once, through two jobs on the job queue.
//
//   webhook_fan_out   pending outbox rows → one delivery per matching enabled
//                     endpoint, rows marked sent (app.webhook_fan_out)
//   webhook_deliver   claim due deliveries (app.webhook_claim_deliveries,
//                     committed) → POST each, outside any transaction → record
//                     the result (app.webhook_record_attempt): 2xx succeeded,
//                     else a retry after an exponential delay with jitter, and
//                     failed (dead letter) after WEBHOOK_MAX_ATTEMPTS
//
// Every row is taken `for update skip locked` by the SQL functions (sql/
// functions/webhooks.sql), so any number of workers share the work and no
// delivery is attempted by two at once. Both run every minute from the
// crontab; between minutes the fan-out polls every WEBHOOK_POLL_SECONDS (it
// schedules its own next run under the same job key) and starts a delivery
// run when something is due. The requests are signed per the Standard
// Webhooks specification with the npm `standardwebhooks` package: webhook-id
// is the outbox event's id, the same on every attempt and redelivery, for
// receivers to deduplicate on.
import http from 'node:http';
import https from 'node:https';
import type { Task } from 'graphile-worker';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { destinationAgents, DestinationRefused, isRefusedAddress, parseDestination, type DestinationAgents } from '../webhooks/destination.js';

export interface WebhookRelayConfig {
  /** WEBHOOK_MAX_ATTEMPTS: attempts of one delivery before it fails for good. */
  maxAttempts: number;
  /** WEBHOOK_RETRY_BASE_SECONDS: delay before the first retry; doubled per attempt, ±20%, at most MAX_RETRY_SECONDS. */
  retryBaseSeconds: number;
  /** WEBHOOK_TIMEOUT_MS: upper bound of one POST. */
  timeoutMs: number;
  /** WEBHOOK_POLL_SECONDS: how often the fan-out runs between the crontab's minutes (0: only each minute). */
  pollSeconds: number;
  /** WEBHOOK_ALLOW_PRIVATE: http:// and private, loopback and link-local destinations allowed (development, tests). */
  allowPrivate: boolean;
}

/** The defaults of src/config.ts outside development: private destinations refused. */
export const DEFAULT_WEBHOOK_RELAY_CONFIG: WebhookRelayConfig = {
  maxAttempts: 8,
  retryBaseSeconds: 30,
  timeoutMs: 10_000,
  pollSeconds: 5,
  allowPrivate: false,
};

/** Longest wait between two attempts. */
export const MAX_RETRY_SECONDS = 6 * 60 * 60;
/** Sent as User-Agent with every delivery. */
export const USER_AGENT = 'Fortress-Webhooks/1 (+https://www.standardwebhooks.com)';
/** How much of a failing response's body is kept in last_error. */
const ERROR_BODY_BYTES = 300;

/** A statement runner: graphile-worker's helpers.query, or a pool's query in tests. */
export type Query = <R extends object = Record<string, unknown>>(text: string, values?: unknown[]) => Promise<{ rows: R[] }>;

/** What a job may carry: a tenant to keep the run to (tests share one database; an operator's fix) and a batch size. */
const relayPayload = z.object({
  tenantId: z.uuid().optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});

function parsePayload(payload: unknown) {
  const parsed = relayPayload.safeParse(payload ?? {});
  if (!parsed.success) throw new Error(`invalid payload: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

// ---------------------------------------------------------------- fan-out

export interface FanOutResult {
  events: number;
  deliveries: number;
}

/**
 * Fans out pending outbox rows, `limit` per call (each its own transaction),
 * until a batch comes back smaller than the limit. `tenantId` keeps it to
 * one tenant.
 */
export async function fanOut(query: Query, opts: { tenantId?: string | null; limit?: number; aborted?: () => boolean } = {}): Promise<FanOutResult> {
  const limit = opts.limit ?? 500;
  const total = { events: 0, deliveries: 0 };
  for (;;) {
    const { rows } = await query<FanOutResult>('select events, deliveries from app.webhook_fan_out($1, $2)', [limit, opts.tenantId ?? null]);
    total.events += rows[0]!.events;
    total.deliveries += rows[0]!.deliveries;
    if (rows[0]!.events < limit || opts.aborted?.()) return total;
  }
}

/** Whether a delivery of an enabled endpoint (of the tenant, or any) is due now. */
export async function deliveriesDue(query: Query, tenantId?: string | null): Promise<boolean> {
  const { rows } = await query<{ due: boolean | null }>('select app.webhook_next_attempt_at($1) <= now() as due', [tenantId ?? null]);
  return rows[0]!.due === true;
}

// ---------------------------------------------------------------- delivery

/** A claimed delivery, as app.webhook_claim_deliveries returns it. */
export interface ClaimedDelivery {
  delivery_id: string;
  attempt: number;
  url: string;
  secrets: string[];
  event_id: string;
  event_type: string;
  aggregate: string;
  aggregate_id: string | null;
  tenant_id: string;
  occurred_at: Date;
  schema_version: number;
  payload: unknown;
}

/**
 * The request body: the Standard Webhooks envelope (`type`, `timestamp` of
 * the event, `data`) around the outbox row's spec §12 envelope. The same
 * bytes on every attempt (jsonb keeps its keys in one order).
 */
export function webhookBody(d: Pick<ClaimedDelivery, 'event_id' | 'event_type' | 'aggregate' | 'aggregate_id' | 'tenant_id' | 'occurred_at' | 'schema_version' | 'payload'>) {
  const occurredAt = new Date(d.occurred_at).toISOString();
  return JSON.stringify({
    type: d.event_type,
    timestamp: occurredAt,
    data: {
      eventId: d.event_id,
      aggregate: d.aggregate,
      aggregateId: d.aggregate_id,
      tenantId: d.tenant_id,
      occurredAt,
      schemaVersion: d.schema_version,
      payload: d.payload,
    },
  });
}

/**
 * The Standard Webhooks headers: webhook-id (the event id), webhook-timestamp
 * (now, in seconds) and webhook-signature, one `v1,<base64>` per secret,
 * space-separated (during a rotation, the new secret's and the old one's).
 */
export function signatureHeaders(msgId: string, secrets: string[], body: string, now = new Date()) {
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(msgId, now, body)).join(' '),
  };
}

/** Seconds before the attempt after attempt `attempt` (1-based): base·2^(attempt−1), ±20% jitter, at most MAX_RETRY_SECONDS. */
export function retryDelaySeconds(attempt: number, baseSeconds: number, random: () => number = Math.random) {
  const exponential = baseSeconds * 2 ** Math.min(attempt - 1, 30);
  return Math.min(MAX_RETRY_SECONDS, exponential * (0.8 + 0.4 * random()));
}

export interface PostResult {
  /** The response's status code; null when there was none (refused, unreachable, timed out). */
  statusCode: number | null;
  /** Why it failed, for last_error; null on 2xx. */
  error: string | null;
  /** A 429/503 response's Retry-After, in seconds. */
  retryAfterSeconds?: number;
}

const printable = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();

function retryAfter(header: string | undefined): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - Date.now()) / 1000);
}

/** request-filtering-agent's refusal ("DNS lookup 127.0.0.1(family:4, host:localhost) is not allowed…"), for admins. */
function refusedMessage(message: string) {
  const [, address, host] = /^DNS lookup (.+?)\(family:[^,]*, host:([^)]*)\)/.exec(message) ?? [];
  const what = address ? `${host && host !== 'undefined' ? `${host} resolves to ` : ''}${address}` : 'the address';
  return printable(`Destination refused: ${what}, which is a private, loopback, link-local or reserved address (WEBHOOK_ALLOW_PRIVATE is off)`);
}

/**
 * One POST of `body` to `url` through the checking agents, within
 * `timeoutMs` (connect, send and response headers). Redirects are not
 * followed (a 3xx fails). Never throws: every outcome is a PostResult.
 */
export function post(url: URL, body: string, headers: Record<string, string>, opts: { timeoutMs: number; agents: DestinationAgents }): Promise<PostResult> {
  return new Promise((resolve) => {
    let settled = false;
    /** The response's status, once its headers arrived. */
    let answered: number | null = null;
    const finish = (r: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const secure = url.protocol === 'https:';
    const req = (secure ? https : http).request(
      url,
      {
        method: 'POST',
        agent: secure ? opts.agents.https : opts.agents.http,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': USER_AGENT },
      },
      (res) => {
        // Destroying the request once the outcome is known may abort the response: nothing to report then.
        res.on('error', () => {});
        const statusCode = res.statusCode ?? 0;
        answered = statusCode;
        if (statusCode >= 200 && statusCode <= 299) return finish({ statusCode, error: null });
        // Keep the start of the body: receivers often say there what went wrong.
        const chunks: Buffer[] = [];
        let size = 0;
        const failed = () => {
          const text = printable(Buffer.concat(chunks).toString('utf8').slice(0, ERROR_BODY_BYTES));
          const redirect = statusCode >= 300 && statusCode <= 399 ? ' (redirects are not followed)' : '';
          finish({
            statusCode,
            error: `HTTP ${statusCode}${redirect}${text ? `: ${text}` : ''}`,
            retryAfterSeconds: statusCode === 429 || statusCode === 503 ? retryAfter(res.headers['retry-after']) : undefined,
          });
        };
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= ERROR_BODY_BYTES) failed();
        });
        res.on('end', failed);
        res.on('close', failed);
      },
    );
    const timer = setTimeout(
      () =>
        finish(
          answered === null
            ? { statusCode: null, error: `No response within ${opts.timeoutMs} ms` }
            : { statusCode: answered, error: `HTTP ${answered} (its body did not arrive within ${opts.timeoutMs} ms)` },
        ),
      opts.timeoutMs,
    );
    req.on('error', (e: NodeJS.ErrnoException) =>
      finish({
        statusCode: null,
        error: isRefusedAddress(e) ? refusedMessage(e.message) : printable(`${e.code ? `${e.code}: ` : ''}${e.message}`).slice(0, 500),
      }),
    );
    req.end(body);
  });
}

/** Attempts one claimed delivery: the destination rules, then the signed POST. */
export async function attempt(d: ClaimedDelivery, config: WebhookRelayConfig, agents: DestinationAgents): Promise<PostResult> {
  let url: URL;
  try {
    url = parseDestination(d.url, config.allowPrivate);
  } catch (e) {
    if (!(e instanceof DestinationRefused)) throw e;
    return { statusCode: null, error: `Destination refused: the URL ${e.message}` };
  }
  const body = webhookBody(d);
  return post(url, body, signatureHeaders(d.event_id, d.secrets, body), { timeoutMs: config.timeoutMs, agents });
}

export interface DeliverResult {
  succeeded: number;
  retrying: number;
  failed: number;
}

/**
 * Delivery runs: claim up to `limit` due deliveries (committed), POST them
 * concurrently with no transaction open, record each result; again while a
 * batch comes back full. Returns how the attempts ended.
 */
export async function deliverDue(
  query: Query,
  config: WebhookRelayConfig,
  agents: DestinationAgents,
  opts: { tenantId?: string | null; limit?: number; aborted?: () => boolean } = {},
): Promise<DeliverResult> {
  const limit = opts.limit ?? 25;
  // A claim lasts the request's timeout plus a margin for recording the result;
  // after it a delivery whose result never came is claimed again.
  const leaseSeconds = Math.ceil(config.timeoutMs / 1000) + 60;
  const total: DeliverResult = { succeeded: 0, retrying: 0, failed: 0 };
  for (;;) {
    const { rows } = await query<ClaimedDelivery>('select * from app.webhook_claim_deliveries($1, $2, $3, $4)', [
      limit, leaseSeconds, config.maxAttempts, opts.tenantId ?? null,
    ]);
    await Promise.all(
      rows.map(async (d) => {
        const result = await attempt(d, config, agents);
        // HTTP allows any three digits; the log keeps the standard range.
        const statusCode = result.statusCode !== null && result.statusCode >= 100 && result.statusCode <= 599 ? result.statusCode : null;
        const backoff = retryDelaySeconds(d.attempt, config.retryBaseSeconds);
        const retryIn = Math.min(MAX_RETRY_SECONDS, Math.max(backoff, result.retryAfterSeconds ?? 0));
        const { rows: recorded } = await query<{ status: string | null }>(
          'select app.webhook_record_attempt($1, $2, $3, $4, make_interval(secs => $5), $6) as status',
          [d.delivery_id, d.attempt, statusCode, result.error ?? (statusCode === null ? `HTTP ${result.statusCode}` : null), retryIn, config.maxAttempts],
        );
        const status = recorded[0]!.status;
        if (status === 'succeeded') total.succeeded += 1;
        else if (status === 'pending') total.retrying += 1;
        else if (status === 'failed') total.failed += 1;
      }),
    );
    if (rows.length < limit || opts.aborted?.()) return total;
  }
}

// ---------------------------------------------------------------- tasks

/** The relay's two tasks, sharing one pair of checking agents. */
export function webhookTasks(config: WebhookRelayConfig): { webhook_fan_out: Task; webhook_deliver: Task } {
  const agents = destinationAgents(config.allowPrivate);

  const webhook_fan_out: Task = async (payload, helpers) => {
    const { tenantId, limit } = parsePayload(payload);
    const aborted = () => helpers.abortSignal?.aborted === true;
    try {
      const { events, deliveries } = await fanOut(helpers.query as Query, { tenantId, limit, aborted });
      if (deliveries) helpers.logger.info(`${events} event${events === 1 ? '' : 's'} → ${deliveries} deliver${deliveries === 1 ? 'y' : 'ies'}`);
      if (await deliveriesDue(helpers.query as Query, tenantId)) {
        await helpers.addJob('webhook_deliver', tenantId ? { tenantId } : {}, {
          jobKey: tenantId ? `webhook_deliver:${tenantId}` : 'webhook_deliver',
          maxAttempts: 1,
        });
      }
    } finally {
      // The poll between the crontab's minutes: the next run, under this
      // job's key (a pending one keeps its time). A tenant's run is a one-off.
      if (!tenantId && config.pollSeconds > 0 && !aborted()) {
        await helpers.addJob('webhook_fan_out', {}, {
          jobKey: 'webhook_fan_out',
          jobKeyMode: 'preserve_run_at',
          runAt: new Date(Date.now() + config.pollSeconds * 1000),
          maxAttempts: 1,
        });
      }
    }
  };

  const webhook_deliver: Task = async (payload, helpers) => {
    const { tenantId, limit } = parsePayload(payload);
    const r = await deliverDue(helpers.query as Query, config, agents, { tenantId, limit, aborted: () => helpers.abortSignal?.aborted === true });
    const parts = [r.succeeded && `${r.succeeded} delivered`, r.retrying && `${r.retrying} to retry`, r.failed && `${r.failed} failed for good`].filter(Boolean);
    if (parts.length) helpers.logger.info(`webhooks: ${parts.join(', ')}`);
  };

  return { webhook_fan_out, webhook_deliver };
}
