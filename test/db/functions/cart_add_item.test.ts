// app.cart_add_item(product, quantity) and app.cart_total(cart): the caller's
// one open cart per tenant, opened on first add, replaced once expired; lines
// summed per product; totals exact at live prices. Security invoker: RLS and
// the column grants are the guard, the function gives the documented errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import pg from 'pg';
import { asRole, authenticatorPool, count, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised } from './helpers.js';
import { as } from '../../ledger.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'cart-add-a');
  b = await createTenant(owner, 'cart-add-b');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const add = 'select cart_id, cart_item_id from app.cart_add_item($1, $2)';
const total = 'select trim_scale(total)::text as total, currency, item_count from app.cart_total($1)';
const product = async (fx: TenantFixture, price: string, currency = 'BRL', active = true) =>
  (await owner.query(
    `insert into products (tenant_id, sku, name, price, currency, active) values ($1, $2, 'P', $3, $4, $5) returning id`,
    [fx.tenantId, `SKU-${Math.random().toString(36).slice(2, 10)}`, price, currency, active],
  )).rows[0].id as string;
const openCarts = (fx: TenantFixture, user: string) =>
  owner.query<{ id: string; secs: number }>(
    `select id, extract(epoch from expires_at - (now() + interval '2 hours'))::float as secs from carts
      where tenant_id = $1 and user_id = $2 and status = 'open'`,
    [fx.tenantId, user],
  ).then((r) => r.rows);
const lines = (cartId: string) =>
  owner.query('select product_id, quantity from cart_items where cart_id = $1 order by created_at, id', [cartId]).then((r) => r.rows);

describe('app.cart_add_item', () => {
  it('opens a cart on the first add (expiring in 2 h), then adds to it and sums a product’s line', async () => {
    const t = await createTenant(owner, 'cart-add-open');
    expect(await openCarts(t, t.y)).toEqual([]);
    const first = await committedAs(app, as(t, 'y'), async (c) => (await c.query(add, [t.product, 2])).rows[0]);
    const [cart] = await openCarts(t, t.y);
    expect(cart!.id).toBe(first.cart_id);
    expect(Math.abs(cart!.secs)).toBeLessThan(60);
    await owner.query(`update carts set expires_at = now() + interval '5 minutes' where id = $1`, [first.cart_id]);
    const again = await committedAs(app, as(t, 'y'), async (c) => (await c.query(add, [t.product, 3])).rows[0]);
    expect(again).toEqual(first);
    const [moved] = await openCarts(t, t.y);
    expect(Math.abs(moved!.secs), 'the add extended the expiry to 2 h from now').toBeLessThan(60);
    expect(await lines(first.cart_id)).toEqual([{ product_id: t.product, quantity: 5 }]);
  });

  it('adds to the open cart x already has (the fixture’s)', async () => {
    const t = await createTenant(owner, 'cart-add-existing');
    const r = await committedAs(app, as(t, 'x'), async (c) => (await c.query(add, [t.product, 4])).rows[0]);
    expect(r).toEqual({ cart_id: t.cartX, cart_item_id: t.cartItemX });
    expect(await lines(t.cartX)).toEqual([{ product_id: t.product, quantity: 5 }]);
  });

  it('replaces an expired open cart (which still holds the one-open-cart slot) with a new one', async () => {
    const t = await createTenant(owner, 'cart-add-expired');
    await owner.query(`update carts set expires_at = now() - interval '1 minute' where id = $1`, [t.cartX]);
    const r = await committedAs(app, as(t, 'x'), async (c) => (await c.query(add, [t.product, 1])).rows[0]);
    expect(r.cart_id).not.toBe(t.cartX);
    expect((await openCarts(t, t.x)).map((c) => c.id)).toEqual([r.cart_id]);
    expect(await count(owner, 'select count(*) as n from carts where id = $1', [t.cartX])).toBe(0);
    expect(await lines(r.cart_id)).toEqual([{ product_id: t.product, quantity: 1 }]);
  });

  it('keeps one currency per cart: CURRENCY_MISMATCH, nothing written (control: y adds the EUR product)', async () => {
    const eur = await product(a, '1.00', 'EUR');
    const before = await lines(a.cartX);
    await asRole(app, as(a, 'x'), (c) => expectRaised(c, add, [eur, 1], 'CURRENCY_MISMATCH', /BRL.*EUR/));
    expect(await lines(a.cartX)).toEqual(before);
    await asRole(app, as(a, 'y'), async (c) => expect((await c.query(add, [eur, 1])).rowCount).toBe(1));
  });

  it('refuses inactive products and other tenants’ products: NOT_FOUND (controls: active, and B’s own member)', async () => {
    const inactive = await product(a, '2.00', 'BRL', false);
    await asRole(app, as(a, 'y'), async (c) => {
      await expectRaised(c, add, [inactive, 1], 'NOT_FOUND');
      await expectRaised(c, add, [b.product, 1], 'NOT_FOUND');
      await expectRaised(c, add, ['00000000-0000-0000-0000-000000000000', 1], 'NOT_FOUND');
    });
    await owner.query('update products set active = true where id = $1', [inactive]);
    await asRole(app, as(a, 'y'), async (c) => expect((await c.query(add, [inactive, 1])).rowCount).toBe(1));
    await asRole(app, as(b, 'y'), async (c) => expect((await c.query(add, [b.product, 1])).rowCount).toBe(1));
  });

  it('validates the quantity (1..999, also for the summed line), naming it', async () => {
    const t = await createTenant(owner, 'cart-add-qty');
    await asRole(app, as(t, 'x'), async (c) => {
      for (const q of [0, -1, 1000, null]) await expectRaised(c, add, [t.product, q], 'BAD_USER_INPUT', /quantity/);
      await c.query(add, [t.product, 998]); // the line now holds 999
      await expectRaised(c, add, [t.product, 1], 'BAD_USER_INPUT', /quantity/);
      expect((await c.query('select quantity from cart_items where id = $1', [t.cartItemX])).rows[0].quantity).toBe(999);
    });
  });

  it('needs a signed-in member: FORBIDDEN without one; executable by fortress_user only', async () => {
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId }, (c) => expectRaised(c, add, [a.product, 1], 'FORBIDDEN'));
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: b.x }, (c) => expectRaised(c, add, [a.product, 1], 'FORBIDDEN'));
    for (const fn of ['app.cart_add_item(uuid,integer)', 'app.cart_total(uuid)', 'app.cart_set_quantity(uuid,integer)', 'app.cart_remove_item(uuid)']) {
      expect(await executors(owner, fn)).toEqual(['fortress_user']);
    }
    await asRole(app, { role: 'fortress_partner', tenantId: a.tenantId, userId: a.x }, (c) => expectSqlError(c, add, [a.product, 1], '42501'));
  });

  it('20 concurrent adds by one user with no cart leave one open cart with the summed quantities', async () => {
    const t = await createTenant(owner, 'cart-add-race');
    const milk2 = await product(t, '1.10');
    const wide = new pg.Pool({ connectionString: inject('authenticatorUrl'), max: 20 });
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          committedAs(wide, as(t, 'y'), async (c) => (await c.query(add, [i % 2 ? milk2 : t.product, i + 1])).rows[0])),
      );
      const carts = await openCarts(t, t.y);
      expect(carts).toHaveLength(1);
      expect(new Set(results.map((r) => r.cart_id))).toEqual(new Set([carts[0]!.id]));
      const odd = Array.from({ length: 10 }, (_, k) => 2 * k + 2).reduce((s, v) => s + v, 0); // i odd → i + 1 even
      const even = Array.from({ length: 10 }, (_, k) => 2 * k + 1).reduce((s, v) => s + v, 0);
      expect(new Map((await lines(carts[0]!.id)).map((l) => [l.product_id, l.quantity]))).toEqual(new Map([[t.product, even], [milk2, odd]]));
    } finally {
      await wide.end();
    }
  });
});

describe('app.cart_total', () => {
  it('is exact at the extremes: 999 × 9,999,999,999.99, twice', async () => {
    const t = await createTenant(owner, 'cart-total-max');
    const [p1, p2] = [await product(t, '9999999999.99'), await product(t, '9999999999.99')];
    await committedAs(app, as(t, 'y'), async (c) => {
      await c.query(add, [p1, 999]);
      const { cart_id } = (await c.query(add, [p2, 999])).rows[0];
      expect((await c.query(total, [cart_id])).rows).toEqual([{ total: '19979999999980.02', currency: 'BRL', item_count: 1998 }]);
    });
  });

  it('uses live prices; mixed currencies give no total; an empty cart totals 0 with no currency', async () => {
    const t = await createTenant(owner, 'cart-total-live');
    await asRole(app, as(t, 'x'), async (c) => expect((await c.query(total, [t.cartX])).rows).toEqual([{ total: '5.99', currency: 'BRL', item_count: 1 }]));
    await owner.query(`update products set price = '7.10' where id = $1`, [t.product]);
    await asRole(app, as(t, 'x'), async (c) => expect((await c.query(total, [t.cartX])).rows).toEqual([{ total: '7.1', currency: 'BRL', item_count: 1 }]));
    const eur = await product(t, '1.00', 'EUR');
    await owner.query('insert into cart_items (tenant_id, cart_id, product_id, quantity) values ($1, $2, $3, 2)', [t.tenantId, t.cartX, eur]);
    await asRole(app, as(t, 'x'), async (c) => expect((await c.query(total, [t.cartX])).rows).toEqual([{ total: null, currency: null, item_count: 3 }]));
    await owner.query('delete from cart_items where cart_id = $1', [t.cartX]);
    await asRole(app, as(t, 'x'), async (c) => expect((await c.query(total, [t.cartX])).rows).toEqual([{ total: '0', currency: null, item_count: 0 }]));
  });

  it('has no row for a cart the caller cannot see: another member’s, another tenant’s (controls: x, the owner)', async () => {
    await asRole(app, as(a, 'y'), async (c) => expect((await c.query(total, [a.cartX])).rows).toEqual([]));
    await asRole(app, as(b, 'owner'), async (c) => expect((await c.query(total, [a.cartX])).rows).toEqual([]));
    await asRole(app, as(a, 'x'), async (c) => expect((await c.query(total, [a.cartX])).rows).toHaveLength(1));
    await asRole(app, as(a, 'owner'), async (c) => expect((await c.query(total, [a.cartX])).rows).toHaveLength(1));
  });
});
