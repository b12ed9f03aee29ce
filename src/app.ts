// Wires config, database and Yoga together for the server.
import { loadEnv, tokenConfig, type Env } from './config.js';
import { prepareDatabase } from './db/setup.js';
import { createDatabase } from './db/client.js';
import { assertSafeLoginRole } from './db/safety.js';
import { createTokenService } from './auth/tokens.js';
import { buildYoga, type FortressYoga } from './yoga.js';
import { seedDemo } from './db/seed.js';
import { demoLogins, type DemoLogin } from './db/demo.js';

export interface App {
  env: Env;
  yoga: FortressYoga;
  /** Demo users and ready-made access tokens (when started with `demo`). */
  demo: DemoLogin[];
  close: () => Promise<void>;
}

export async function startApp(
  source: NodeJS.ProcessEnv = process.env,
  opts: { log?: (m: string) => void; demo?: boolean } = {},
): Promise<App> {
  const env = loadEnv(source);
  const prepared = await prepareDatabase(env, { log: opts.log });
  const database = createDatabase({
    url: prepared.authenticatorUrl,
    poolMax: env.DB_POOL_MAX,
    txMaxWaitMs: env.DB_TX_MAX_WAIT_MS,
    txTimeoutMs: env.DB_TX_TIMEOUT_MS,
  });
  try {
    await assertSafeLoginRole(database.pool);
  } catch (e) {
    await database.close();
    await prepared.stop();
    throw e;
  }
  const tokens = await createTokenService(tokenConfig(env, prepared.jwtSecret));
  let demo: DemoLogin[] = [];
  if (opts.demo) {
    await seedDemo(prepared.ownerUrl, opts.log);
    demo = await demoLogins(prepared.ownerUrl, tokens);
  }
  // GraphiQL opens signed in as the first demo member, so the first query shows data.
  const member = demo.find((d) => d.role === 'member');
  const yoga = buildYoga({
    database,
    tokens,
    authPolicy: { refreshTtlDays: env.REFRESH_TOKEN_TTL_DAYS, maxAttempts: env.LOGIN_MAX_ATTEMPTS, lockMinutes: env.LOGIN_LOCK_MINUTES },
    development: env.NODE_ENV === 'development',
    trustProxy: env.TRUST_PROXY === 'true',
    graphiqlHeaders: member ? { Authorization: `Bearer ${member.token}` } : undefined,
  });
  return {
    env,
    yoga,
    demo,
    close: async () => {
      await database.close();
      await prepared.stop();
    },
  };
}
