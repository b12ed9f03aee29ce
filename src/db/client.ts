// The server's only database handle: a pg pool logged in as
// fortress_authenticator, wrapped by Prisma's pg adapter. Resolvers never see
// this client; they get the request transaction (ctx.db) instead.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';
import { ExactPrismaPg } from './exact-json.js';
import { mergeBeginWithIdentity } from './identity.js';

export interface DbOptions {
  url: string;
  poolMax: number;
  txMaxWaitMs: number;
  txTimeoutMs: number;
}

export interface Database {
  prisma: PrismaClient;
  pool: pg.Pool;
  txOptions: { maxWait: number; timeout: number };
  close: () => Promise<void>;
  /** Told, in seconds, how long each request transaction waited for its connection (src/metrics.ts sets it). */
  onTransactionWait?: (seconds: number) => void;
}

export function createDatabase(opts: DbOptions): Database {
  // Pool size is the concurrency limit of the request path: each GraphQL
  // operation holds one connection for its transaction. Requests beyond it
  // queue in Prisma for up to txMaxWaitMs instead of failing at once.
  // statement_timeout: no statement of a request outlives the request transaction's bound
  // (DB_TX_TIMEOUT_MS). Prisma's transaction timeout only gives up on the client side; the
  // compiled read path (src/compiled/) has no client-side timer at all. Postgres cancels the
  // statement (57014, answered SERVICE_UNAVAILABLE) and frees the connection either way.
  const pool = new pg.Pool({
    connectionString: opts.url, max: opts.poolMax, idleTimeoutMillis: 30_000, maxUses: 50_000, statement_timeout: opts.txTimeoutMs,
  });
  // An idle client losing its connection (database restart, Ctrl-C reaching
  // Postgres first) must not crash the process; the pool replaces it.
  pool.on('error', (e) => console.warn(`[db] idle connection closed: ${e.message}`));
  // A request transaction's BEGIN and its identity statement in one round trip.
  mergeBeginWithIdentity(pool);
  // Named (prepared) statements: Postgres parses and plans each distinct query
  // text once per connection instead of on every request. Query texts are
  // parameterised, so their number is bounded by the schema's selection shapes;
  // maxUses recycles connections so per-connection statement caches stay small.
  const statementName = statementNamer('f');
  // ExactPrismaPg: Prisma's pg adapter, but money in nested (JSON) results stays exact (./exact-json.ts).
  // errorFormat 'minimal': otherwise every client call captures a stack (`new Error()`) to point
  // a validation error at its call site, a few percent of a request's CPU. Errors reach clients
  // masked by code (src/errors.ts) either way; only the server log's message is shorter.
  const prisma = new PrismaClient({
    adapter: new ExactPrismaPg(pool, { statementNameGenerator: (q) => statementName(q.sql) }),
    errorFormat: 'minimal',
  });
  return {
    prisma,
    pool,
    txOptions: { maxWait: opts.txMaxWaitMs, timeout: opts.txTimeoutMs },
    close: async () => {
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}

/**
 * Names for prepared statements: one per distinct query text (a hash, so the
 * same text gets the same name on every connection), `prefix` keeping each
 * caller's names apart. The memo is bounded; past it names are recomputed.
 */
export function statementNamer(prefix: string) {
  const names = new Map<string, string>();
  return (sql: string) => {
    let name = names.get(sql);
    if (!name) {
      name = `${prefix}${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
      if (names.size < 10_000) names.set(sql, name);
    }
    return name;
  };
}
