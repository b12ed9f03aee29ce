// Wires config, database and Yoga together for the server.
import { ConfigError, corsPolicy, loadEnv, tracingRequested, tokenConfig, webhookAllowPrivate, webhookRelayConfig, type Env } from './config.js';
import { createLifecycle, type Lifecycle } from './lifecycle.js';
import { createLog, lineSink, logOptionsFromEnv, type Logger } from './log.js';
import { assertMigrated, prepareDatabase, type PreparedDatabase } from './db/setup.js';
import { createDatabase } from './db/client.js';
import { assertSafeLoginRole } from './db/safety.js';
import { createTokenService } from './auth/tokens.js';
import { buildYoga, type FortressYoga, type YogaOptions } from './yoga.js';
import { explainConnectionError } from './db/connection-errors.js';
import { assertNoDemoUsers } from './db/demo-guard.js';
import { seedDemo } from './db/seed.js';
import { demoLogins, type DemoLogin } from './db/demo.js';
import { startJobWorker, type JobWorker } from './jobs/worker.js';

export interface App {
  env: Env;
  yoga: FortressYoga;
  /** Demo users and ready-made access tokens (development with SEED_DEMO only). */
  demo: DemoLogin[];
  /** How GraphiQL is signed in, for the start-up message (development only). */
  graphiqlNote?: string;
  /** The job worker running inside this process (WORKER_EMBEDDED; development by default), for the start-up message. */
  workerNote?: string;
  /** Shared with the Yoga instance: src/server.ts drains it on SIGTERM / SIGINT (/ready turns 503). */
  lifecycle: Lifecycle;
  /** The process's structured log (src/log.ts: LOG_LEVEL, LOG_PRETTY): access lines, errors, the embedded worker. */
  log: Logger;
  /** Stops the embedded job worker (its running jobs finish first), closes the pool, stops the embedded database. */
  close: () => Promise<void>;
}

/** GraphiQL's demo token lives long enough for a working session; a reload mints a new one. */
const GRAPHIQL_TOKEN_TTL_SECONDS = 12 * 60 * 60;

export async function startApp(
  source: NodeJS.ProcessEnv = process.env,
  opts: { log?: (m: string) => void; /** Default: SEED_DEMO (true only in development). */ demo?: boolean } = {},
): Promise<App> {
  const env = loadEnv(source);
  const development = env.NODE_ENV === 'development';
  const log = createLog(logOptionsFromEnv(env));
  const withDemo = opts.demo ?? env.SEED_DEMO === 'true';
  // Demo users share a published password and get live tokens: never outside development.
  if (withDemo && !development) throw new ConfigError(`Refusing demo data with NODE_ENV=${env.NODE_ENV}: it is for development only`);
  // Production holds no owner credentials and runs no DDL: it logs in with
  // AUTHENTICATOR_URL only and refuses a database `npm run db:migrate` has not
  // brought up to date. Elsewhere the owner migrates (and seeds) on start.
  const production = env.NODE_ENV === 'production';
  if (production && !env.AUTHENTICATOR_URL) {
    throw new ConfigError(
      'Invalid environment: AUTHENTICATOR_URL: required with NODE_ENV=production (the server logs in as fortress_authenticator only; migrate with `npm run db:migrate` and DATABASE_URL)',
    );
  }
  if (production && env.DATABASE_URL) opts.log?.('DATABASE_URL is ignored with NODE_ENV=production: the server needs only AUTHENTICATOR_URL; keep the owner\'s password out of its environment');
  const prepared: Omit<PreparedDatabase, 'ownerUrl'> & { ownerUrl?: string } = production
    ? { authenticatorUrl: env.AUTHENTICATOR_URL!, stop: async () => {} }
    : await prepareDatabase(env, { log: opts.log });
  const database = createDatabase({
    url: prepared.authenticatorUrl,
    poolMax: env.DB_POOL_MAX,
    txMaxWaitMs: env.DB_TX_MAX_WAIT_MS,
    txTimeoutMs: env.DB_TX_TIMEOUT_MS,
  });
  try {
    await assertSafeLoginRole(database.pool);
    if (production) await assertMigrated(database.pool);
  } catch (e) {
    await database.close();
    await prepared.stop();
    throw explainConnectionError(
      e,
      env.AUTHENTICATOR_URL ? 'AUTHENTICATOR_URL' : env.DATABASE_URL ? 'fortress_authenticator (AUTHENTICATOR_PASSWORD on DATABASE_URL\'s host)' : 'the embedded cluster',
      prepared.authenticatorUrl,
    );
  }
  try {
    if (production) await assertNoDemoUsers(database.pool);
    const tokens = await createTokenService(tokenConfig(env, prepared.jwtSecret));
    let demo: DemoLogin[] = [];
    if (withDemo && prepared.ownerUrl) {
      await seedDemo(prepared.ownerUrl, opts.log);
      demo = await demoLogins(prepared.ownerUrl, tokens);
    }
    // GraphiQL opens signed in as the first demo member, so the first query shows data. Its
    // token is minted each time the page is served: a stale one would only show
    // "Error fetching schema".
    const member = demo.find((d) => d.role === 'member');
    let graphiqlSession: YogaOptions['graphiqlSession'];
    let graphiqlNote: string | undefined;
    if (development && member) {
      const viewer = await tokens.viewerFromAuthorization(`Bearer ${member.token}`);
      if (viewer.kind !== 'user') throw new Error('demo token did not verify');
      const graphiqlTokens = await createTokenService({ ...tokenConfig(env, prepared.jwtSecret), ttlSeconds: GRAPHIQL_TOKEN_TTL_SECONDS });
      const hours = GRAPHIQL_TOKEN_TTL_SECONDS / 3600;
      graphiqlNote =
        `GraphiQL is signed in as ${member.email} (${member.role}, tenant ${member.tenant}) with a token minted each time ` +
        `the page loads (valid ${hours} h): reload the page for a new one; \`npm run token\` prints tokens for every demo user.`;
      graphiqlSession = async () => ({
        headers: { Authorization: `Bearer ${(await graphiqlTokens.sign(viewer)).token}` },
        title: `Fortress — ${member.email} (reload for a fresh token)`,
        banner: [
          `# Fortress GraphiQL (development)`,
          `#`,
          `# Signed in as ${member.email}`,
          `# (${member.role} of tenant "${member.tenant}") with a token minted`,
          `# when this page loaded, valid ${hours} hours (see Headers below).`,
          `# When it expires (UNAUTHENTICATED, "Error fetching schema"),`,
          `# reload the page. \`npm run token\` prints tokens for every`,
          `# demo user (password "${member.password}").`,
          `{`,
          `  viewer { user { email } tenant { name } role }`,
          `}`,
          ``,
        ].join('\n'),
      });
    } else if (development) {
      graphiqlNote = 'GraphiQL is not signed in (no demo data): call `login` and send its accessToken as "Authorization: Bearer <token>".';
    }
    const lifecycle = createLifecycle();
    // OpenTelemetry (started by the src/telemetry.ts preload): nothing is imported when it is off.
    const tracing = tracingRequested() ? await import('./tracing.js') : undefined;
    const yoga = buildYoga({
      database,
      tokens,
      authPolicy: {
        refreshTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
        maxAttempts: env.LOGIN_MAX_ATTEMPTS,
        lockMinutes: env.LOGIN_LOCK_MINUTES,
        perAddressPerMinute: env.LOGIN_RATE_PER_MINUTE,
      },
      development,
      introspection: env.GRAPHQL_INTROSPECTION ? env.GRAPHQL_INTROSPECTION === 'true' : development,
      trustProxy: env.TRUST_PROXY === 'true',
      compiledOperations: env.COMPILED_OPERATIONS === 'true',
      webhooks: { allowPrivate: webhookAllowPrivate(env) },
      partnerPolicy: { ratePerMinute: env.PARTNER_RATE_PER_MINUTE, tokenRatePerMinute: env.PARTNER_TOKEN_RATE_PER_MINUTE },
      graphiqlSession,
      cors: corsPolicy(env),
      hstsMaxAgeSeconds: env.HSTS_MAX_AGE,
      lifecycle,
      tracing: tracing?.graphqlTracing(),
      log,
      // GET /metrics: behind METRICS_TOKEN when set; without it, open in development only.
      metrics: { token: env.METRICS_TOKEN, open: development },
    });
    // The job worker (src/jobs) in this process: on by default in development
    // only, so `npm start` expires carts without a second command; deployments
    // run `npm run worker` beside the server.
    let worker: JobWorker | undefined;
    let workerNote: string | undefined;
    if (env.WORKER_EMBEDDED ? env.WORKER_EMBEDDED === 'true' : development) {
      const url = env.WORKER_URL ?? prepared.authenticatorUrl;
      try {
        worker = await startJobWorker({
          url,
          concurrency: env.WORKER_CONCURRENCY,
          tasks: { orderPaymentTimeoutMinutes: env.ORDER_PAYMENT_TIMEOUT_MINUTES, webhooks: webhookRelayConfig(env) },
          log: lineSink(log.child({ component: 'worker' })),
        });
      } catch (e) {
        throw explainConnectionError(e, env.WORKER_URL ? 'WORKER_URL' : 'the job worker (WORKER_EMBEDDED)', url);
      }
      workerNote = `Job worker running in this process (expire_carts and expire_orders every minute, the webhook relay every ${env.WEBHOOK_POLL_SECONDS} s, as fortress_worker); WORKER_EMBEDDED=false turns it off, \`npm run worker\` runs one on its own.`;
    }
    return {
      env,
      yoga,
      demo,
      graphiqlNote,
      workerNote,
      lifecycle,
      log,
      close: async () => {
        // The worker first: its running jobs finish while the database is still there.
        await worker?.stop();
        await database.close();
        await prepared.stop();
        // Last: the spans of the requests that drained above are exported, not dropped.
        await tracing?.shutdownTracing();
      },
    };
  } catch (e) {
    await database.close();
    await prepared.stop();
    throw e;
  }
}
