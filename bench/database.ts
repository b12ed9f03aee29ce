// The benchmark's own embedded cluster, one per dataset size (kept in
// .fortress-bench/<size>-v<DATASET_VERSION>/ so each dataset is generated
// once), with pg_stat_statements preloaded.
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { bootstrapDatabase } from '../src/db/bootstrap.js';
import { migrate } from '../src/db/migrate.js';
import { authenticatorUrl } from '../src/config.js';

/** Bumped when bench/dataset.ts changes what it generates (v2: funded accounts with opening journals; v3: 1,000,000 units of stock, none reserved; 20 users per quick tenant, so 64 connections each check out as a member of their own, and 20,000 entries). */
const DATASET_VERSION = 3;

export async function startBenchDatabase(name: string, port = 54330) {
  const cluster = await startEmbeddedPostgres({
    dir: path.resolve('.fortress-bench', `${name}-v${DATASET_VERSION}`),
    port,
    persistent: true,
    // BENCH_PG_FLAGS adds postgres flags for experiments (e.g. "-c synchronous_commit=off",
    // "-c pg_stat_statements.track=all" to see the statements inside the ledger functions).
    flags: ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=top', '-c', 'shared_buffers=512MB',
      ...(process.env.BENCH_PG_FLAGS ?? '').split(' ').filter(Boolean)],
  });
  const ownerUrl = await bootstrapDatabase(cluster.superuserUrl(), 'fortress_bench', cluster.secrets.ownerPassword);
  await migrate(ownerUrl, { authenticatorPassword: cluster.secrets.authenticatorPassword });
  const su = new pg.Client({ connectionString: cluster.superuserUrl('fortress_bench') });
  await su.connect();
  await su.query('create extension if not exists pg_stat_statements');
  await su.end();
  // PostGraphile has no date-range filter without a plugin; this is the
  // idiomatic PostGraphile way to add one (a custom query). Security invoker,
  // so the transactions policies apply exactly as for the other systems.
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  await owner.query(`create or replace function account_statement(account_id uuid, occurred_from timestamptz, occurred_to timestamptz)
    returns setof transactions language sql stable as $$
      select * from transactions t where t.account_id = $1 and t.occurred_at >= $2 and t.occurred_at < $3
      order by t.occurred_at desc, t.id desc $$`);
  await owner.query('grant execute on function account_statement(uuid, timestamptz, timestamptz) to fortress_user');
  await owner.end();
  return {
    ownerUrl,
    /** Only for reading and resetting pg_stat_statements. */
    superuserUrl: cluster.superuserUrl('fortress_bench'),
    authenticatorUrl: authenticatorUrl(ownerUrl, cluster.secrets.authenticatorPassword),
    authenticatorPassword: cluster.secrets.authenticatorPassword,
    stop: cluster.stop,
  };
}
