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
});
