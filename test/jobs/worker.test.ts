// The job queue with real graphile-worker runners on the suite's database:
// two runners started at once share the work (every job and every scheduled
// minute runs exactly once), their SQL runs as fortress_worker through the
// server's login, and no other role can reach the queue. The runners get
// test tasks and test schedules besides the real tasks: the real schedule
// would expire every tenant's carts, and test files share one database.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { parseCrontab, type Task, type TaskList } from 'graphile-worker';
import { asRole, authenticatorPool, count, expectSqlError, ownerPool } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { startJobWorker, workerConnectionString, type JobWorker } from '../../src/jobs/worker.js';
import { createTaskList, CRONTAB } from '../../src/jobs/tasks.js';
import { newLocation, newProduct, orderRow, placeOrder, setStock, stockOf } from '../commerce.js';
import { loginRoleFacts } from '../../src/db/safety.js';
import { loadEnv, loadWorkerEnv } from '../../src/config.js';

let owner: pg.Pool;
let app: pg.Pool;
/** Connections as the worker role, for setting up and reading the queue. */
let queue: pg.Pool;
let a: TenantFixture;
const taskList = createTaskList({ orderPaymentTimeoutMinutes: 30 });
/**
 * The real tasks without the webhook relay's, for the runners here: a runner
 * takes any queued job whose task it knows, and test/jobs/webhooks.test.ts
 * runs relay runners (which know only the relay's tasks) on the same queue
 * at the same time.
 */
function commerceTasks(timeoutMinutes = 30): TaskList {
  const { webhook_fan_out: _fanOut, webhook_deliver: _deliver, ...commerce } = createTaskList({ orderPaymentTimeoutMinutes: timeoutMinutes });
  return commerce;
}
let started: JobWorker[] = [];
/** What the runners logged (errors and warnings; tasks' own lines). */
let logs: string[] = [];
const sink = { info: (l: string) => logs.push(l), warn: (l: string) => logs.push(l), error: (l: string) => logs.push(l) };

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  queue = new pg.Pool({ connectionString: workerConnectionString(inject('authenticatorUrl')), max: 2 });
  a = await createTenant(owner, 'jobs');
});
afterEach(async () => {
  await Promise.all(started.map((w) => w.stop()));
  started = [];
  logs = [];
});
afterAll(async () => {
  await queue.end();
  await app.end();
  await owner.end();
});

/** Two runners on the server's login, started at the same time, each with `tasks(i)` and `crontab`. */
async function twoRunners(tasks: (runner: number) => TaskList, crontab = '') {
  const workers = await Promise.all(
    [0, 1].map((i) =>
      startJobWorker({ url: inject('authenticatorUrl'), concurrency: 2, taskList: tasks(i), crontab, pollInterval: 200, log: sink }),
    ),
  );
  started.push(...workers);
  return workers;
}

async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  for (const until = Date.now() + timeoutMs; Date.now() < until; ) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface Run {
  runner: number;
  key: string;
  currentUser: string;
  sessionUser: string;
}
/** A task that records which runner ran it, for which key, and as whom (the job's own SQL connection). */
const recorder =
  (runs: Run[], runner: number, key: (payload: any) => string): Task =>
  async (payload, helpers) => {
    const { rows } = await helpers.query<{ current_user: string; session_user: string }>('select current_user, session_user');
    runs.push({ runner, key: key(payload), currentUser: rows[0]!.current_user, sessionUser: rows[0]!.session_user });
  };

const settle = () => new Promise((r) => setTimeout(r, 500));

describe('job queue runners', () => {
  it('two runners started at once run each added job exactly once, as fortress_worker through the server login', async () => {
    const runs: Run[] = [];
    const task = `record_${randomBytes(4).toString('hex')}`;
    const [w0, w1] = await twoRunners((i) => ({ [task]: recorder(runs, i, (p) => String(p.n)) }));
    for (let n = 0; n < 10; n += 1) await (n % 2 ? w1 : w0)!.runner.addJob(task, { n });
    // Also from SQL, as fortress_worker (how a later outbox relay would enqueue).
    for (let n = 10; n < 20; n += 1) await queue.query(`select graphile_worker.add_job($1, json_build_object('n', $2::int))`, [task, n]);
    await waitUntil('20 jobs', () => runs.length >= 20);
    await settle();
    expect(runs.map((r) => Number(r.key)).sort((x, y) => x - y)).toEqual([...Array(20).keys()]);
    for (const r of runs) expect(r).toMatchObject({ currentUser: 'fortress_worker', sessionUser: 'fortress_authenticator' });
    expect(await count(queue, 'select count(*) as n from graphile_worker.jobs where task_identifier = $1', [task]), 'completed jobs are gone').toBe(0);
  });

  it('a scheduled minute is enqueued once however many runners hold the schedule (backfilled minutes, each run once)', async () => {
    const runs: Run[] = [];
    const task = `cron_${randomBytes(4).toString('hex')}`;
    // The schedule was last run three minutes ago: each runner backfills the missed minutes at start.
    await queue.query(
      `insert into graphile_worker._private_known_crontabs (identifier, known_since, last_execution)
       values ($1, now() - interval '1 hour', date_trunc('minute', now()) - interval '3 minutes')`,
      [task],
    );
    try {
      await twoRunners((i) => ({ [task]: recorder(runs, i, (p) => p._cron.ts) }), `* * * * * ${task} ?fill=3m&id=${task}`);
      await waitUntil('three backfilled minutes', () => runs.length >= 3);
      await settle();
      const minutes = runs.map((r) => r.key);
      expect(new Set(minutes).size, `each minute once: ${minutes.join(', ')}`).toBe(minutes.length);
      // Three missed minutes, plus the current one if the clock passed a minute meanwhile.
      expect(minutes.length).toBeGreaterThanOrEqual(3);
      expect(minutes.length).toBeLessThanOrEqual(4);
      for (const r of runs) expect(r.currentUser).toBe('fortress_worker');
    } finally {
      await queue.query('delete from graphile_worker._private_known_crontabs where identifier = $1', [task]);
    }
  });

  it('the expire_carts job deletes the expired carts of the tenant it names, once', async () => {
    const insertCart = async (user: string, status: string, minutes: number) =>
      (
        await owner.query(`insert into carts (tenant_id, user_id, status, expires_at) values ($1, $2, $3, now() - make_interval(mins => $4)) returning id`, [
          a.tenantId, user, status, minutes,
        ])
      ).rows[0].id as string;
    const expired = [await insertCart(a.y, 'open', 5), await insertCart(a.x, 'abandoned', 5), await insertCart(a.admin, 'abandoned', 5)];
    const kept = await insertCart(a.owner, 'abandoned', -30);
    const succeeded: string[] = [];
    const [w0] = await twoRunners(() => commerceTasks());
    for (const w of started) w.runner.events.on('job:success', ({ job }) => succeeded.push(job.task_identifier));
    // limit 2: the task calls again while a batch comes back full (2, then 1).
    await w0!.runner.addJob('expire_carts', { tenantId: a.tenantId, limit: 2 });
    await waitUntil('the job to finish', () => succeeded.length >= 1);
    await settle();
    expect(succeeded).toEqual(['expire_carts']);
    expect(logs).toContain('[worker] expire_carts: deleted 3 expired carts');
    const left = (await owner.query('select id from carts where id = any($1::uuid[])', [[...expired, kept, a.cartX]])).rows.map((r) => r.id);
    expect(left.sort()).toEqual([kept, a.cartX].sort());
  });

  it('the expire_orders job cancels the tenant’s orders unpaid past the configured timeout, releasing their stock once', async () => {
    const loc = await newLocation(owner, a);
    const p = await newProduct(owner, a);
    await setStock(owner, a, p, loc, 10);
    const old = [await placeOrder(owner, app, a, a.x, p, loc, 2), await placeOrder(owner, app, a, a.y, p, loc, 1), await placeOrder(owner, app, a, a.admin, p, loc, 1)];
    const recent = await placeOrder(owner, app, a, a.owner, p, loc, 3);
    await owner.query(`update orders set created_at = now() - interval '11 minutes' where id = any($1::uuid[])`, [old]);
    await owner.query(`update orders set created_at = now() - interval '9 minutes' where id = $1`, [recent]);
    const succeeded: string[] = [];
    // A 10-minute timeout (ORDER_PAYMENT_TIMEOUT_MINUTES) on both runners.
    const [w0] = await twoRunners(() => commerceTasks(10));
    for (const w of started) w.runner.events.on('job:success', ({ job }) => succeeded.push(job.task_identifier));
    // limit 2: a full batch, then one more call.
    await w0!.runner.addJob('expire_orders', { tenantId: a.tenantId, limit: 2 });
    await waitUntil('the job to finish', () => succeeded.length >= 1);
    await settle();
    expect(succeeded).toEqual(['expire_orders']);
    expect(logs).toContain('[worker] expire_orders: cancelled 3 unpaid orders (older than 10 min)');
    for (const id of old) expect(await orderRow(owner, id)).toMatchObject({ status: 'cancelled', cancel_reason: 'expired' });
    expect((await orderRow(owner, recent)).status).toBe('created');
    expect(await stockOf(owner, p, loc)).toEqual({ quantity: 10, reserved: 3, available: 7 });
  });

  it('a job with a malformed payload fails (and is kept for a retry) instead of expiring every tenant', async () => {
    const failed: string[] = [];
    const [w0] = await twoRunners(() => commerceTasks());
    for (const w of started) w.runner.events.on('job:error', ({ error }) => failed.push(String((error as Error).message)));
    const job = await w0!.runner.addJob('expire_carts', { tenantId: 'not-a-uuid' }, { maxAttempts: 1 });
    await waitUntil('the job to fail', () => failed.length >= 1);
    expect(failed[0]).toMatch(/invalid payload: tenantId/);
    await waitUntil('the failure to be logged', () => logs.some((l) => /^\[worker\] Failed task .*expire_carts.*invalid payload/.test(l)));
    await queue.query('delete from graphile_worker._private_jobs where id = $1', [job.id]);
  });

  it('stop() lets a running job finish, and the runner takes no job after it', async () => {
    const runs: Run[] = [];
    const task = `slow_${randomBytes(4).toString('hex')}`;
    const slow: Task = async (payload, helpers) => {
      await new Promise((r) => setTimeout(r, 300));
      await recorder(runs, 0, () => 'done')(payload, helpers);
    };
    const [w0, w1] = await twoRunners(() => ({ [task]: slow }));
    await w0!.runner.addJob(task, {});
    await waitUntil('the job to start', async () => (await count(queue, 'select count(*) as n from graphile_worker.jobs where task_identifier = $1 and locked_at is not null', [task])) === 1);
    await Promise.all([w0!.stop(), w1!.stop()]);
    expect(runs.map((r) => r.key)).toEqual(['done']);
    await w0!.promise;
    expect(await count(queue, 'select count(*) as n from graphile_worker.jobs where task_identifier = $1', [task])).toBe(0);
  });
});

describe('the job queue’s role', () => {
  it('fortress_worker owns schema graphile_worker and everything in it, and owns nothing else', async () => {
    const { rows } = await owner.query(
      `select (select pg_get_userbyid(nspowner) from pg_namespace where nspname = 'graphile_worker') as schema_owner,
              (select array_agg(distinct pg_get_userbyid(relowner)::text) from pg_class where relnamespace = 'graphile_worker'::regnamespace) as relation_owners,
              (select array_agg(distinct pg_get_userbyid(proowner)::text) from pg_proc where pronamespace = 'graphile_worker'::regnamespace) as function_owners,
              (select count(*)::int from pg_class where relnamespace = 'graphile_worker'::regnamespace and relkind = 'r') as tables,
              (select count(*)::int from pg_class c where c.relowner = 'fortress_worker'::regrole
                  and c.relnamespace not in ('graphile_worker'::regnamespace, 'pg_toast'::regnamespace)) as elsewhere,
              (select count(*)::int from pg_proc p where p.proowner = 'fortress_worker'::regrole and p.pronamespace <> 'graphile_worker'::regnamespace) as functions_elsewhere,
              (select count(*)::int from graphile_worker.migrations) as revision`,
    );
    expect(rows[0]).toMatchObject({
      schema_owner: 'fortress_worker', relation_owners: ['fortress_worker'], function_owners: ['fortress_worker'], elsewhere: 0, functions_elsewhere: 0,
    });
    expect(rows[0].tables, 'graphile-worker migrated its tables at deploy (src/db/migrate.ts)').toBeGreaterThanOrEqual(5);
    expect(rows[0].revision).toBeGreaterThanOrEqual(19);
    const { rows: attrs } = await owner.query(`select rolcanlogin, rolinherit, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles where rolname = 'fortress_worker'`);
    expect(attrs).toEqual([{ rolcanlogin: false, rolinherit: false, rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false }]);
  });

  it('its connections log in as the server login, which still passes the start-up safety check', async () => {
    expect(await loginRoleFacts(queue)).toEqual({ role: 'fortress_authenticator', superuser: false, bypassRls: false, ownedObjects: 0 });
    expect((await queue.query('select current_user as u')).rows[0].u).toBe('fortress_worker');
  });

  it('fortress_user and the other app roles get permission denied on the queue (control: fortress_worker reads and writes it)', async () => {
    const attempts = ['select count(*) from graphile_worker.jobs', `select graphile_worker.add_job('expire_carts', '{}'::json)`, 'select count(*) from graphile_worker._private_jobs'];
    for (const role of ['fortress_user', 'fortress_anonymous', 'fortress_partner', 'fortress_support'] as const) {
      await asRole(app, { role, tenantId: a.tenantId, userId: a.owner }, async (c) => {
        for (const sql of attempts) await expectSqlError(c, sql, [], '42501');
      });
    }
    // The bare server login, too.
    const c = await app.connect();
    try {
      await c.query('begin');
      for (const sql of attempts) await expectSqlError(c, sql, [], '42501');
    } finally {
      await c.query('rollback');
      c.release();
    }
    await asRole(app, { role: 'fortress_worker' }, async (w) => {
      await w.query('select count(*) from graphile_worker.jobs');
      const { rows } = await w.query(`select (graphile_worker.add_job('no_such_task_here', '{}'::json)).id`);
      expect(rows[0].id).toBeDefined();
    });
  });
});

describe('the schedule', () => {
  it('runs expire_carts, expire_orders and the webhook relay every minute, without retries, collapsing a backlog into one job', () => {
    const items = parseCrontab(CRONTAB);
    expect(items.map((i) => i.task)).toEqual(['expire_carts', 'expire_orders', 'webhook_fan_out', 'webhook_deliver']);
    for (const item of items) expect(item.options).toMatchObject({ maxAttempts: 1, jobKey: item.task, jobKeyMode: 'replace' });
    // Every scheduled task exists, and no task is left unscheduled.
    expect(Object.keys(taskList).sort()).toEqual(items.map((i) => i.task).sort());
  });

  it('expire_orders uses ORDER_PAYMENT_TIMEOUT_MINUTES: 30 by default, a whole number of minutes from 1 to 10,080', () => {
    expect(loadWorkerEnv({}).ORDER_PAYMENT_TIMEOUT_MINUTES).toBe(30);
    expect(loadEnv({ ORDER_PAYMENT_TIMEOUT_MINUTES: '5' }).ORDER_PAYMENT_TIMEOUT_MINUTES).toBe(5);
    for (const bad of ['0', '1.5', '10081', 'soon']) {
      expect(() => loadWorkerEnv({ ORDER_PAYMENT_TIMEOUT_MINUTES: bad }), bad).toThrow(/^Invalid environment: ORDER_PAYMENT_TIMEOUT_MINUTES: /);
    }
  });
});
