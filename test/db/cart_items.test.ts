import { describe, expect, it } from 'vitest';
import { count, expectSqlError } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('cartitems');

describeTenantIsolation(
  // The owner may read every cart's items but only fills carts of their own.
  { table: 'cart_items', row: (fx) => fx.cartItemX, reader: 'owner', update: 'quantity = quantity + 1' },
  ctx,
);

describe('cart_items: follow the cart', () => {
  it("y cannot see or add to x's cart; x can add to it", async () => {
    const { app, a } = ctx;
    const sql = 'insert into cart_items (tenant_id, cart_id, product_id, quantity) values ($1, $2, $3, 1)';
    await asUser(app, a, 'y', async (c) => {
      expect(await count(c, 'select count(*) as n from cart_items')).toBe(0);
      await expectSqlError(c, sql, [a.tenantId, a.cartX, a.product], '42501');
    });
    await asUser(app, a, 'x', async (c) => {
      expect((await c.query('update cart_items set quantity = 3 where id = $1', [a.cartItemX])).rowCount).toBe(1);
    });
  });

  it('quantities must be positive', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'x', async (c) =>
      expectSqlError(c, 'update cart_items set quantity = 0 where id = $1', [a.cartItemX], '23514'),
    );
  });
});
