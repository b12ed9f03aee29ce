import { describe, expect, it } from 'vitest';
import { count } from '../helpers.js';
import { asUser, describeReadOnly, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('orderitems');

describeTenantIsolation({ table: 'order_items', row: (fx) => fx.orderItemX }, ctx);

describeReadOnly(
  {
    table: 'order_items',
    row: (fx) => fx.orderItemX,
    insert: (fx) => ({
      tenant_id: fx.tenantId, order_id: fx.orderX, product_id: fx.product, quantity: 1, unit_price: '5.99', product_name: 'Milk', sku: 'SKU-1',
      currency: 'BRL',
    }),
    updates: ['unit_price = unit_price + 1', 'quantity = quantity + 1'],
  },
  ctx,
);

describe('order_items: follow the order, keep the product as it was', () => {
  it("y cannot see x's lines; x sees them", async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'y', async (c) => expect(await count(c, 'select count(*) as n from order_items')).toBe(0));
    await asUser(app, a, 'x', async (c) => expect(await count(c, 'select count(*) as n from order_items')).toBe(1));
  });

  it('line_total is unit_price × quantity, computed by Postgres; the snapshot survives a product change', async () => {
    const { owner, app, a } = ctx;
    const c = await owner.connect();
    try {
      await c.query('begin');
      await c.query(`update products set name = 'Oat milk', sku = 'SKU-9', price = '7.00' where id = $1`, [a.product]);
      await c.query('update order_items set quantity = 3 where id = $1', [a.orderItemX]);
      const { rows } = await c.query('select product_name, sku, currency, unit_price::text, line_total::text from order_items where id = $1', [a.orderItemX]);
      expect(rows[0]).toEqual({ product_name: 'Milk', sku: 'SKU-1', currency: 'BRL', unit_price: '5.99', line_total: '17.970000' });
      await c.query('savepoint s');
      await expect(c.query(`update order_items set line_total = 1 where id = $1`, [a.orderItemX])).rejects.toMatchObject({ code: '428C9' });
      await c.query('rollback to savepoint s');
    } finally {
      await c.query('rollback');
      c.release();
    }
    await asUser(app, a, 'x', async (c) =>
      expect((await c.query('select line_total::text from order_items where id = $1', [a.orderItemX])).rows).toEqual([{ line_total: '5.990000' }]),
    );
  });
});
