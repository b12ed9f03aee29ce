// `npm run worker`: the job queue's worker (src/jobs) as a process of its
// own, beside the server. Any number may run: each minute's scheduled jobs are
// enqueued once and every job is claimed by one worker (SKIP LOCKED).
// Like the server it never connects as the owner in production: it logs in
// with WORKER_URL or AUTHENTICATOR_URL and becomes fortress_worker, and it
// refuses to start while a migration is pending. Outside production it
// prepares the database as `npm start` does (DATABASE_URL, or the embedded
// cluster, shared with a running `npm start`). SIGINT / SIGTERM let running
// jobs finish, then exit 0.
import { ConfigError, loadWorkerEnv, webhookRelayConfig } from './config.js';
import { assertMigrated, prepareDatabase } from './db/setup.js';
import { explainConnectionError } from './db/connection-errors.js';
import { startJobWorker, type JobWorker } from './jobs/worker.js';
import { createLog, lineSink, logOptionsFromEnv, type Logger } from './log.js';

function fail(e: unknown): never {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
}

let stop: () => Promise<void> = async () => {};
let worker: JobWorker;
// Until the environment is read, failures go to stderr as plain lines (fail above).
let log: Logger | undefined;
try {
  const env = loadWorkerEnv();
  log = createLog({ ...logOptionsFromEnv(env), base: { service: 'fortress-worker' } });
  const production = env.NODE_ENV === 'production';
  if (production && !env.WORKER_URL && !env.AUTHENTICATOR_URL) {
    throw new ConfigError(
      'Invalid environment: AUTHENTICATOR_URL: required with NODE_ENV=production, or WORKER_URL (the worker logs in as fortress_authenticator, or as WORKER_URL, never as the owner)',
    );
  }
  const prepared = production
    ? { authenticatorUrl: env.AUTHENTICATOR_URL!, stop: async () => {} }
    : await prepareDatabase(env, { log: (m) => log!.info(`[db] ${m}`) });
  stop = prepared.stop;
  const url = env.WORKER_URL ?? prepared.authenticatorUrl;
  try {
    worker = await startJobWorker({
      url,
      concurrency: env.WORKER_CONCURRENCY,
      tasks: { orderPaymentTimeoutMinutes: env.ORDER_PAYMENT_TIMEOUT_MINUTES, webhooks: webhookRelayConfig(env) },
      verbose: true,
      // Structured lines (src/log.ts), scrubbed: a failing job's message may quote a URL or a value.
      log: lineSink(log),
      // As the production server: never run against a schema db:migrate has not brought up to date.
      beforeStart: production ? assertMigrated : undefined,
    });
  } catch (e) {
    await prepared.stop();
    throw explainConnectionError(e, env.WORKER_URL ? 'WORKER_URL' : env.AUTHENTICATOR_URL ? 'AUTHENTICATOR_URL' : 'fortress_authenticator', url);
  }
  log.info(
    `Fortress worker running as fortress_worker (concurrency ${env.WORKER_CONCURRENCY}; unpaid orders expire after ${env.ORDER_PAYMENT_TIMEOUT_MINUTES} min); Ctrl-C stops it`,
  );
} catch (e) {
  await stop().catch(() => {});
  fail(e);
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log?.info(`${signal}: stopping`);
  try {
    await worker.stop();
    await stop();
  } catch (e) {
    log?.error({ err: e }, 'stopping failed');
    process.exit(1);
  }
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
// A runner that stops on its own (it gave up; the reason is logged) ends the process, non-zero.
void worker.promise
  .catch(() => {})
  .then(async () => {
    if (stopping) return;
    stopping = true;
    log?.error('The job worker stopped unexpectedly');
    await stop().catch(() => {});
    process.exit(1);
  });
