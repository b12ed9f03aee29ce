// The server's only database handle: a pg pool logged in as
// fortress_authenticator, wrapped by Prisma's pg adapter. Resolvers never see
// this client; they get the request transaction (ctx.db) instead.
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';

export interface DbOptions {
  url: string;
  poolMax: number;
  txMaxWaitMs: number;
  txTimeoutMs: number;
}

export interface Database {
  prisma: PrismaClient;
  pool: pg.Pool;
  /** Statements sent to Postgres so far (tests assert query counts with it). */
  statements: () => number;
  txOptions: { maxWait: number; timeout: number };
  close: () => Promise<void>;
}

export function createDatabase(opts: DbOptions): Database {
  // Pool size is the concurrency limit of the request path: each GraphQL
  // operation holds one connection for its transaction. Requests beyond it
  // queue in Prisma for up to txMaxWaitMs instead of failing at once.
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolMax, idleTimeoutMillis: 30_000 });
  let count = 0;
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      count += 1;
      return query(...args);
    };
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    statements: () => count,
    txOptions: { maxWait: opts.txMaxWaitMs, timeout: opts.txTimeoutMs },
    close: async () => {
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}
