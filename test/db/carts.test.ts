import { describe, expect, it } from 'vitest';
import type pg from 'pg';
import { count, expectSqlError } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('carts');

describeTenantIsolation(
  {
    table: 'carts',
    row: (fx) => fx.cartX,
    // The owner has no cart yet: the control opens their first one.
    insert: (fx) => ({ tenant_id: fx.tenantId, user_id: fx.owner }),
    update: `expires_at = expires_at + interval '1 minute'`,
  },
  ctx,
);

/** Runs fn as the owner in a transaction that is rolled back. */
async function asOwnerRolledBack<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>) {
  const c = await pool.connect();
  try {
    await c.query('begin');
    return await fn(c);
  } finally {
    await c.query('rollback');
    c.release();
  }
}

describe('carts: own or admin', () => {
  it("y cannot see, change or open a cart for x; x can see it", async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'y', async (c) => {
      expect(await count(c, 'select count(*) as n from carts')).toBe(0);
      expect((await c.query(`update carts set expires_at = now() + interval '1 hour' where id = $1`, [a.cartX])).rowCount).toBe(0);
      await expectSqlError(c, 'insert into carts (tenant_id, user_id) values ($1, $2)', [a.tenantId, a.x], '42501');
    });
    await asUser(app, a, 'x', async (c) => expect(await count(c, 'select count(*) as n from carts')).toBe(1));
  });

  it("an admin sees x's cart but cannot change or delete it (control: x can)", async () => {
    const { app, a } = ctx;
    const touch = `update carts set expires_at = expires_at + interval '1 minute' where id = $1`;
    await asUser(app, a, 'admin', async (c) => {
      expect(await count(c, 'select count(*) as n from carts where id = $1', [a.cartX])).toBe(1);
      expect((await c.query(touch, [a.cartX])).rowCount).toBe(0);
      expect((await c.query('delete from carts where id = $1', [a.cartX])).rowCount).toBe(0);
    });
    await asUser(app, a, 'x', async (c) => expect((await c.query(touch, [a.cartX])).rowCount).toBe(1));
  });
});

describe('carts: one open cart per user; the status is not the user’s to set', () => {
  it('a second open cart is a unique violation (control: y opens their first)', async () => {
    const { app, a } = ctx;
    const open = 'insert into carts (tenant_id, user_id) values ($1, $2)';
    await asUser(app, a, 'x', (c) => expectSqlError(c, open, [a.tenantId, a.x], '23505'));
    await asUser(app, a, 'y', async (c) => expect((await c.query(open, [a.tenantId, a.y])).rowCount).toBe(1));
  });

  it('no app role sets a status, on insert or update (control: the owner role can, and x may move the expiry)', async () => {
    const { app, owner, a } = ctx;
    for (const who of ['x', 'admin', 'owner'] as const) {
      await asUser(app, a, who, async (c) => {
        await expectSqlError(c, `update carts set status = 'checked_out' where id = $1`, [a.cartX], '42501');
        await expectSqlError(c, `insert into carts (tenant_id, user_id, status) values ($1, $2, 'open')`, [a.tenantId, a[who]], '42501');
      });
    }
    await asUser(app, a, 'x', async (c) =>
      expect((await c.query(`update carts set expires_at = now() + interval '1 hour' where id = $1`, [a.cartX])).rowCount).toBe(1),
    );
    await asOwnerRolledBack(owner, async (c) =>
      expect((await c.query(`update carts set status = 'abandoned' where id = $1`, [a.cartX])).rowCount).toBe(1),
    );
  });

  it('a closed or expired cart is frozen: no expiry change; checked-out carts cannot be deleted, abandoned ones can', async () => {
    const { app, owner, a } = ctx;
    const touch = `update carts set expires_at = now() + interval '1 hour' where id = $1`;
    const del = 'delete from carts where id = $1';
    // y gets an expired open cart, a checked-out one and an abandoned one (written as the owner role, removed afterwards).
    const make = async (status: string, expires: string) =>
      (await owner.query(`insert into carts (tenant_id, user_id, status, expires_at) values ($1, $2, $3, now() + $4::interval) returning id`, [
        a.tenantId, a.y, status, expires,
      ])).rows[0].id as string;
    const expired = await make('open', '-1 minute');
    const checkedOut = await make('checked_out', '1 hour');
    const abandoned = await make('abandoned', '1 hour');
    try {
      await asUser(app, a, 'y', async (c) => {
        expect((await c.query(touch, [expired])).rowCount).toBe(0);
        expect((await c.query(touch, [checkedOut])).rowCount).toBe(0);
        expect((await c.query(touch, [abandoned])).rowCount).toBe(0);
        expect((await c.query(del, [checkedOut])).rowCount).toBe(0);
        // Controls: y sees all three, deletes the abandoned and the expired open cart.
        expect(await count(c, 'select count(*) as n from carts where id = any($1)', [[expired, checkedOut, abandoned]])).toBe(3);
        expect((await c.query(del, [abandoned])).rowCount).toBe(1);
        expect((await c.query(del, [expired])).rowCount).toBe(1);
      });
      expect(await count(owner, 'select count(*) as n from carts where id = any($1)', [[expired, checkedOut, abandoned]])).toBe(3);
    } finally {
      await owner.query(`delete from carts where id = any($1)`, [[expired, checkedOut, abandoned]]);
    }
  });

  it('new carts expire after 2 hours by default', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'owner', async (c) => {
      const { rows } = await c.query(
        `insert into carts (tenant_id, user_id) values ($1, $2) returning extract(epoch from expires_at - now())::int as seconds`,
        [a.tenantId, a.owner],
      );
      expect(rows[0].seconds).toBe(7200);
    });
  });
});
