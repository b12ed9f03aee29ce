// app.cancel_order(order, reason): members cancel their own created orders,
// owners/admins created or paid ones; the reservation is released and a
// payment refunded by reversing its journal. Through app.order_release, the
// same path the expiry job takes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised } from './helpers.js';
import { as, balances, expectLedgerInvariants, fund, ledgerCounts, newAccount } from '../../ledger.js';
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
  a = await createTenant(owner, 'cancel-a');
  b = await createTenant(owner, 'cancel-b');
  loc = await newLocation(owner, a);
  product = await newProduct(owner, a, { price: '10.50' });
  await setStock(owner, a, product, loc, 100);
  xw = await newAccount(owner, a, a.x);
  await fund(app, a, xw, '1000');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const cancel = 'select app.cancel_order($1, $2) as id';
const cancelAs = (who: 'x' | 'y' | 'admin' | 'owner', order: string, reason: string | null = null) =>
  committedAs(app, as(a, who), async (c) => (await c.query(cancel, [order, reason])).rows[0].id as string);
const revenueId = async () => (await owner.query(`select id from accounts where tenant_id = $1 and system_kind = 'revenue'`, [a.tenantId])).rows[0].id as string;

describe('app.cancel_order', () => {
  it('a member cancels their own created order: the reservation is released, audited and announced', async () => {
    const order = await placeOrder(owner, app, a, a.x, product, loc, 3);
    expect(await stockOf(owner, product, loc)).toMatchObject({ quantity: 100, reserved: 3 });
    expect(await cancelAs('x', order, 'changed my mind')).toBe(order);
    expect(await stockOf(owner, product, loc)).toMatchObject({ quantity: 100, reserved: 0 });
    expect(await orderRow(owner, order)).toMatchObject({ status: 'cancelled', cancelled: true, cancel_reason: 'changed my mind', refund_transfer_id: null });
    expect(await orderEvents(owner, order)).toEqual(['OrderCreated', 'OrderCancelled']);
    expect((await owner.query(`select user_id, diff->'status' as status from audit_logs where entity = 'order' and entity_id = $1 and action = 'update'`, [order])).rows)
      .toEqual([{ user_id: a.x, status: { from: 'created', to: 'cancelled' } }]);
    // Twice: INVALID_ORDER_STATE, nothing released again.
    await asRole(app, as(a, 'x'), (c) => expectRaised(c, cancel, [order, null], 'INVALID_ORDER_STATE', /cancelled order cannot be cancelled/));
    expect(await stockOf(owner, product, loc)).toMatchObject({ reserved: 0 });
  });

  it('an admin cancels a paid order: reservation released, payment reversed into the account', async () => {
    const order = await placeOrder(owner, app, a, a.x, product, loc, 2);
    const paid = await payAs(app, a, a.x, order, xw);
    const rev = await revenueId();
    expect(await balances(owner, [xw, rev])).toEqual({ [xw]: '979', [rev]: '21' });
    // A member may not cancel a paid order (a refund needs staff).
    await asRole(app, as(a, 'x'), (c) => expectRaised(c, cancel, [order, null], 'INVALID_ORDER_STATE', /owners and admins/));
    await cancelAs('admin', order, 'out of delivery area');
    expect(await balances(owner, [xw, rev])).toEqual({ [xw]: '1000', [rev]: '0' });
    const row = await orderRow(owner, order);
    expect(row).toMatchObject({ status: 'cancelled', payment_transfer_id: paid.transfer_id });
    expect((await owner.query('select kind, reverses_transfer_id, from_account_id, to_account_id from transfers where id = $1', [row.refund_transfer_id])).rows[0])
      .toEqual({ kind: 'reversal', reverses_transfer_id: paid.transfer_id, from_account_id: rev, to_account_id: xw });
    expect((await owner.query('select distinct status from transactions where transfer_id = $1', [paid.transfer_id])).rows).toEqual([{ status: 'reversed' }]);
    expect(await stockOf(owner, product, loc)).toMatchObject({ reserved: 0 });
    expect(await orderEvents(owner, order)).toEqual(['OrderCreated', 'OrderPaid', 'OrderCancelled']);
    await expectLedgerInvariants(owner, a.tenantId, [xw, rev]);
  });

  it('a refund into a closed account is ACCOUNT_CLOSED and changes nothing', async () => {
    const wallet = await newAccount(owner, a, a.y);
    await fund(app, a, wallet, '10.50');
    const order = await placeOrder(owner, app, a, a.y, product, loc);
    await payAs(app, a, a.y, order, wallet);
    await committedAs(app, as(a, 'y'), (c) => c.query('select app.close_account($1)', [wallet]));
    const before = [await ledgerCounts(owner, a.tenantId), await stockOf(owner, product, loc)];
    await asRole(app, as(a, 'owner'), (c) => expectRaised(c, cancel, [order, null], 'ACCOUNT_CLOSED'));
    expect([await ledgerCounts(owner, a.tenantId), await stockOf(owner, product, loc)]).toEqual(before);
    expect((await orderRow(owner, order)).status).toBe('paid');
  });

  it("NOT_FOUND for another member's order or another tenant's, with controls; bad reasons refused", async () => {
    const order = await placeOrder(owner, app, a, a.x, product, loc);
    await asRole(app, as(a, 'y'), (c) => expectRaised(c, cancel, [order, null], 'NOT_FOUND', /No such order/));
    await asRole(app, as(b, 'owner'), (c) => expectRaised(c, cancel, [order, null], 'NOT_FOUND', /No such order/));
    await asRole(app, as(a, 'x'), async (c) => {
      await expectRaised(c, cancel, [order, ''], 'BAD_USER_INPUT', /reason/);
      await expectRaised(c, cancel, [order, 'x'.repeat(501)], 'BAD_USER_INPUT', /reason/);
    });
    expect((await orderRow(owner, order)).status).toBe('created');
    // Controls: the owner of the tenant cancels it (admins: any created order).
    await cancelAs('owner', order);
    expect((await orderRow(owner, order)).status).toBe('cancelled');
  });

  it('a member paying and cancelling the same order at once: exactly one wins; stock and money agree', async () => {
    const rev = await revenueId();
    for (let i = 0; i < 10; i += 1) {
      const order = await placeOrder(owner, app, a, a.x, product, loc);
      const reservedBefore = (await stockOf(owner, product, loc))!.reserved;
      const balanceBefore = (await balances(owner, [xw]))[xw];
      const [p, c] = await Promise.allSettled([payAs(app, a, a.x, order, xw), cancelAs('x', order)]);
      expect([p.status, c.status].filter((s) => s === 'fulfilled')).toHaveLength(1);
      const loser = (p.status === 'rejected' ? p : c) as PromiseRejectedResult;
      expect(String(loser.reason.message)).toMatch(/^FORTRESS:INVALID_ORDER_STATE: /);
      const row = await orderRow(owner, order);
      if (p.status === 'fulfilled') {
        expect(row.status).toBe('paid');
        expect((await balances(owner, [xw]))[xw]).toBe(String(Number(balanceBefore) - 10.5));
        expect((await stockOf(owner, product, loc))!.reserved).toBe(reservedBefore);
      } else {
        expect(row.status).toBe('cancelled');
        expect((await balances(owner, [xw]))[xw]).toBe(balanceBefore);
        expect((await stockOf(owner, product, loc))!.reserved).toBe(reservedBefore - 1);
      }
    }
    await expectLedgerInvariants(owner, a.tenantId, [xw, rev]);
  });

  it('is executable by fortress_user only; app.order_release by no app role', async () => {
    expect(await executors(owner, 'app.cancel_order(uuid,text)')).toEqual(['fortress_user']);
    expect(await executors(owner, 'app.order_release(uuid,uuid,text)')).toEqual([]);
    expect(await executors(owner, 'app.ledger_reverse(uuid,uuid,text)')).toEqual([]);
    await asRole(app, as(a, 'owner'), (c) => expectSqlError(c, 'select app.order_release($1, $2, null)', [a.tenantId, a.orderX], '42501'));
    await asRole(app, { role: 'fortress_support', tenantId: a.tenantId, userId: a.x }, (c) => expectSqlError(c, cancel, [a.orderX, null], '42501'));
  });
});
