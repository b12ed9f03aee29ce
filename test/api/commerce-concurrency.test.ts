// Orders under real concurrency: requests fired at once through yoga.fetch on
// a 10-connection pool, each in its own request transaction, on a tenant of
// this file's own (so its totals are exact). No oversell, no deadlock, one
// winner per pay ‖ cancel race, and money and stock agreeing afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { authenticatorPool, errorCodes, gql, graphql, ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { expectLedgerInvariants, fund, newAccount } from '../ledger.js';
import { newCart, newLocation, newMember, newProduct, placeOrder, setStock, stockOf } from '../commerce.js';

let owner: pg.Pool;
let sqlApp: pg.Pool;
let app: Awaited<ReturnType<typeof testApp>>;
let t: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  sqlApp = authenticatorPool();
  app = await testApp({ poolMax: 10, txMaxWaitMs: 60_000 });
  t = await createTenant(owner, 'commerce-race');
});
afterAll(async () => {
  await app.close();
  await sqlApp.end();
  await owner.end();
});

const Checkout = graphql(`
  mutation RaceCheckout($input: CheckoutInput!) { checkout(input: $input) { order { rowId status } } }
`);
const Pay = graphql(`
  mutation RacePay($input: PayOrderInput!) { payOrder(input: $input) { order { status } } }
`);
const Cancel = graphql(`
  mutation RaceCancel($input: CancelOrderInput!) { cancelOrder(input: $input) { order { status } } }
`);

const members = (n: number) => Promise.all(Array.from({ length: n }, async () => {
  const m = await newMember(owner, t);
  return { id: m.id, token: await m.token() };
}));

/** Reads the stock row until stopped; collects every reading that breaks 0 <= reserved <= quantity. */
function pollStock(product: string, location: string) {
  let running = true;
  const bad: unknown[] = [];
  let reads = 0;
  const done = (async () => {
    while (running) {
      const s = await stockOf(owner, product, location);
      reads += 1;
      if (!s || s.quantity < 0 || s.reserved < 0 || s.reserved > s.quantity) bad.push(s);
    }
  })();
  return { stop: async () => ((running = false), await done, { bad, reads }) };
}

describe('checkout under concurrency', () => {
  it('100 members each check out 1 unit of a product with 10 available: exactly 10 orders, 90 OUT_OF_STOCK', async () => {
    const loc = await newLocation(owner, t);
    const p = await newProduct(owner, t, { price: '3.00', sku: 'RACE-1' });
    await setStock(owner, t, p, loc, 10);
    const buyers = await members(100);
    const carts = await Promise.all(buyers.map((m) => newCart(owner, t, m.id, [[p, 1]])));
    const poll = pollStock(p, loc);
    const results = await Promise.all(buyers.map((m, i) =>
      gql(app.yoga, Checkout, { token: m.token, variables: { input: { cartId: carts[i]!, locationId: loc, shippingAddress: {} } } })));
    const { bad, reads } = await poll.stop();
    expect(bad).toEqual([]);
    expect(reads).toBeGreaterThan(0);
    const codes = results.flatMap((r) => errorCodes(r));
    expect(codes).toHaveLength(90);
    expect(new Set(codes)).toEqual(new Set(['OUT_OF_STOCK']));
    for (const r of results.filter((x) => x.errors)) expect(r.errors![0]!.extensions!.items).toEqual([expect.objectContaining({ sku: 'RACE-1', requested: 1, available: 0 })]);
    expect(results.filter((r) => r.data?.checkout.order.status === 'CREATED')).toHaveLength(10);
    expect(await stockOf(owner, p, loc)).toEqual({ quantity: 10, reserved: 10, available: 0 });
    const orders = await owner.query(`select count(*)::int as n from orders o join order_items i on i.order_id = o.id where i.product_id = $1`, [p]);
    expect(orders.rows[0].n).toBe(10);
    // The losers' carts stay open; the winners' are checked out.
    const cartStatus = await owner.query(`select status::text, count(*)::int as n from carts where id = any($1::uuid[]) group by 1`, [carts]);
    expect(Object.fromEntries(cartStatus.rows.map((r) => [r.status, r.n]))).toEqual({ open: 90, checked_out: 10 });
  }, 120_000);

  it('50 pairs of two-item checkouts in opposite orders: none deadlocks, every unit is reserved once', async () => {
    const loc = await newLocation(owner, t);
    const pa = await newProduct(owner, t, { price: '1.00' });
    const pb = await newProduct(owner, t, { price: '2.00' });
    await setStock(owner, t, pa, loc, 1000);
    await setStock(owner, t, pb, loc, 1000);
    const buyers = await members(100);
    const carts = await Promise.all(buyers.map((m, i) => newCart(owner, t, m.id, i % 2 ? [[pa, 2], [pb, 3]] : [[pb, 3], [pa, 2]])));
    const results = await Promise.all(buyers.map((m, i) =>
      gql(app.yoga, Checkout, { token: m.token, variables: { input: { cartId: carts[i]!, locationId: loc, shippingAddress: {} } } })));
    expect(results.flatMap((r) => errorCodes(r))).toEqual([]);
    expect(await stockOf(owner, pa, loc)).toEqual({ quantity: 1000, reserved: 200, available: 800 });
    expect(await stockOf(owner, pb, loc)).toEqual({ quantity: 1000, reserved: 300, available: 700 });
  }, 120_000);
});

describe('pay ‖ cancel of the same order', () => {
  it('50 pairs: exactly one of each wins; revenue equals the paid totals; reserved equals the open orders; ledger invariants hold', async () => {
    const loc = await newLocation(owner, t);
    const p = await newProduct(owner, t, { price: '7.25' });
    await setStock(owner, t, p, loc, 500);
    const buyers = await members(50);
    const accounts: string[] = [];
    const orders: string[] = [];
    for (const m of buyers) {
      const account = await newAccount(owner, t, m.id);
      await fund(sqlApp, t, account, '100');
      accounts.push(account);
      orders.push(await placeOrder(owner, sqlApp, t, m.id, p, loc, 2));
    }
    expect(await stockOf(owner, p, loc)).toMatchObject({ reserved: 100 });
    const results = await Promise.all(buyers.map((m, i) => Promise.all([
      gql(app.yoga, Pay, { token: m.token, variables: { input: { rowId: orders[i]!, accountId: accounts[i]! } } }),
      gql(app.yoga, Cancel, { token: m.token, variables: { input: { rowId: orders[i]! } } }),
    ])));
    let paid = 0;
    for (const [pay, cancel] of results) {
      const winners = [pay, cancel].filter((r) => !r.errors);
      expect(winners).toHaveLength(1);
      expect([...errorCodes(pay), ...errorCodes(cancel)]).toEqual(['INVALID_ORDER_STATE']);
      if (!pay.errors) paid += 1;
    }
    const statuses = await owner.query(`select status::text, count(*)::int as n from orders where id = any($1::uuid[]) group by 1`, [orders]);
    expect(Object.fromEntries(statuses.rows.map((r) => [r.status, r.n]))).toEqual({ ...(paid ? { paid } : {}), ...(paid < 50 ? { cancelled: 50 - paid } : {}) });
    // Money: each payer lost 14.50 exactly when their order was paid; revenue holds the paid totals.
    const revenue = await owner.query(`select id, trim_scale(balance)::text as balance from accounts where tenant_id = $1 and system_kind = 'revenue'`, [t.tenantId]);
    expect(revenue.rows[0]?.balance ?? '0').toBe((await owner.query(`select trim_scale(14.50 * $1::int)::text as v`, [paid])).rows[0].v);
    const spent = await owner.query(`select count(*)::int as n from accounts where id = any($1::uuid[]) and balance = 85.50`, [accounts]);
    expect(spent.rows[0].n).toBe(paid);
    // Stock: reserved equals the units of orders still created or paid.
    expect(await stockOf(owner, p, loc)).toEqual({ quantity: 500, reserved: 2 * paid, available: 500 - 2 * paid });
    await expectLedgerInvariants(owner, t.tenantId, [...accounts, ...revenue.rows.map((r) => r.id as string)]);
  }, 120_000);
});
