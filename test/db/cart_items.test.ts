import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
      expect(await count(c, 'select count(*) as n from cart_items where cart_id = $1', [a.cartX])).toBe(0);
      await expectSqlError(c, sql, [a.tenantId, a.cartX, a.product], '42501');
    });
    await asUser(app, a, 'x', async (c) => {
      expect((await c.query('update cart_items set quantity = 3 where id = $1', [a.cartItemX])).rowCount).toBe(1);
    });
  });

  it('quantities must be 1..999', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'x', async (c) => {
      await expectSqlError(c, 'update cart_items set quantity = 0 where id = $1', [a.cartItemX], '23514');
      await expectSqlError(c, 'update cart_items set quantity = 1000 where id = $1', [a.cartItemX], '23514');
      expect((await c.query('update cart_items set quantity = 999 where id = $1', [a.cartItemX])).rowCount).toBe(1);
    });
  });
});

describe('cart_items: the items of a checked-out, abandoned or expired cart are frozen', () => {
  // x's open cart is the fixture's cartX; the expired (still open) cart is y's, as a user has only one open cart.
  const frozen = {} as Record<'checkedOut' | 'abandoned' | 'expired', { cart: string; item: string; user: 'x' | 'y' }>;
  let otherProduct: string;
  beforeAll(async () => {
    const { owner, a } = ctx;
    otherProduct = (await owner.query(`insert into products (tenant_id, sku, name, price) values ($1, 'SKU-2', 'Bread', '3.50') returning id`, [a.tenantId]))
      .rows[0].id;
    for (const [key, status, expires, user] of [
      ['checkedOut', 'checked_out', '1 hour', 'x'],
      ['abandoned', 'abandoned', '1 hour', 'x'],
      ['expired', 'open', '-1 minute', 'y'],
    ] as const) {
      const cart = (await owner.query(`insert into carts (tenant_id, user_id, status, expires_at) values ($1, $2, $3, now() + $4::interval) returning id`, [
        a.tenantId, a[user], status, expires,
      ])).rows[0].id as string;
      const item = (await owner.query('insert into cart_items (tenant_id, cart_id, product_id, quantity) values ($1, $2, $3, 1) returning id', [
        a.tenantId, cart, a.product,
      ])).rows[0].id as string;
      frozen[key] = { cart, item, user };
    }
  });
  afterAll(async () => {
    await ctx.owner.query('delete from carts where id = any($1)', [Object.values(frozen).map((f) => f.cart)]);
  });

  for (const key of ['checkedOut', 'abandoned', 'expired'] as const) {
    it(`${key}: its user cannot add, change or remove items (control: the same statements work on an open cart)`, async () => {
      const { app, owner, a } = ctx;
      const { cart, item, user } = frozen[key];
      const add = 'insert into cart_items (tenant_id, cart_id, product_id, quantity) values ($1, $2, $3, 1)';
      await asUser(app, a, user, async (c) => {
        expect(await count(c, 'select count(*) as n from cart_items where id = $1', [item])).toBe(1);
        await expectSqlError(c, add, [a.tenantId, cart, otherProduct], '42501');
        expect((await c.query('update cart_items set quantity = 2 where id = $1', [item])).rowCount).toBe(0);
        expect((await c.query('delete from cart_items where id = $1', [item])).rowCount).toBe(0);
      });
      expect(await count(owner, 'select count(*) as n from cart_items where id = $1 and quantity = 1', [item])).toBe(1);
      // Control: x's open, unexpired cart.
      await asUser(app, a, 'x', async (c) => {
        expect((await c.query(add, [a.tenantId, a.cartX, otherProduct])).rowCount).toBe(1);
        expect((await c.query('update cart_items set quantity = 2 where id = $1', [a.cartItemX])).rowCount).toBe(1);
        expect((await c.query('delete from cart_items where id = $1', [a.cartItemX])).rowCount).toBe(1);
      });
    });
  }
});
