// app.ship_order(order): paid → shipped, owners/admins only; the goods leave
// the location, so its stock's quantity and reserved both go down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised } from './helpers.js';
import { as, fund, newAccount } from '../../ledger.js';
import { newCart, newLocation, newProduct, orderEvents, orderRow, payAs, checkoutAs, setStock, stockOf } from '../../commerce.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;
let loc: string;
let p1: string, p2: string;
let xw: string;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'ship-a');
  b = await createTenant(owner, 'ship-b');
  loc = await newLocation(owner, a);
  p1 = await newProduct(owner, a, { price: '2.00' });
  p2 = await newProduct(owner, a, { price: '3.00' });
  await setStock(owner, a, p1, loc, 10);
  await setStock(owner, a, p2, loc, 10);
  xw = await newAccount(owner, a, a.x);
  await fund(app, a, xw, '100');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const ship = 'select app.ship_order($1) as id';
const order = (lines: [string, number][]) => newCart(owner, a, a.x, lines).then((cart) => checkoutAs(app, a, a.x, cart, loc));

describe('app.ship_order', () => {
  it('paid → shipped: quantity and reserved both go down by each line; audited and announced', async () => {
    const id = await order([[p1, 2], [p2, 3]]);
    await payAs(app, a, a.x, id, xw);
    expect([await stockOf(owner, p1, loc), await stockOf(owner, p2, loc)]).toEqual([
      { quantity: 10, reserved: 2, available: 8 }, { quantity: 10, reserved: 3, available: 7 },
    ]);
    await committedAs(app, as(a, 'admin'), (c) => c.query(ship, [id]));
    expect([await stockOf(owner, p1, loc), await stockOf(owner, p2, loc)]).toEqual([
      { quantity: 8, reserved: 0, available: 8 }, { quantity: 7, reserved: 0, available: 7 },
    ]);
    expect(await orderRow(owner, id)).toMatchObject({ status: 'shipped', shipped: true });
    expect(await orderEvents(owner, id)).toEqual(['OrderCreated', 'OrderPaid', 'OrderShipped']);
    expect((await owner.query(`select user_id from audit_logs where entity = 'order' and entity_id = $1 and diff->'status'->>'to' = 'shipped'`, [id])).rows)
      .toEqual([{ user_id: a.admin }]);
    // Illegal transitions from shipped: ship again, pay, a member's cancel, an admin's cancel.
    await asRole(app, as(a, 'owner'), async (c) => {
      await expectRaised(c, ship, [id], 'INVALID_ORDER_STATE', /shipped order cannot be shipped/);
      await expectRaised(c, 'select app.cancel_order($1, null)', [id], 'INVALID_ORDER_STATE', /shipped order cannot be cancelled/);
    });
    // Paying it again from the same account replays; from another account it is INVALID_ORDER_STATE.
    await asRole(app, as(a, 'x'), async (c) => {
      expect((await c.query('select replayed from app.pay_order($1, $2)', [id, xw])).rows[0].replayed).toBe(true);
      await expectRaised(c, 'select * from app.pay_order($1, $2)', [id, a.accountX], 'INVALID_ORDER_STATE', /shipped order cannot be paid/);
    });
  });

  it('a created order cannot be shipped; members are FORBIDDEN; other tenants get NOT_FOUND; controls', async () => {
    const id = await order([[p1, 1]]);
    const before = await stockOf(owner, p1, loc);
    await asRole(app, as(a, 'admin'), (c) => expectRaised(c, ship, [id], 'INVALID_ORDER_STATE', /created order cannot be shipped/));
    await payAs(app, a, a.x, id, xw);
    await asRole(app, as(a, 'x'), (c) => expectRaised(c, ship, [id], 'FORBIDDEN'));
    await asRole(app, as(b, 'owner'), (c) => expectRaised(c, ship, [id], 'NOT_FOUND', /No such order/));
    expect(await stockOf(owner, p1, loc)).toEqual(before);
    // Control: the tenant's owner ships it.
    await committedAs(app, as(a, 'owner'), (c) => c.query(ship, [id]));
    expect((await orderRow(owner, id)).status).toBe('shipped');
  });

  it('is executable by fortress_user only', async () => {
    expect(await executors(owner, 'app.ship_order(uuid)')).toEqual(['fortress_user']);
    await asRole(app, { role: 'fortress_support', tenantId: a.tenantId, userId: a.owner }, (c) => expectSqlError(c, ship, [a.orderX], '42501'));
  });
});
