// Database lifecycle for `npm start` and the tests: use DATABASE_URL when
// given, otherwise start an embedded PostgreSQL; then migrate (and seed).
import path from 'node:path';
import { authenticatorUrl, type Env } from '../config.js';
import { startEmbeddedPostgres } from './embedded.js';
import { bootstrapDatabase } from './bootstrap.js';
import { migrate } from './migrate.js';
import { explainConnectionError } from './connection-errors.js';

export interface PreparedDatabase {
  ownerUrl: string;
  authenticatorUrl: string;
  /** Only set for the embedded cluster (generated and kept in its data dir). */
  jwtSecret?: string;
  stop: () => Promise<void>;
}

export async function prepareDatabase(
  env: Pick<Env, 'DATABASE_URL' | 'AUTHENTICATOR_URL' | 'AUTHENTICATOR_PASSWORD' | 'FORTRESS_DATA_DIR' | 'EMBEDDED_PG_PORT'>,
  opts: { persistent?: boolean; database?: string; log?: (m: string) => void } = {},
): Promise<PreparedDatabase> {
  const log = opts.log ?? (() => {});
  if (env.DATABASE_URL) {
    try {
      await migrate(env.DATABASE_URL, { authenticatorPassword: env.AUTHENTICATOR_PASSWORD, log });
    } catch (e) {
      throw explainConnectionError(e, 'DATABASE_URL', env.DATABASE_URL);
    }
    return {
      ownerUrl: env.DATABASE_URL,
      authenticatorUrl: env.AUTHENTICATOR_URL ?? authenticatorUrl(env.DATABASE_URL, env.AUTHENTICATOR_PASSWORD!),
      stop: async () => {},
    };
  }
  const cluster = await startEmbeddedPostgres({
    dir: path.resolve(env.FORTRESS_DATA_DIR),
    port: env.EMBEDDED_PG_PORT,
    persistent: opts.persistent ?? true,
    log,
  });
  try {
    const database = opts.database ?? 'fortress';
    const ownerUrl = await bootstrapDatabase(cluster.superuserUrl(), database, cluster.secrets.ownerPassword);
    await migrate(ownerUrl, { authenticatorPassword: cluster.secrets.authenticatorPassword, log });
    return {
      ownerUrl,
      authenticatorUrl: authenticatorUrl(ownerUrl, cluster.secrets.authenticatorPassword),
      jwtSecret: cluster.secrets.jwtSecret,
      stop: cluster.stop,
    };
  } catch (e) {
    await cluster.stop();
    throw e;
  }
}
