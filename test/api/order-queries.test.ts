// Reading orders through yoga.fetch: Viewer.orders (the viewer's own),
// orders(filter:) (members their own, owners/admins the tenant's, with the
// staff-only filters, totalCount and a stable cursor order), one order with
// its lines and products in one SELECT, and productSales (owners/admins; one
// aggregate) checked against a reference sum computed here from the rows.
// Every denial has a control proving the hidden rows exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import type { ResultOf } from '@graphql-typed-document-node/core';
import { authenticatorPool, errorCodes, gql, graphql, ownerPool, testApp, type GqlResult } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { fund, newAccount } from '../ledger.js';
import { checkoutAs, newCart, newLocation, newProduct, payAs, placeOrder, setStock } from '../commerce.js';
import { committedAs } from '../db/functions/helpers.js';

let owner: pg.Pool;
let sqlApp: pg.Pool;
let sql: string[] = [];
let app: Awaited<ReturnType<typeof testApp>>;
let a: TenantFixture;
let b: TenantFixture;
const tokens = {} as Record<'aOwner' | 'aAdmin' | 'aX' | 'aY' | 'bOwner', string>;
let loc1: string;
let loc2: string;
let p: string;
let q: string;
/** The orders placed here, by name. */
const o = {} as Record<'x1' | 'x2' | 'y1' | 'y2' | 'yCreated' | 'usd', string>;

const staff = (fx: TenantFixture, sqlText: string, id: string) =>
  committedAs(sqlApp, { role: 'fortress_user', tenantId: fx.tenantId, userId: fx.admin }, (c) => c.query(sqlText, [id]));
const paidAt = (id: string, at: string) => owner.query('update orders set paid_at = $2 where id = $1', [id, at]);

beforeAll(async () => {
  owner = ownerPool();
  sqlApp = authenticatorPool();
  app = await testApp({ onQuery: (s) => sql.push(s) });
  a = await createTenant(owner, 'order-queries-a');
  b = await createTenant(owner, 'order-queries-b');
  tokens.aOwner = await a.token('owner');
  tokens.aAdmin = await a.token('admin');
  tokens.aX = await a.token('x');
  tokens.aY = await a.token('y');
  tokens.bOwner = await b.token('owner');
  loc1 = await newLocation(owner, a);
  loc2 = await newLocation(owner, a);
  p = await newProduct(owner, a, { price: '2.50', name: 'Bread' });
  q = await newProduct(owner, a, { price: '9999999999.99', name: 'Gold' });
  const usd = await newProduct(owner, a, { price: '0.07', currency: 'USD', name: 'Gum' });
  for (const l of [loc1, loc2]) for (const product of [p, q, usd]) await setStock(owner, a, product, l, 100);
  const xw = await newAccount(owner, a, a.x);
  const yw = await newAccount(owner, a, a.y);
  const yUsd = await newAccount(owner, a, a.y, { currency: 'USD' });
  await fund(sqlApp, a, xw, '20000000000');
  await fund(sqlApp, a, yw, '40000000000');
  await fund(sqlApp, a, yUsd, '10', 'USD');

  // x: two lines at loc1, paid late on 1 March (UTC); one line at loc2, paid early on 2 March, shipped and delivered.
  o.x1 = await checkoutAs(sqlApp, a, a.x, await newCart(owner, a, a.x, [[p, 2], [q, 1]]), loc1);
  await payAs(sqlApp, a, a.x, o.x1, xw);
  await paidAt(o.x1, '2026-03-01T23:59:59.999Z');
  o.x2 = await placeOrder(owner, sqlApp, a, a.x, p, loc2, 3);
  await payAs(sqlApp, a, a.x, o.x2, xw);
  await paidAt(o.x2, '2026-03-02T00:00:00Z');
  await staff(a, 'select app.ship_order($1)', o.x2);
  await staff(a, 'select app.deliver_order($1)', o.x2);
  // y: paid on 1 March and shipped; paid on 1 March then cancelled (refunded: not a sale); created, never paid; a USD order.
  o.y1 = await checkoutAs(sqlApp, a, a.y, await newCart(owner, a, a.y, [[q, 2], [p, 1]]), loc1);
  await payAs(sqlApp, a, a.y, o.y1, yw);
  await paidAt(o.y1, '2026-03-01T00:00:00Z');
  await staff(a, 'select app.ship_order($1)', o.y1);
  o.y2 = await placeOrder(owner, sqlApp, a, a.y, q, loc1, 1);
  await payAs(sqlApp, a, a.y, o.y2, yw);
  await paidAt(o.y2, '2026-03-01T12:00:00Z');
  await staff(a, `select app.cancel_order($1, 'changed mind')`, o.y2);
  o.yCreated = await placeOrder(owner, sqlApp, a, a.y, p, loc1, 4);
  o.usd = await placeOrder(owner, sqlApp, a, a.y, usd, loc2, 7);
  await payAs(sqlApp, a, a.y, o.usd, yUsd);
  await paidAt(o.usd, '2026-03-02T08:00:00Z');
  // Outside the period: paid on 3 March.
  const late = await placeOrder(owner, sqlApp, a, a.x, p, loc1, 1);
  await payAs(sqlApp, a, a.x, late, xw);
  await paidAt(late, '2026-03-03T00:00:00Z');
  // Tenant B sells too, in the same period.
  const bLoc = await newLocation(owner, b);
  const bp = await newProduct(owner, b, { price: '1.00' });
  await setStock(owner, b, bp, bLoc, 10);
  const bw = await newAccount(owner, b, b.x);
  await fund(sqlApp, b, bw, '10');
  const bOrder = await placeOrder(owner, sqlApp, b, b.x, bp, bLoc, 1);
  await payAs(sqlApp, b, b.x, bOrder, bw);
  await paidAt(bOrder, '2026-03-01T10:00:00Z');
});
afterAll(async () => {
  await app.close();
  await sqlApp.end();
  await owner.end();
});

/** The ids of the tenant's orders by user, read as the owner (the controls). */
async function orderIds(fx: TenantFixture, userId?: string) {
  const { rows } = await owner.query<{ id: string }>(
    'select id from orders where tenant_id = $1 and ($2::uuid is null or user_id = $2) order by created_at desc, id desc',
    [fx.tenantId, userId ?? null],
  );
  return rows.map((r) => r.id);
}

const MyOrders = graphql(`
  query OrderQueriesMine($status: OrderStatus) {
    viewer { orders(first: 100, status: $status) { totalCount edges { node { rowId status user { rowId } } } } }
  }
`);
const AllOrders = graphql(`
  query OrderQueriesAll($filter: OrderFilter, $first: Int, $after: String) {
    orders(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { rowId status createdAt } }
    }
  }
`);
const OneOrder = graphql(`
  query OrderQueriesOne($rowId: UUID!) {
    order(rowId: $rowId) {
      rowId status totalAmount location { rowId } user { rowId }
      items { sku productName quantity unitPrice lineTotal product { rowId name price } }
    }
  }
`);
const Sales = graphql(`
  query OrderQueriesSales($from: DateTime!, $to: DateTime!, $productId: UUID, $locationId: UUID) {
    productSales(from: $from, to: $to, productId: $productId, locationId: $locationId) {
      day currency quantity revenue orderCount product { rowId name }
    }
  }
`);

const ids = (edges: { node: { rowId: string } }[]) => edges.map((e) => e.node.rowId);

describe('Viewer.orders and orders', () => {
  it('members see only their own orders (controls: the other member’s exist, and owners/admins see them)', async () => {
    const xs = await orderIds(a, a.x);
    const ys = await orderIds(a, a.y);
    expect(xs.length).toBeGreaterThanOrEqual(3);
    expect(ys.length).toBeGreaterThanOrEqual(4);
    for (const [token, own] of [[tokens.aX, xs], [tokens.aY, ys]] as const) {
      const mine = await gql(app.yoga, MyOrders, { token });
      expect(mine.errors).toBeUndefined();
      expect(ids(mine.data!.viewer!.orders.edges)).toEqual(own);
      expect(mine.data!.viewer!.orders.totalCount).toBe(own.length);
      const all = await gql(app.yoga, AllOrders, { token, variables: { first: 100 } });
      expect(ids(all.data!.orders.edges)).toEqual(own);
      expect(all.data!.orders.totalCount).toBe(own.length);
    }
    const staffView = await gql(app.yoga, AllOrders, { token: tokens.aAdmin, variables: { first: 100 } });
    expect(ids(staffView.data!.orders.edges)).toEqual(await orderIds(a));
    expect(new Set(ids(staffView.data!.orders.edges))).toEqual(new Set([...xs, ...ys, ...(await orderIds(a, a.owner)), ...(await orderIds(a, a.admin))]));
    // Viewer.orders is the viewer's own even for staff.
    const adminOwn = await gql(app.yoga, MyOrders, { token: tokens.aAdmin });
    expect(ids(adminOwn.data!.viewer!.orders.edges)).toEqual(await orderIds(a, a.admin));
    // A member's status filter.
    const delivered = await gql(app.yoga, MyOrders, { token: tokens.aX, variables: { status: 'DELIVERED' as never } });
    expect(ids(delivered.data!.viewer!.orders.edges)).toEqual([o.x2]);
    // x cannot read y's order by id (null), the owner can.
    expect((await gql(app.yoga, OneOrder, { token: tokens.aX, variables: { rowId: o.y1 } })).data!.order).toBeNull();
    expect((await gql(app.yoga, OneOrder, { token: tokens.aOwner, variables: { rowId: o.y1 } })).data!.order!.rowId).toBe(o.y1);
  });

  it('owners/admins filter by status, user, location and creation time; userId/locationId are FORBIDDEN to members', async () => {
    const run = async (filter: Record<string, unknown>, token = tokens.aAdmin) => gql(app.yoga, AllOrders, { token, variables: { filter: filter as never, first: 100 } });
    const byUser = await run({ userId: a.y });
    expect(ids(byUser.data!.orders.edges)).toEqual(await orderIds(a, a.y));
    expect(byUser.data!.orders.totalCount).toBe((await orderIds(a, a.y)).length);
    const atLoc2 = await run({ locationId: loc2 });
    expect(new Set(ids(atLoc2.data!.orders.edges))).toEqual(new Set([o.x2, o.usd]));
    const cancelled = await run({ status: 'CANCELLED', userId: a.y });
    expect(ids(cancelled.data!.orders.edges)).toEqual([o.y2]);
    const { rows } = await owner.query<{ created_at: Date }>('select created_at from orders where id = $1', [o.y1]);
    const at = rows[0]!.created_at;
    const createdOf = async (id: string) => (await owner.query<{ created_at: Date }>('select created_at from orders where id = $1', [id])).rows[0]!.created_at;
    const yAll = await orderIds(a, a.y);
    const ySince: string[] = [];
    const yBefore: string[] = [];
    for (const id of yAll) ((await createdOf(id)) >= at ? ySince : yBefore).push(id);
    expect(ySince).toContain(o.yCreated);
    const since = await run({ createdFrom: at.toISOString(), userId: a.y });
    expect(ids(since.data!.orders.edges)).toEqual(ySince);
    const before = await run({ createdTo: at.toISOString(), userId: a.y });
    expect(ids(before.data!.orders.edges)).toEqual(yBefore);
    for (const filter of [{ userId: a.x }, { locationId: loc1 }]) {
      expect(errorCodes(await run(filter, tokens.aX)), JSON.stringify(filter)).toEqual(['FORBIDDEN']);
    }
    // Control: the same member with a filter open to them.
    expect(errorCodes(await run({ status: 'PAID' }, tokens.aX))).toEqual([]);
  });

  it('pages in a stable order (createdAt desc, then rowId desc) with no gaps or repeats, even among orders placed at the same instant', async () => {
    const all = await orderIds(a);
    // Half of the orders now share one creation time: the id decides among them.
    await owner.query(`update orders set created_at = '2026-03-01T00:00:00Z' where id = any($1::uuid[])`, [all.filter((_, i) => i % 2 === 0)]);
    const expected = await orderIds(a);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page += 1) {
      const r: GqlResult<ResultOf<typeof AllOrders>> = await gql(app.yoga, AllOrders, { token: tokens.aOwner, variables: { first: 2, after } });
      expect(r.errors).toBeUndefined();
      expect(r.data!.orders.totalCount).toBe(expected.length);
      seen.push(...ids(r.data!.orders.edges));
      if (!r.data!.orders.pageInfo.hasNextPage) break;
      after = r.data!.orders.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
  });

  it('tenant B sees none of A’s orders through any of these queries (control: A’s owner sees them)', async () => {
    const aIds = await orderIds(a);
    const bAll = await gql(app.yoga, AllOrders, { token: tokens.bOwner, variables: { first: 100 } });
    expect(bAll.errors).toBeUndefined();
    expect(ids(bAll.data!.orders.edges).filter((id) => aIds.includes(id))).toEqual([]);
    expect(bAll.data!.orders.totalCount).toBe((await orderIds(b)).length);
    const bMine = await gql(app.yoga, MyOrders, { token: tokens.bOwner });
    expect(ids(bMine.data!.viewer!.orders.edges).filter((id) => aIds.includes(id))).toEqual([]);
    for (const id of [o.x1, o.y1]) {
      expect((await gql(app.yoga, OneOrder, { token: tokens.bOwner, variables: { rowId: id } })).data!.order).toBeNull();
      expect((await gql(app.yoga, OneOrder, { token: tokens.aOwner, variables: { rowId: id } })).data!.order!.rowId).toBe(id);
    }
    // Filtering by A's user or location finds nothing either.
    for (const filter of [{ userId: a.x }, { locationId: loc1 }]) {
      const r = await gql(app.yoga, AllOrders, { token: tokens.bOwner, variables: { filter, first: 100 } });
      expect(r.data!.orders.totalCount).toBe(0);
    }
    const sales = await gql(app.yoga, Sales, { token: tokens.bOwner, variables: { from: '2026-03-01T00:00:00Z', to: '2026-03-03T00:00:00Z' } });
    expect(sales.data!.productSales.map((s) => s.product.rowId).filter((id) => [p, q].includes(id))).toEqual([]);
    expect(sales.data!.productSales).toHaveLength(1); // B's own sale
  });
});

describe('one order with its lines and products', () => {
  it('loads in one SELECT (BEGIN, settings, SELECT, COMMIT), exact amounts included', async () => {
    sql = [];
    const r = await gql(app.yoga, OneOrder, { token: tokens.aX, variables: { rowId: o.x1 } });
    const statements = [...sql];
    expect(r.errors).toBeUndefined();
    const order = r.data!.order!;
    expect(order).toMatchObject({ rowId: o.x1, status: 'PAID', totalAmount: '10000000004.99', location: { rowId: loc1 }, user: { rowId: a.x } });
    expect(order.items.map((i) => [i.product.rowId, i.quantity, i.unitPrice, i.lineTotal]).sort()).toEqual(
      [[p, 2, '2.5', '5'], [q, 1, '9999999999.99', '9999999999.99']].sort(),
    );
    expect(order.items.find((i) => i.product.rowId === q)!.product).toMatchObject({ name: 'Gold', price: '9999999999.99' });
    expect(statements, statements.join('\n---\n')).toHaveLength(4);
    expect(statements[0]).toMatch(/^BEGIN/i);
    expect(statements[2]).toMatch(/"order_items"[\s\S]*"products"/);
    expect(statements[3]).toMatch(/^COMMIT/i);
  });
});

/** Exact decimal arithmetic for the reference: numeric(12,2) prices as integer cents. */
const cents = (v: string) => {
  const [int, frac = ''] = v.split('.');
  return BigInt(int!) * 100n + BigInt((frac + '00').slice(0, 2));
};
const fromCents = (c: bigint) => {
  const s = `${c / 100n}.${(c % 100n).toString().padStart(2, '0')}`.replace(/\.?0+$/, '');
  return s === '' ? '0' : s;
};

/**
 * The reference: every line of the tenant's orders read as the owner,
 * summed here per UTC day of paid_at, product and currency, keeping only
 * orders still paid, shipped or delivered.
 */
async function referenceSales(fx: TenantFixture, from: string, to: string, filter: { productId?: string; locationId?: string } = {}) {
  const { rows } = await owner.query<{ order_id: string; status: string; paid_at: Date | null; location_id: string; product_id: string; currency: string; quantity: number; unit_price: string }>(
    `select o.id as order_id, o.status::text, o.paid_at, o.location_id, i.product_id, i.currency::text, i.quantity, i.unit_price::text
       from orders o join order_items i on i.order_id = o.id where o.tenant_id = $1`,
    [fx.tenantId],
  );
  const groups = new Map<string, { day: string; product: string; currency: string; quantity: number; revenue: bigint; orders: Set<string> }>();
  for (const r of rows) {
    if (!['paid', 'shipped', 'delivered'].includes(r.status) || !r.paid_at) continue;
    if (r.paid_at < new Date(from) || r.paid_at >= new Date(to)) continue;
    if (filter.productId && r.product_id !== filter.productId) continue;
    if (filter.locationId && r.location_id !== filter.locationId) continue;
    const day = r.paid_at.toISOString().slice(0, 10);
    const key = `${day}|${r.product_id}|${r.currency}`;
    const g = groups.get(key) ?? { day, product: r.product_id, currency: r.currency, quantity: 0, revenue: 0n, orders: new Set<string>() };
    g.quantity += r.quantity;
    g.revenue += cents(r.unit_price) * BigInt(r.quantity);
    g.orders.add(r.order_id);
    groups.set(key, g);
  }
  return [...groups.values()]
    .map((g) => ({ day: g.day, product: g.product, currency: g.currency, quantity: g.quantity, revenue: fromCents(g.revenue), orderCount: g.orders.size }))
    .sort((x, y) => `${x.day}|${x.product}|${x.currency}`.localeCompare(`${y.day}|${y.product}|${y.currency}`));
}

describe('productSales', () => {
  const period = { from: '2026-03-01T00:00:00Z', to: '2026-03-03T00:00:00Z' };
  const asRows = (r: { day: string; currency: string; quantity: number; revenue: string; orderCount: number; product: { rowId: string } }[]) =>
    r.map(({ product, ...rest }) => ({ ...rest, product: product.rowId }));

  it('equals the reference sum per UTC day, product and currency (paid, shipped, delivered; not cancelled, unpaid or outside the period)', async () => {
    const r = await gql(app.yoga, Sales, { token: tokens.aAdmin, variables: period });
    expect(r.errors).toBeUndefined();
    const expected = await referenceSales(a, period.from, period.to);
    expect(asRows(r.data!.productSales)).toEqual(expected);
    // The reference is not empty or trivial: both days, both currencies, the refunded order left out.
    expect(expected.map((e) => e.day)).toEqual(expect.arrayContaining(['2026-03-01', '2026-03-02']));
    expect(new Set(expected.map((e) => e.currency))).toEqual(new Set(['BRL', 'USD']));
    const goldMarch1 = expected.find((e) => e.day === '2026-03-01' && e.product === q)!;
    expect(goldMarch1).toMatchObject({ quantity: 3, revenue: '29999999999.97', orderCount: 2 }); // x1 + y1; y2 was refunded
  });

  it('filters by product and by location, each equal to its reference', async () => {
    for (const filter of [{ productId: p }, { locationId: loc2 }, { productId: q, locationId: loc1 }]) {
      const r = await gql(app.yoga, Sales, { token: tokens.aOwner, variables: { ...period, ...filter } });
      expect(r.errors).toBeUndefined();
      const expected = await referenceSales(a, period.from, period.to, filter);
      expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(asRows(r.data!.productSales), JSON.stringify(filter)).toEqual(expected);
    }
  });

  it('is FORBIDDEN for members (control: an admin gets rows); periods must be positive and at most 366 days (BAD_USER_INPUT naming `to`)', async () => {
    const member = await gql(app.yoga, Sales, { token: tokens.aX, variables: period });
    expect(errorCodes(member)).toEqual(['FORBIDDEN']);
    expect(member.data).toBeNull();
    expect((await gql(app.yoga, Sales, { token: tokens.aAdmin, variables: period })).data!.productSales.length).toBeGreaterThan(0);
    for (const to of ['2027-03-02T00:00:00.001Z', '2026-03-01T00:00:00Z']) {
      const r = await gql(app.yoga, Sales, { token: tokens.aAdmin, variables: { from: period.from, to } });
      expect(errorCodes(r), to).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0]!.extensions).toMatchObject({ field: 'to' });
    }
    // Exactly 366 days is allowed.
    expect(errorCodes(await gql(app.yoga, Sales, { token: tokens.aAdmin, variables: { from: period.from, to: '2027-03-02T00:00:00Z' } }))).toEqual([]);
  });
});
