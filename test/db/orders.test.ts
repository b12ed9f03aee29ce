import { describe, expect, it } from 'vitest';
import { count } from '../helpers.js';
import { asUser, describeReadOnly, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('orders');

// No insert or update: app roles write no order; the order functions do.
describeTenantIsolation({ table: 'orders', row: (fx) => fx.orderX }, ctx);

describeReadOnly(
  {
    table: 'orders',
    row: (fx) => fx.orderX,
    insert: (fx) => ({ tenant_id: fx.tenantId, user_id: fx.x, currency: 'BRL' }),
    // Each valid on the 'created' fixture order, so the owner's control passes the checks.
    updates: [`status = 'created'`, 'total_amount = total_amount + 1', 'payment_transfer_id = null', 'paid_at = now()'],
  },
  ctx,
);

describe('orders: own or admin', () => {
  it("y cannot see x's order; x and the admin see it", async () => {
    const { app, owner, a } = ctx;
    await asUser(app, a, 'y', async (c) => expect(await count(c, 'select count(*) as n from orders where id = $1', [a.orderX])).toBe(0));
    for (const who of ['x', 'admin'] as const) {
      await asUser(app, a, who, async (c) => expect(await count(c, 'select count(*) as n from orders where id = $1', [a.orderX])).toBe(1));
    }
    expect(await count(owner, 'select count(*) as n from orders where id = $1', [a.orderX])).toBe(1);
  });
});

describe('orders: constraints the order functions rely on', () => {
  it('a paid order needs paid_at and a payment (or a zero total); cancelled ⇔ cancelled_at; one order per cart', async () => {
    const { owner, a } = ctx;
    const c = await owner.connect();
    const fails = async (sql: string, params: unknown[], code: string) => {
      await c.query('savepoint s');
      await expect(c.query(sql, params)).rejects.toMatchObject({ code });
      await c.query('rollback to savepoint s');
    };
    try {
      await c.query('begin');
      await fails(`update orders set status = 'paid', paid_at = now() where id = $1`, [a.orderX], '23514');
      await fails(`update orders set status = 'cancelled' where id = $1`, [a.orderX], '23514');
      await fails(`update orders set cancel_reason = repeat('x', 501) where id = $1`, [a.orderX], '23514');
      await c.query(`update orders set cart_id = $2 where id = $1`, [a.orderX, a.cartX]);
      await fails(`insert into orders (tenant_id, user_id, cart_id, currency) values ($1, $2, $3, 'BRL')`, [a.tenantId, a.x, a.cartX], '23505');
      // Controls: each valid form is accepted.
      expect((await c.query(`update orders set status = 'cancelled', cancelled_at = now() where id = $1`, [a.orderX])).rowCount).toBe(1);
      expect((await c.query(`update orders set status = 'paid', paid_at = now(), cancelled_at = null, total_amount = 0 where id = $1`, [a.orderX])).rowCount).toBe(1);
    } finally {
      await c.query('rollback');
      c.release();
    }
  });
});
