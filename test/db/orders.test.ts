import { describe, expect, it } from 'vitest';
import { count, expectSqlError } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('orders');

describeTenantIsolation(
  {
    table: 'orders',
    row: (fx) => fx.orderX,
    insert: (fx) => ({ tenant_id: fx.tenantId, user_id: fx.owner, currency: 'BRL' }),
    update: `status = 'shipped'`,
  },
  ctx,
);

describe('orders: own or admin; status moved by admins', () => {
  it("y cannot see x's order; x sees it but cannot change its status; the owner can", async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'y', async (c) => expect(await count(c, 'select count(*) as n from orders')).toBe(0));
    await asUser(app, a, 'x', async (c) => {
      expect(await count(c, 'select count(*) as n from orders')).toBe(1);
      expect((await c.query(`update orders set status = 'delivered' where id = $1`, [a.orderX])).rowCount).toBe(0);
      await expectSqlError(c, `insert into orders (tenant_id, user_id, currency) values ($1, $2, 'BRL')`, [a.tenantId, a.y], '42501');
    });
    await asUser(app, a, 'owner', async (c) => {
      expect((await c.query(`update orders set status = 'shipped' where id = $1`, [a.orderX])).rowCount).toBe(1);
    });
  });

  it("a new order starts as 'created': a member cannot insert it as paid (control: created is accepted)", async () => {
    const { app, a } = ctx;
    const sql = `insert into orders (tenant_id, user_id, currency, status) values ($1, $2, 'BRL', $3)`;
    await asUser(app, a, 'x', async (c) => {
      await expectSqlError(c, sql, [a.tenantId, a.x, 'paid'], '42501');
      await c.query(sql, [a.tenantId, a.x, 'created']);
    });
  });
});
