import { describe, expect, it } from 'vitest';
import { count, expectSqlError } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('orderitems');

describeTenantIsolation({ table: 'order_items', row: (fx) => fx.orderItemX }, ctx);

describe('order_items: follow the order', () => {
  it("y cannot see or add lines to x's order; x sees them", async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'y', async (c) => {
      expect(await count(c, 'select count(*) as n from order_items')).toBe(0);
      await expectSqlError(
        c,
        `insert into order_items (tenant_id, order_id, product_id, quantity, unit_price) values ($1, $2, $3, 1, '1')`,
        [a.tenantId, a.orderX, a.product],
        '42501',
      );
    });
    await asUser(app, a, 'x', async (c) => expect(await count(c, 'select count(*) as n from order_items')).toBe(1));
  });

  it("x adds lines to their own 'created' order only at the product's price", async () => {
    const { app, a } = ctx;
    const sql = `insert into order_items (tenant_id, order_id, product_id, quantity, unit_price) values ($1, $2, $3, 1, $4)`;
    await asUser(app, a, 'x', async (c) => {
      await expectSqlError(c, sql, [a.tenantId, a.orderX, a.product, '0.01'], '42501');
      await c.query(sql, [a.tenantId, a.orderX, a.product, '5.99']); // control: the fixture product costs 5.99
    });
    // Once the order is paid (moved by the owner), no more lines.
    await ctx.owner.query(`update orders set status = 'paid' where id = $1`, [a.orderX]);
    try {
      await asUser(app, a, 'x', (c) => expectSqlError(c, sql, [a.tenantId, a.orderX, a.product, '5.99'], '42501'));
    } finally {
      await ctx.owner.query(`update orders set status = 'created' where id = $1`, [a.orderX]);
    }
  });
});
