// The job queue: graphile-worker (0.17; 0.18 needs Node 22.18) on the
// application's own PostgreSQL, in schema graphile_worker. Started by
// `npm run worker` (src/worker.ts) or, in development, inside `npm start`.
//
// Who it is: every connection logs in as the server's login (or WORKER_URL)
// and becomes fortress_worker at connect (`-c role=fortress_worker` in the
// startup options). That role owns the graphile_worker schema and may execute
// the job functions (sql/functions/commerce_jobs.sql), and reads no table of
// the application; the login stays one that owns nothing and bypasses no
// policy (assertSafeLoginRole). It needs a direct or session-mode connection
// (LISTEN, startup options): PgBouncer in transaction mode drops both.
import pg from 'pg';
import { Logger, run, runMigrations, type Runner, type TaskList } from 'graphile-worker';
import { assertSafeLoginRole } from '../db/safety.js';
import { createTaskList, CRONTAB, DEFAULT_TASK_CONFIG, type TaskConfig } from './tasks.js';

export const WORKER_ROLE = 'fortress_worker';
export const WORKER_SCHEMA = 'graphile_worker';

type LogSink = Pick<Console, 'info' | 'warn' | 'error'>;

/**
 * `url` with `-c role=fortress_worker` added to its startup options (kept
 * beside any the URL already has): each session of a pool on it is
 * fortress_worker from its first statement, and `reset role` returns there.
 */
export function workerConnectionString(url: string): string {
  const u = new URL(url);
  const options = u.searchParams.get('options');
  u.searchParams.set('options', `${options ? `${options} ` : ''}-c role=${WORKER_ROLE}`);
  return u.toString();
}

function workerPool(url: string, max: number, logger: Logger) {
  const pool = new pg.Pool({ connectionString: workerConnectionString(url), max, idleTimeoutMillis: 30_000 });
  // A connection lost while idle or checked out (database restart, Ctrl-C
  // reaching PostgreSQL first) must not crash the process: pg drops it,
  // graphile-worker retries. With both handlers present graphile-worker
  // installs none of its own.
  pool.on('error', (e) => logger.warn(`idle connection closed: ${e.message}`));
  pool.on('connect', (client) => client.on('error', (e) => logger.warn(`connection closed: ${e.message}`)));
  return pool;
}

/**
 * graphile-worker's logger, writing `[worker] …` lines to `sink` (a task's
 * own lines name the task). Errors, warnings and what tasks report always;
 * graphile-worker's own info lines (start-up, every completed job) only when
 * `verbose` (`npm run worker`), so an embedded worker adds nothing to the
 * server's output while all is well; debug never.
 */
/** graphile-worker's line for each completed run of the webhook relay's poll (every few seconds: not news). */
const POLL_COMPLETED = /^Completed task \d+ \(webhook_fan_out,/;

export function jobLogger(sink: LogSink = console, verbose = false) {
  return new Logger((scope) => (level, message) => {
    const { label, taskIdentifier } = scope as { label?: string; taskIdentifier?: string };
    const line = `[worker] ${label === 'job' && taskIdentifier ? `${taskIdentifier}: ` : ''}${message}`;
    if (level === 'error') sink.error(line);
    else if (level === 'warning') sink.warn(line);
    else if (level === 'info' && (verbose || label === 'job') && !POLL_COMPLETED.test(message)) sink.info(line);
  });
}

/**
 * graphile-worker's own migrations, as fortress_worker through the owner's
 * login (the owner is a member of it), so the queue's tables belong to that
 * role. The schema and graphile-worker's bootstrap table come from an owner
 * migration (20261123085100_job_queue); without them (a database migrated
 * with an older migrations directory) there is nothing to do. Returns the
 * queue's schema revision, or null.
 */
export async function migrateJobQueue(ownerUrl: string, owner: Pick<pg.Client, 'query'>, log: (m: string) => void = () => {}) {
  const { rows } = await owner.query<{ present: boolean }>(`select to_regclass($1) is not null as present`, [`${WORKER_SCHEMA}.migrations`]);
  if (!rows[0]!.present) return null;
  const logger = jobLogger({ info: log, warn: log, error: log });
  const pool = workerPool(ownerUrl, 1, logger);
  try {
    const revision = async () =>
      (await pool.query<{ id: number | null }>(`select max(id) as id from ${WORKER_SCHEMA}.migrations`)).rows[0]!.id ?? 0;
    const before = await revision();
    await runMigrations({ pgPool: pool, logger });
    const after = await revision();
    if (after !== before) log(`applied job queue (graphile-worker) migrations ${before + 1}–${after}`);
    return after;
  } finally {
    await pool.end();
  }
}

/**
 * Waits (up to `timeoutMs`) until no connection is checked out or asked for.
 * graphile-worker's stop resolves as soon as the last job's task returns,
 * while the statement that marks that job complete is still on its way; a
 * pool ended at that moment never serves it, and the job would stay locked
 * (run again hours later, when the lock expires).
 */
async function quiesce(pool: pg.Pool, timeoutMs = 5_000) {
  const until = Date.now() + timeoutMs;
  do await new Promise((r) => setTimeout(r, 10));
  while ((pool.waitingCount > 0 || pool.idleCount < pool.totalCount) && Date.now() < until);
}

export interface JobWorkerOptions {
  /** A login that may become fortress_worker: the server's own (AUTHENTICATOR_URL) or WORKER_URL. */
  url: string;
  /** Jobs run at once by this process. */
  concurrency: number;
  /** Default: the tasks of ./tasks.ts, built with `tasks`. */
  taskList?: TaskList;
  /** Settings of the default tasks (ORDER_PAYMENT_TIMEOUT_MINUTES). */
  tasks?: TaskConfig;
  /** Default: CRONTAB of ./tasks.ts; '' schedules nothing. */
  crontab?: string;
  log?: LogSink;
  /** Also log start-up and every completed job. */
  verbose?: boolean;
  /** How often to look for jobs scheduled later or retried (new jobs arrive by LISTEN/NOTIFY at once). */
  pollInterval?: number;
  /** Runs on the worker's pool before the runner starts (the production start checks migrations here). */
  beforeStart?: (pool: pg.Pool) => Promise<void>;
}

export interface JobWorker {
  runner: Runner;
  /** The worker's connections (fortress_worker): tests and callers add jobs with graphile_worker.add_job on it. */
  pool: pg.Pool;
  /** Settles when the runner stops: after stop(), or when it fails on its own (rejects). */
  promise: Promise<void>;
  /** Lets running jobs finish (aborting them after 5 s), then closes the connections. Idempotent. */
  stop: () => Promise<void>;
}

export async function startJobWorker(opts: JobWorkerOptions): Promise<JobWorker> {
  const logger = jobLogger(opts.log, opts.verbose);
  // Jobs, the LISTEN connection and the scheduler each hold one.
  const pool = workerPool(opts.url, opts.concurrency + 2, logger);
  let runner: Runner;
  try {
    await assertSafeLoginRole(pool);
    await opts.beforeStart?.(pool);
    runner = await run({
      pgPool: pool,
      taskList: opts.taskList ?? createTaskList(opts.tasks ?? DEFAULT_TASK_CONFIG),
      crontab: opts.crontab ?? CRONTAB,
      concurrency: opts.concurrency,
      pollInterval: opts.pollInterval,
      // The process that embeds the worker owns SIGINT/SIGTERM and calls stop().
      noHandleSignals: true,
      logger,
    });
  } catch (e) {
    await pool.end().catch(() => {});
    throw e;
  }
  const promise = runner.promise;
  let settled = false;
  // Observed here so a failing runner is never an unhandled rejection; callers
  // that care await `promise` themselves.
  promise.then(
    () => (settled = true),
    (e: Error) => {
      settled = true;
      logger.error(`stopped: ${e.message}`);
    },
  );
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // A null reason tells graphile-worker the stop was asked for (logged at debug, not as a warning).
      if (!settled) await runner.stop(null as unknown as string).catch((e: Error) => logger.error(`stopping: ${e.message}`));
      await quiesce(pool);
      await pool.end().catch(() => {});
    })());
  return { runner, pool, promise, stop };
}
