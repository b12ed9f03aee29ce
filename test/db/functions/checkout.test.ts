// app.checkout(cart, location, address): the caller's open cart becomes a
// created order with a snapshot of its products and an exact total, its stock
// reserved all or nothing; OUT_OF_STOCK names the short lines and changes
// nothing. Only the caller's own cart; NOT_FOUND reveals nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised } from './helpers.js';
import { as } from '../../ledger.js';
import { ADDRESS, checkoutAs, newCart, newLocation, newMember, newProduct, orderEvents, orderRow, setStock, stockOf } from '../../commerce.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'checkout-a');
  b = await createTenant(owner, 'checkout-b');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const checkout = 'select app.checkout($1, $2, $3) as id';
const counts = async (fx: TenantFixture) =>
  (await owner.query(
    `select (select count(*) from orders where tenant_id = $1)::int as orders,
            (select count(*) from order_items where tenant_id = $1)::int as items,
            (select count(*) from events_outbox where tenant_id = $1)::int as events,
            (select coalesce(sum(reserved), 0) from inventory where tenant_id = $1)::int as reserved,
            (select string_agg(id || ':' || status, ',' order by id) from carts where tenant_id = $1) as carts`,
    [fx.tenantId],
  )).rows[0];

describe('app.checkout', () => {
  it('creates the order with a snapshot of each line and an exact total, reserves the stock, and closes the cart', async () => {
    const loc = await newLocation(owner, a);
    const big = await newProduct(owner, a, { price: '9999999999.99', name: 'Gold bar', sku: 'GOLD-1' });
    const small = await newProduct(owner, a, { price: '0.01', name: 'Sticker', sku: 'STK-1' });
    await setStock(owner, a, big, loc, 1000);
    await setStock(owner, a, small, loc, 5, 1);
    const cart = await newCart(owner, a, a.x, [[big, 999], [small, 3]]);
    const id = await checkoutAs(app, a, a.x, cart, loc);

    // 999 × 9,999,999,999.99 + 3 × 0.01, in numeric: exact.
    expect(await orderRow(owner, id)).toMatchObject({ status: 'created', total: '9989999999990.04', currency: 'BRL', location_id: loc, payment_transfer_id: null });
    const items = (await owner.query(
      `select product_id, quantity, unit_price::text, product_name, sku, currency, line_total::text from order_items where order_id = $1 order by sku`,
      [id],
    )).rows;
    expect(items).toEqual([
      { product_id: big, quantity: 999, unit_price: '9999999999.99', product_name: 'Gold bar', sku: 'GOLD-1', currency: 'BRL', line_total: '9989999999990.010000' },
      { product_id: small, quantity: 3, unit_price: '0.01', product_name: 'Sticker', sku: 'STK-1', currency: 'BRL', line_total: '0.030000' },
    ]);
    expect(await stockOf(owner, big, loc)).toEqual({ quantity: 1000, reserved: 999, available: 1 });
    expect(await stockOf(owner, small, loc)).toEqual({ quantity: 5, reserved: 4, available: 1 });
    expect((await owner.query('select status from carts where id = $1', [cart])).rows[0].status).toBe('checked_out');
    const ev = (await owner.query(`select payload from events_outbox where aggregate = 'order' and aggregate_id = $1`, [id])).rows;
    expect(ev).toHaveLength(1);
    expect(ev[0].payload).toMatchObject({ orderId: id, userId: a.x, cartId: cart, locationId: loc, totalAmount: '9989999999990.04', currency: 'BRL' });
    expect(ev[0].payload.items).toHaveLength(2);
    expect(await orderEvents(owner, id)).toEqual(['OrderCreated']);
    // Audited by the orders trigger, with the caller as the actor.
    const audit = (await owner.query(`select user_id, action, diff from audit_logs where entity = 'order' and entity_id = $1`, [id])).rows;
    expect(audit).toMatchObject([{ user_id: a.x, action: 'create', diff: { status: 'created', total_amount: '9989999999990.040000' } }]);

    // The snapshot stays when the product changes later.
    await owner.query(`update products set price = '1.00', name = 'Renamed' where id = $1`, [big]);
    expect((await owner.query('select unit_price::text, product_name from order_items where order_id = $1 and product_id = $2', [id, big])).rows[0])
      .toEqual({ unit_price: '9999999999.99', product_name: 'Gold bar' });
    expect((await orderRow(owner, id)).total).toBe('9989999999990.04');
  });

  it('one short line of three: OUT_OF_STOCK naming the short lines (detail items); nothing reserved, no order, cart open', async () => {
    const loc = await newLocation(owner, a);
    const ok = await newProduct(owner, a, { sku: 'OK-1', name: 'Plenty' });
    const short = await newProduct(owner, a, { sku: 'SHORT-1', name: 'Scarce' });
    const alsoOk = await newProduct(owner, a, { sku: 'OK-2' });
    await setStock(owner, a, ok, loc, 10);
    await setStock(owner, a, short, loc, 5, 4);
    await setStock(owner, a, alsoOk, loc, 10);
    const cart = await newCart(owner, a, a.x, [[ok, 2], [short, 2], [alsoOk, 1]]);
    const before = await counts(a);
    const error = await committedAs(app, as(a, 'x'), (c) => c.query(checkout, [cart, loc, JSON.stringify(ADDRESS)])).catch((e) => e);
    expect(error).toMatchObject({ code: 'P0001', message: 'FORTRESS:OUT_OF_STOCK: Not enough stock for SHORT-1' });
    expect(JSON.parse(error.detail)).toEqual({ items: [{ productId: short, sku: 'SHORT-1', name: 'Scarce', requested: 2, available: 1 }] });
    expect(await counts(a)).toEqual(before);
    expect(await stockOf(owner, ok, loc)).toEqual({ quantity: 10, reserved: 0, available: 10 });
    expect(await stockOf(owner, short, loc)).toEqual({ quantity: 5, reserved: 4, available: 1 });
    expect((await owner.query('select status from carts where id = $1', [cart])).rows[0].status).toBe('open');

    // Control: with the stock there, the same cart checks out.
    await setStock(owner, a, short, loc, 6, 4);
    const id = await checkoutAs(app, a, a.x, cart, loc);
    expect(await stockOf(owner, short, loc)).toEqual({ quantity: 6, reserved: 6, available: 0 });
    expect((await orderRow(owner, id)).total).toBe('5');
  });

  it('no stock row at the location and an inactive product are short too; all short lines are named', async () => {
    const loc = await newLocation(owner, a);
    const none = await newProduct(owner, a, { sku: 'NONE-1' });
    const inactive = await newProduct(owner, a, { sku: 'OFF-1', active: false });
    await setStock(owner, a, inactive, loc, 10);
    const cart = await newCart(owner, a, a.y, [[none, 1], [inactive, 1]]);
    const error = await committedAs(app, as(a, 'y'), (c) => c.query(checkout, [cart, loc, '{}'])).catch((e) => e);
    expect(error.message).toBe('FORTRESS:OUT_OF_STOCK: Not enough stock for NONE-1, OFF-1');
    expect(JSON.parse(error.detail).items.map((i: { sku: string; available: number }) => [i.sku, i.available])).toEqual([['NONE-1', 0], ['OFF-1', 0]]);
    expect(await stockOf(owner, inactive, loc)).toMatchObject({ reserved: 0 });
  });

  it("keeps to the caller's own cart and tenant: NOT_FOUND whatever the reason; controls prove the rows exist", async () => {
    const loc = await newLocation(owner, a);
    const p = await newProduct(owner, a);
    await setStock(owner, a, p, loc, 10);
    const cartX = await newCart(owner, a, a.x, [[p, 1]]);
    const before = [await counts(a), await counts(b)];
    // y's and the admin's view of x's cart; tenant B's user; another tenant's location.
    await asRole(app, as(a, 'y'), (c) => expectRaised(c, checkout, [cartX, loc, '{}'], 'NOT_FOUND', /No such cart/));
    await asRole(app, as(a, 'admin'), (c) => expectRaised(c, checkout, [cartX, loc, '{}'], 'NOT_FOUND', /No such cart/));
    await asRole(app, as(b, 'x'), (c) => expectRaised(c, checkout, [cartX, loc, '{}'], 'NOT_FOUND', /No such cart/));
    await asRole(app, as(a, 'x'), (c) => expectRaised(c, checkout, [cartX, b.location, '{}'], 'NOT_FOUND', /No such location/));
    await asRole(app, as(a, 'x'), (c) => expectRaised(c, checkout, [cartX, null, '{}'], 'NOT_FOUND', /No such location/));
    expect([await counts(a), await counts(b)]).toEqual(before);
    // Controls: the cart exists (the owner sees it) and x checks it out.
    expect((await owner.query('select user_id from carts where id = $1', [cartX])).rows[0].user_id).toBe(a.x);
    await checkoutAs(app, a, a.x, cartX, loc);
  });

  it('refuses bad input with its code and writes nothing', async () => {
    const loc = await newLocation(owner, a);
    const p = await newProduct(owner, a);
    const usd = await newProduct(owner, a, { currency: 'USD' });
    await setStock(owner, a, p, loc, 10);
    await setStock(owner, a, usd, loc, 10);
    const max = await Promise.all(Array.from({ length: 11 }, () => newProduct(owner, a, { price: '9999999999.99' })));
    for (const m of max) await setStock(owner, a, m, loc, 1000);

    // One open cart per user: each case gets a member of its own.
    const cartOf = async (lines: [string, number][]) => {
      const m = await newMember(owner, a);
      return { user: m.id, cart: await newCart(owner, a, m.id, lines) };
    };
    const mixed = await cartOf([[p, 1], [usd, 1]]);
    const expired = await cartOf([[p, 1]]);
    await owner.query(`update carts set expires_at = now() - interval '1 minute' where id = $1`, [expired.cart]);
    const abandoned = await cartOf([[p, 1]]);
    await owner.query(`update carts set status = 'abandoned' where id = $1`, [abandoned.cart]);
    const empty = await cartOf([]);
    const done = await cartOf([[p, 1]]);
    await checkoutAs(app, a, done.user, done.cart, loc);
    const huge = await cartOf(max.map((m) => [m, 999] as [string, number]));
    const before = await counts(a);
    const raised = (c: { user: string; cart: string }, address: string | null, code: Parameters<typeof expectRaised>[3], text?: RegExp) =>
      asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: c.user }, (s) => expectRaised(s, checkout, [c.cart, loc, address], code, text));
    await raised(mixed, '{}', 'CURRENCY_MISMATCH');
    await raised(expired, '{}', 'NOT_FOUND', /No such cart/);
    await raised(abandoned, '{}', 'NOT_FOUND', /No such cart/);
    await raised(empty, '{}', 'BAD_USER_INPUT', /empty/);
    await raised(done, '{}', 'CONFLICT', /already checked out/);
    await raised(huge, '{}', 'INVALID_AMOUNT');
    await raised(huge, '[]', 'BAD_USER_INPUT', /shippingAddress/);
    await raised(huge, null, 'BAD_USER_INPUT', /shippingAddress/);
    await raised(huge, JSON.stringify({ line1: 'x'.repeat(4100) }), 'BAD_USER_INPUT', /4 KB/);
    expect(await counts(a)).toEqual(before);
  });

  it('needs a signed-in member, and is executable by fortress_user only', async () => {
    expect(await executors(owner, 'app.checkout(uuid,uuid,jsonb)')).toEqual(['fortress_user']);
    await asRole(app, { role: 'fortress_user' }, (c) => expectRaised(c, checkout, [a.cartX, a.location, '{}'], 'FORBIDDEN'));
    await asRole(app, { role: 'fortress_support', tenantId: a.tenantId, userId: a.x }, (c) =>
      expectSqlError(c, checkout, [a.cartX, a.location, '{}'], '42501'));
  });
});
