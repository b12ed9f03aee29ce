// Database lifecycle for `npm start` in development, `npm run db:*` and the
// tests: use DATABASE_URL when given, otherwise start an embedded PostgreSQL;
// then migrate (and seed). A production server never comes here: it holds no
// owner credentials and only checks that `npm run db:migrate` has run
// (assertMigrated).
import path from 'node:path';
import type pg from 'pg';
import { authenticatorUrl, ConfigError, type Env } from '../config.js';
import { startEmbeddedPostgres } from './embedded.js';
import { bootstrapDatabase } from './bootstrap.js';
import { migrate, pendingMigrationsOf } from './migrate.js';
import { explainConnectionError } from './connection-errors.js';

export interface PreparedDatabase {
  ownerUrl: string;
  authenticatorUrl: string;
  /** Only set for the embedded cluster (generated and kept in its data dir). */
  jwtSecret?: string;
  /** Only set for the embedded cluster: its superuser (the tests create throwaway databases with it). */
  superuserUrl?: string;
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
      superuserUrl: cluster.superuserUrl(),
      stop: cluster.stop,
    };
  } catch (e) {
    await cluster.stop();
    throw e;
  }
}

/**
 * Production start: the schema must already be what this build expects. The
 * server cannot migrate (no owner credentials), and serving an older schema
 * would fail request by request, so it refuses to start instead.
 */
export async function assertMigrated(pool: pg.Pool) {
  const deploy = 'run `npm run db:migrate` with DATABASE_URL (the owner) first; the server never migrates in production';
  let pending: string[];
  try {
    pending = await pendingMigrationsOf(pool);
  } catch (e) {
    // No schema app (3F000), no app.applied_migrations() (42883), or no right to call it (42501): never migrated.
    if (['3F000', '42883', '42501'].includes((e as { code?: string }).code ?? '')) {
      throw new ConfigError(`Refusing to start with NODE_ENV=production: the database has no Fortress migrations; ${deploy}`);
    }
    throw e;
  }
  if (pending.length) {
    const names = pending.length > 3 ? `${pending.slice(0, 3).join(', ')}, …` : pending.join(', ');
    throw new ConfigError(
      `Refusing to start with NODE_ENV=production: ${pending.length} migration${pending.length > 1 ? 's' : ''} pending (${names}); ${deploy}`,
    );
  }
}
