// app.deliver_order(order): shipped → delivered, owners/admins only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised } from './helpers.js';
import { as, fund, newAccount } from '../../ledger.js';
import { newLocation, newProduct, orderEvents, orderRow, payAs, placeOrder, setStock, stockOf } from '../../commerce.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;
let loc: string;
let product: string;
let xw: string;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'deliver-a');
  b = await createTenant(owner, 'deliver-b');
  loc = await newLocation(owner, a);
  product = await newProduct(owner, a, { price: '4.00' });
  await setStock(owner, a, product, loc, 10);
  xw = await newAccount(owner, a, a.x);
  await fund(app, a, xw, '100');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const deliver = 'select app.deliver_order($1) as id';
const paidOrder = async () => {
  const id = await placeOrder(owner, app, a, a.x, product, loc, 2);
  await payAs(app, a, a.x, id, xw);
  return id;
};

describe('app.deliver_order', () => {
  it('shipped → delivered, stock untouched; announced; then no transition is legal', async () => {
    const id = await paidOrder();
    await asRole(app, as(a, 'admin'), (c) => expectRaised(c, deliver, [id], 'INVALID_ORDER_STATE', /paid order cannot be delivered/));
    await committedAs(app, as(a, 'admin'), (c) => c.query('select app.ship_order($1)', [id]));
    const stock = await stockOf(owner, product, loc);
    await committedAs(app, as(a, 'admin'), (c) => c.query(deliver, [id]));
    expect(await stockOf(owner, product, loc)).toEqual(stock);
    expect(await orderRow(owner, id)).toMatchObject({ status: 'delivered', paid: true, shipped: true, delivered: true, cancelled: false });
    expect(await orderEvents(owner, id)).toEqual(['OrderCreated', 'OrderPaid', 'OrderShipped', 'OrderDelivered']);
    await asRole(app, as(a, 'owner'), async (c) => {
      await expectRaised(c, deliver, [id], 'INVALID_ORDER_STATE', /delivered order cannot be delivered/);
      await expectRaised(c, 'select app.ship_order($1)', [id], 'INVALID_ORDER_STATE');
      await expectRaised(c, 'select app.cancel_order($1, null)', [id], 'INVALID_ORDER_STATE', /delivered order cannot be cancelled/);
    });
  });

  it('members are FORBIDDEN, other tenants NOT_FOUND; control: an owner delivers', async () => {
    const id = await paidOrder();
    await committedAs(app, as(a, 'owner'), (c) => c.query('select app.ship_order($1)', [id]));
    await asRole(app, as(a, 'x'), (c) => expectRaised(c, deliver, [id], 'FORBIDDEN'));
    await asRole(app, as(b, 'admin'), (c) => expectRaised(c, deliver, [id], 'NOT_FOUND', /No such order/));
    expect((await orderRow(owner, id)).status).toBe('shipped');
    await committedAs(app, as(a, 'owner'), (c) => c.query(deliver, [id]));
    expect((await orderRow(owner, id)).status).toBe('delivered');
  });

  it('is executable by fortress_user only', async () => {
    expect(await executors(owner, 'app.deliver_order(uuid)')).toEqual(['fortress_user']);
    await asRole(app, { role: 'fortress_support', tenantId: a.tenantId, userId: a.owner }, (c) => expectSqlError(c, deliver, [a.orderX], '42501'));
  });
});
