// app.expire_carts(limit, tenant): the job that deletes expired open and
// abandoned carts, across tenants, as fortress_worker only. Every call here
// names its tenant: test files share one database, and other files' expired
// carts are theirs to keep.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised } from './helpers.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'expire-a');
  b = await createTenant(owner, 'expire-b');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const worker = { role: 'fortress_worker' } as const;
const expire = (pool: pg.Pool, limit: number, tenant: string) =>
  committedAs(pool, worker, async (c) => (await c.query<{ n: number }>('select app.expire_carts($1, $2) as n', [limit, tenant])).rows[0]!.n);

/** A cart written by the owner; `expiredMinutesAgo` < 0 expires in the future. */
async function cart(fx: TenantFixture, user: string, status: 'open' | 'abandoned' | 'checked_out', expiredMinutesAgo: number) {
  const { rows } = await owner.query(
    `insert into carts (tenant_id, user_id, status, expires_at) values ($1, $2, $3, now() - make_interval(mins => $4)) returning id`,
    [fx.tenantId, user, status, expiredMinutesAgo],
  );
  return rows[0].id as string;
}
const item = (fx: TenantFixture, cartId: string) =>
  owner.query('insert into cart_items (tenant_id, cart_id, product_id, quantity) values ($1, $2, $3, 2)', [fx.tenantId, cartId, fx.product]);
const order = (fx: TenantFixture, user: string, cartId: string) =>
  owner.query(`insert into orders (tenant_id, user_id, cart_id, total_amount, currency) values ($1, $2, $3, '11.98', 'BRL')`, [
    fx.tenantId, user, cartId,
  ]);
const existing = async (ids: string[]) =>
  (await owner.query<{ id: string }>('select id from carts where id = any($1::uuid[])', [ids])).rows.map((r) => r.id).sort();

describe('app.expire_carts', () => {
  it('is executable by fortress_worker only', async () => {
    expect(await executors(owner, 'app.expire_carts(integer,uuid)')).toEqual(['fortress_worker']);
  });

  it('deletes the tenant’s expired open and abandoned carts with their items; keeps checked-out, referenced and unexpired ones, and other tenants’', async () => {
    const expiredOpen = await cart(a, a.y, 'open', 5);
    const expiredAbandoned = await cart(a, a.x, 'abandoned', 60);
    await item(a, expiredAbandoned);
    const expiredAbandonedAdmin = await cart(a, a.admin, 'abandoned', 1);
    // Orders reference checked-out carts: never touched, however old.
    const checkedOut = await cart(a, a.owner, 'checked_out', 600);
    await order(a, a.owner, checkedOut);
    // A cart some order references (written before checkout existed) stays for the same reason.
    const referenced = await cart(a, a.admin, 'abandoned', 600);
    await order(a, a.admin, referenced);
    const freshAbandoned = await cart(a, a.y, 'abandoned', -60);
    const otherTenant = await cart(b, b.y, 'open', 5);
    const kept = [a.cartX, checkedOut, referenced, freshAbandoned, otherTenant];

    expect(await expire(app, 1000, a.tenantId)).toBe(3);
    expect(await existing([expiredOpen, expiredAbandoned, expiredAbandonedAdmin, ...kept])).toEqual([...kept].sort());
    expect((await owner.query('select count(*)::int as n from cart_items where cart_id = $1', [expiredAbandoned])).rows[0].n, 'items go with their cart').toBe(0);
    expect((await owner.query('select count(*)::int as n from cart_items where id = $1', [a.cartItemX])).rows[0].n, 'control: the open cart keeps its item').toBe(1);
    expect(await expire(app, 1000, a.tenantId), 'nothing left to expire').toBe(0);

    // Control: the other tenant's expired cart goes when its tenant is named.
    expect(await expire(app, 1000, b.tenantId)).toBe(1);
    expect(await existing([otherTenant])).toEqual([]);
  });

  it('deletes at most `limit` per call, oldest first, so the task can repeat while a batch comes back full', async () => {
    const c = await createTenant(owner, 'expire-batch');
    const users = [c.x, c.y, c.admin, c.owner, c.x];
    const carts = [];
    for (const [i, user] of users.entries()) carts.push(await cart(c, user, 'abandoned', 10 * (i + 1)));
    expect(await expire(app, 2, c.tenantId)).toBe(2);
    expect(await existing(carts), 'the two oldest went first').toEqual(carts.slice(0, 3).sort());
    expect(await expire(app, 2, c.tenantId)).toBe(2);
    expect(await expire(app, 2, c.tenantId)).toBe(1);
    expect(await expire(app, 2, c.tenantId)).toBe(0);
  });

  it('skips a cart another transaction holds (a checkout in progress) instead of waiting, and takes it on a later call', async () => {
    const c = await createTenant(owner, 'expire-locked');
    const held = await cart(c, c.x, 'abandoned', 30);
    const free = await cart(c, c.y, 'abandoned', 30);
    const locker = await owner.connect();
    try {
      await locker.query('begin');
      await locker.query('select 1 from carts where id = $1 for update', [held]);
      expect(await expire(app, 1000, c.tenantId)).toBe(1);
      expect(await existing([held, free])).toEqual([held]);
    } finally {
      await locker.query('rollback');
      locker.release();
    }
    expect(await expire(app, 1000, c.tenantId)).toBe(1);
    expect(await existing([held])).toEqual([]);
  });

  it('refuses a limit outside 1..10000 (BAD_USER_INPUT)', async () => {
    await asRole(app, worker, async (c) => {
      for (const limit of [0, -1, 10_001, null]) await expectRaised(c, 'select app.expire_carts($1, $2)', [limit, a.tenantId], 'BAD_USER_INPUT');
    });
  });

  it('fortress_user, the other app roles and the bare server login cannot run it (control: fortress_worker can)', async () => {
    const expired = await cart(a, a.y, 'abandoned', 5);
    for (const role of ['fortress_user', 'fortress_anonymous', 'fortress_partner', 'fortress_support'] as const) {
      await asRole(app, { role, tenantId: a.tenantId, userId: a.admin }, (c) =>
        expectSqlError(c, 'select app.expire_carts(1000, $1)', [a.tenantId], '42501'),
      );
    }
    const c = await app.connect();
    try {
      await c.query('begin');
      await expectSqlError(c, 'select app.expire_carts(1000, $1)', [a.tenantId], '42501');
    } finally {
      await c.query('rollback');
      c.release();
    }
    expect(await existing([expired])).toEqual([expired]);
    await asRole(app, worker, async (c) => {
      expect((await c.query('select app.expire_carts(1000, $1) as n', [a.tenantId])).rows[0].n).toBe(1);
    });
  });
});
