// The read operations' request variants, shared by bench/run.ts (under load) and
// bench/read-cpu.ts (in-process): random members of the bench tenants, each with an
// account, a category of their tenant and one of their orders, and a token naming a
// live session, as login issues them, so each request pays the identity statement's
// session check (app.require_live_session) like a real client's.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createTokenService, type TokenService } from '../src/auth/tokens.js';
import { startBenchDatabase } from './database.js';
import { FULL, QUICK, seedDataset } from './dataset.js';
import type { Variant } from './workload.js';

export const READ_VARIANTS_SQL = `
  select u.id as user_id, u.tenant_id,
         (select a.id from accounts a where a.user_id = u.id order by a.id limit 1) as account_id,
         (select c.id from categories c where c.tenant_id = u.tenant_id and c.parent_id is not null order by random() limit 1) as category_id,
         (select o.id from orders o where o.user_id = u.id order by random() limit 1) as order_id
    from users u join tenant_memberships m on m.user_id = u.id and m.role = 'member'
    join tenants t on t.id = u.tenant_id and t.slug like 'bench-%'
   order by random() limit 200`;

/** A member's token naming a session of theirs (one session per member, created on first use). */
export function sessionTokens(owner: pg.Client, tokens: TokenService) {
  const sessions = new Map<string, string>();
  return async (r: { user_id: string; tenant_id: string }) => {
    let sessionId = sessions.get(r.user_id);
    if (!sessionId) {
      sessionId = (await owner.query(
        `insert into sessions (tenant_id, user_id, refresh_token_hash, expires_at)
         values ($1, $2, 'bench-' || gen_random_uuid(), now() + interval '1 day') returning id`,
        [r.tenant_id, r.user_id],
      )).rows[0].id as string;
      sessions.set(r.user_id, sessionId);
    }
    return (await tokens.sign({ userId: r.user_id, tenantId: r.tenant_id, role: 'member', sessionId })).token;
  };
}

/** The read variants: members with an order (every operation has something to read). */
export async function readVariants(owner: pg.Client, token: ReturnType<typeof sessionTokens>): Promise<Variant[]> {
  const { rows } = await owner.query(READ_VARIANTS_SQL);
  return Promise.all(
    rows
      .filter((r) => r.order_id)
      .map(async (r) => ({ token: await token(r), accountId: r.account_id, categoryId: r.category_id, orderId: r.order_id, cursors: {} })),
  );
}

/**
 * The in-process CPU benches' start (bench/read-cpu.ts, bench/transfer-cpu.ts): the bench
 * cluster with its dataset, a token service and an owner connection; `stop` undoes it all.
 */
export async function inProcessBench(full: boolean) {
  const db = await startBenchDatabase(full ? 'full' : 'quick');
  try {
    await seedDataset(db.ownerUrl, full ? FULL : QUICK);
    const tokens = await createTokenService({ secret: randomBytes(32).toString('base64url'), issuer: 'fortress', audience: 'fortress-api', ttlSeconds: 3600 });
    const owner = new pg.Client({ connectionString: db.ownerUrl });
    await owner.connect();
    return { db, tokens, owner };
  } catch (e) {
    await db.stop();
    throw e;
  }
}
