// Orders through yoga.fetch: checkout (snapshot, exact total, OUT_OF_STOCK
// with extensions.items), payOrder (PAYMENT into revenue, replay), shipOrder,
// deliverOrder, cancelOrder (refund); illegal transitions; and what members
// and other tenants may see or do (NOT_FOUND / null, with controls).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { authenticatorPool, errorCodes, gql, graphql, ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { balances, expectLedgerInvariants, fund, ledgerCounts, newAccount } from '../ledger.js';
import { ADDRESS, newCart, newLocation, newProduct, orderRow, placeOrder, setStock, stockOf } from '../commerce.js';

let owner: pg.Pool;
let sqlApp: pg.Pool;
let app: Awaited<ReturnType<typeof testApp>>;
let a: TenantFixture;
let b: TenantFixture;
const tokens = {} as Record<'aOwner' | 'aAdmin' | 'aX' | 'aY' | 'bOwner', string>;
let loc: string;
let xw: string;

beforeAll(async () => {
  owner = ownerPool();
  sqlApp = authenticatorPool();
  app = await testApp();
  a = await createTenant(owner, 'orders-api-a');
  b = await createTenant(owner, 'orders-api-b');
  tokens.aOwner = await a.token('owner');
  tokens.aAdmin = await a.token('admin');
  tokens.aX = await a.token('x');
  tokens.aY = await a.token('y');
  tokens.bOwner = await b.token('owner');
  loc = await newLocation(owner, a);
  xw = await newAccount(owner, a, a.x);
  await fund(sqlApp, a, xw, '1000');
});
afterAll(async () => {
  await app.close();
  await sqlApp.end();
  await owner.end();
});

const Checkout = graphql(`
  mutation OrdersCheckout($input: CheckoutInput!) {
    checkout(input: $input) {
      order {
        rowId status totalAmount currency shippingAddress location { rowId } cart { rowId status }
        items { productName sku unitPrice currency quantity lineTotal product { rowId } }
      }
    }
  }
`);
const Pay = graphql(`
  mutation OrdersPay($input: PayOrderInput!) {
    payOrder(input: $input) { replayed transfer { rowId kind amount currency toAccount { systemKind } } order { rowId status paidAt payment { rowId } } }
  }
`);
const Cancel = graphql(`
  mutation OrdersCancel($input: CancelOrderInput!) {
    cancelOrder(input: $input) { refund { rowId kind amount reverses { rowId } } order { status cancelledAt cancelReason refund { rowId } } }
  }
`);
const Ship = graphql(`
  mutation OrdersShip($input: ShipOrderInput!) { shipOrder(input: $input) { order { rowId status shippedAt } } }
`);
const Deliver = graphql(`
  mutation OrdersDeliver($input: DeliverOrderInput!) { deliverOrder(input: $input) { order { rowId status deliveredAt } } }
`);
const ReadOrder = graphql(`
  query OrdersRead($rowId: UUID!) { order(rowId: $rowId) { rowId status items { sku } } }
`);

describe('the order lifecycle through GraphQL', () => {
  it('checkout → payOrder (replayed on retry) → shipOrder → deliverOrder', async () => {
    const p = await newProduct(owner, a, { price: '9999999999.99', name: 'Gold', sku: `GOLD-${loc.slice(0, 8)}` });
    const q = await newProduct(owner, a, { price: '0.07', name: 'Gum' });
    await setStock(owner, a, p, loc, 10);
    await setStock(owner, a, q, loc, 10);
    const cart = await newCart(owner, a, a.x, [[p, 3], [q, 3]]);
    const r = await gql(app.yoga, Checkout, { token: tokens.aX, variables: { input: { cartId: cart, locationId: loc, shippingAddress: ADDRESS } } });
    expect(r.errors).toBeUndefined();
    const order = r.data!.checkout.order;
    expect(order).toMatchObject({
      status: 'CREATED', totalAmount: '30000000000.18', currency: 'BRL', shippingAddress: ADDRESS, location: { rowId: loc }, cart: { rowId: cart, status: 'CHECKED_OUT' },
    });
    expect(order.items).toHaveLength(2);
    expect(order.items).toContainEqual({
      productName: 'Gold', sku: `GOLD-${loc.slice(0, 8)}`, unitPrice: '9999999999.99', currency: 'BRL', quantity: 3, lineTotal: '29999999999.97', product: { rowId: p },
    });
    expect(await stockOf(owner, p, loc)).toMatchObject({ reserved: 3 });

    // Cheaper order to pay: x cannot afford 30 billion.
    const cheap = await placeOrder(owner, sqlApp, a, a.x, q, loc, 5);
    const pay = () => gql(app.yoga, Pay, { token: tokens.aX, variables: { input: { rowId: cheap, accountId: xw } } });
    const paid = await pay();
    expect(paid.errors).toBeUndefined();
    const payment = paid.data!.payOrder;
    expect(payment).toMatchObject({ replayed: false, transfer: { kind: 'PAYMENT', amount: '0.35', currency: 'BRL', toAccount: null }, order: { rowId: cheap, status: 'PAID' } });
    expect(payment.order.payment).toEqual({ rowId: payment.transfer!.rowId });
    expect(payment.order.paidAt).toBeTruthy();
    const again = await pay();
    expect(again.data!.payOrder).toMatchObject({ replayed: true, transfer: { rowId: payment.transfer!.rowId } });
    expect(errorCodes(await gql(app.yoga, Pay, { token: tokens.aX, variables: { input: { rowId: order.rowId, accountId: xw } } }))).toEqual(['INSUFFICIENT_FUNDS']);
    expect((await orderRow(owner, order.rowId)).status).toBe('created');

    // Ship and deliver: owners/admins only.
    expect(errorCodes(await gql(app.yoga, Ship, { token: tokens.aX, variables: { input: { rowId: cheap } } }))).toEqual(['FORBIDDEN']);
    const shipped = await gql(app.yoga, Ship, { token: tokens.aAdmin, variables: { input: { rowId: cheap } } });
    expect(shipped.data!.shipOrder.order).toMatchObject({ rowId: cheap, status: 'SHIPPED' });
    expect(await stockOf(owner, q, loc)).toEqual({ quantity: 5, reserved: 3, available: 2 });
    expect(errorCodes(await gql(app.yoga, Ship, { token: tokens.aAdmin, variables: { input: { rowId: cheap } } }))).toEqual(['INVALID_ORDER_STATE']);
    const delivered = await gql(app.yoga, Deliver, { token: tokens.aOwner, variables: { input: { rowId: cheap } } });
    expect(delivered.data!.deliverOrder.order).toMatchObject({ rowId: cheap, status: 'DELIVERED' });
    expect(errorCodes(await gql(app.yoga, Cancel, { token: tokens.aAdmin, variables: { input: { rowId: cheap } } }))).toEqual(['INVALID_ORDER_STATE']);
  });

  it('OUT_OF_STOCK names the short lines in the message and extensions.items; nothing reserved, cart open', async () => {
    const ok = await newProduct(owner, a, { sku: `OK-${loc.slice(0, 6)}` });
    const short = await newProduct(owner, a, { sku: `SHORT-${loc.slice(0, 6)}`, name: 'Scarce' });
    const third = await newProduct(owner, a);
    await setStock(owner, a, ok, loc, 5);
    await setStock(owner, a, short, loc, 1);
    await setStock(owner, a, third, loc, 5);
    const cart = await newCart(owner, a, a.y, [[ok, 1], [short, 2], [third, 1]]);
    const before = await ledgerCounts(owner, a.tenantId);
    const r = await gql(app.yoga, Checkout, { token: tokens.aY, variables: { input: { cartId: cart, locationId: loc, shippingAddress: {} } } });
    expect(r.data).toBeNull();
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0]!.message).toBe(`Not enough stock for SHORT-${loc.slice(0, 6)}`);
    expect(r.errors![0]!.extensions).toMatchObject({
      code: 'OUT_OF_STOCK', items: [{ productId: short, sku: `SHORT-${loc.slice(0, 6)}`, name: 'Scarce', requested: 2, available: 1 }],
    });
    expect(await ledgerCounts(owner, a.tenantId)).toEqual(before);
    for (const p of [ok, short, third]) expect((await stockOf(owner, p, loc))!.reserved).toBe(0);
    expect((await owner.query('select status from carts where id = $1', [cart])).rows[0].status).toBe('open');
    expect((await owner.query('select count(*)::int as n from orders where cart_id = $1', [cart])).rows[0].n).toBe(0);
  });

  it('an admin cancels a paid order: the refund comes back in the payload, the money returns', async () => {
    const p = await newProduct(owner, a, { price: '12.50' });
    await setStock(owner, a, p, loc, 5);
    const order = await placeOrder(owner, sqlApp, a, a.x, p, loc, 2);
    const before = (await balances(owner, [xw]))[xw]!;
    const paid = await gql(app.yoga, Pay, { token: tokens.aX, variables: { input: { rowId: order, accountId: xw } } });
    // A member may not cancel it once paid.
    expect(errorCodes(await gql(app.yoga, Cancel, { token: tokens.aX, variables: { input: { rowId: order } } }))).toEqual(['INVALID_ORDER_STATE']);
    const r = await gql(app.yoga, Cancel, { token: tokens.aAdmin, variables: { input: { rowId: order, reason: 'damaged' } } });
    expect(r.errors).toBeUndefined();
    const c = r.data!.cancelOrder;
    expect(c.refund).toMatchObject({ kind: 'REVERSAL', amount: '25', reverses: { rowId: paid.data!.payOrder.transfer!.rowId } });
    expect(c.order).toMatchObject({ status: 'CANCELLED', cancelReason: 'damaged', refund: { rowId: c.refund!.rowId } });
    expect((await balances(owner, [xw]))[xw]).toBe(before);
    expect(await stockOf(owner, p, loc)).toMatchObject({ quantity: 5, reserved: 0 });
    // A member cancelling a created order gets no refund.
    const other = await placeOrder(owner, sqlApp, a, a.x, p, loc, 1);
    const mine = await gql(app.yoga, Cancel, { token: tokens.aX, variables: { input: { rowId: other } } });
    expect(mine.data!.cancelOrder).toMatchObject({ refund: null, order: { status: 'CANCELLED', cancelReason: null } });
    const rev = (await owner.query(`select id from accounts where tenant_id = $1 and system_kind = 'revenue'`, [a.tenantId])).rows.map((x) => x.id as string);
    await expectLedgerInvariants(owner, a.tenantId, [xw, ...rev]);
  });
});

describe("members and other tenants: another's order is NOT_FOUND (controls)", () => {
  it("y cannot see, pay or cancel x's order, nor check out x's cart; tenant B sees nothing", async () => {
    const p = await newProduct(owner, a, { price: '1.00' });
    await setStock(owner, a, p, loc, 5);
    const order = await placeOrder(owner, sqlApp, a, a.x, p, loc);
    const yw = await newAccount(owner, a, a.y);
    await fund(sqlApp, a, yw, '10');
    const cartX = await newCart(owner, a, a.x, [[p, 1]]);
    const read = (token: string) => gql(app.yoga, ReadOrder, { token, variables: { rowId: order } });
    expect((await read(tokens.aY)).data!.order).toBeNull();
    expect((await read(tokens.bOwner)).data!.order).toBeNull();
    expect(errorCodes(await gql(app.yoga, Pay, { token: tokens.aY, variables: { input: { rowId: order, accountId: yw } } }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await gql(app.yoga, Cancel, { token: tokens.aY, variables: { input: { rowId: order } } }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await gql(app.yoga, Cancel, { token: tokens.bOwner, variables: { input: { rowId: order } } }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await gql(app.yoga, Ship, { token: tokens.bOwner, variables: { input: { rowId: order } } }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await gql(app.yoga, Checkout, { token: tokens.aY, variables: { input: { cartId: cartX, locationId: loc, shippingAddress: {} } } })))
      .toEqual(['NOT_FOUND']);
    // x paying from y's account: NOT_FOUND too.
    expect(errorCodes(await gql(app.yoga, Pay, { token: tokens.aX, variables: { input: { rowId: order, accountId: yw } } }))).toEqual(['NOT_FOUND']);
    expect((await orderRow(owner, order)).status).toBe('created');
    // Controls: x and the admin see it; x pays it.
    expect((await read(tokens.aX)).data!.order).toMatchObject({ rowId: order, status: 'CREATED' });
    expect((await read(tokens.aAdmin)).data!.order).toMatchObject({ rowId: order });
    expect((await gql(app.yoga, Pay, { token: tokens.aX, variables: { input: { rowId: order, accountId: xw } } })).data!.payOrder.order.status).toBe('PAID');
  });
});
