// Applies prisma/migrations/*/migration.sql in order and records them in
// Prisma's own _prisma_migrations table (same columns and checksums), so
// `prisma migrate deploy` and this runner agree where Prisma's schema-engine
// binary is available. Written by hand because that binary cannot be
// downloaded on our machines (see design.md, "Environment facts"). Then the
// job queue's schema (src/jobs/worker.ts), which graphile-worker migrates
// itself.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { migrateJobQueue } from '../jobs/worker.js';

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../prisma/migrations');
// Same key as Prisma's migrate lock, so the two never run concurrently.
const LOCK_KEY = 72707369;

export async function listMigrations(dir = MIGRATIONS_DIR) {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

export async function migrate(
  ownerUrl: string,
  opts: { authenticatorPassword?: string; log?: (m: string) => void; /** Default: prisma/migrations. */ migrationsDir?: string } = {},
) {
  const log = opts.log ?? (() => {});
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`create table if not exists _prisma_migrations (
      id varchar(36) primary key not null,
      checksum varchar(64) not null,
      finished_at timestamptz,
      migration_name varchar(255) not null,
      logs text,
      rolled_back_at timestamptz,
      started_at timestamptz not null default now(),
      applied_steps_count integer not null default 0)`);
    const { rows } = await client.query<{ migration_name: string; checksum: string }>(
      'select migration_name, checksum from _prisma_migrations where finished_at is not null and rolled_back_at is null',
    );
    const done = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    for (const m of await listMigrations(opts.migrationsDir)) {
      const previous = done.get(m.name);
      if (previous) {
        if (previous !== m.checksum) throw new Error(`Migration ${m.name} was modified after it was applied`);
        continue;
      }
      await client.query('begin');
      try {
        await client.query(m.sql);
        await client.query(
          `insert into _prisma_migrations (id, checksum, migration_name, finished_at, applied_steps_count)
           values ($1, $2, $3, now(), 1)`,
          [randomUUID(), m.checksum, m.name],
        );
        await client.query('commit');
      } catch (e) {
        await client.query('rollback');
        throw new Error(`Migration ${m.name} failed: ${(e as Error).message}`, { cause: e });
      }
      applied.push(m.name);
      log(`applied ${m.name}`);
    }
    // Then the job queue's own (graphile-worker's) migrations, as
    // fortress_worker, under the same lock: deploying creates the queue's
    // tables, owned by that role, before any worker starts.
    await migrateJobQueue(ownerUrl, client, log);
    if (opts.authenticatorPassword) {
      // The password is a secret, so it is set here from the environment, never in a migration.
      await client.query(
        `alter role fortress_authenticator with password ${client.escapeLiteral(opts.authenticatorPassword)}`,
      );
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    await client.end();
  }
  return applied;
}

/** Names of migrations on disk that the database has not applied. */
export async function pendingMigrations(applied: Iterable<string>) {
  const done = new Set(applied);
  return (await listMigrations()).map((m) => m.name).filter((n) => !done.has(n));
}

/**
 * Pending migrations of the database behind `db`, asked through
 * app.applied_migrations() because the server's login reads no table: for
 * /ready and for the production start, which refuses to serve an old schema.
 */
export async function pendingMigrationsOf(db: Pick<pg.Pool, 'query'>) {
  const { rows } = await db.query<{ name: string }>('select app.applied_migrations() as name');
  return pendingMigrations(rows.map((r) => r.name));
}
