// app.pay_order(order, account): a created order paid by a 'payment' journal
// into the tenant's revenue account, in the same transaction as the status
// change; idempotent per order; members their own orders from their own
// accounts; failures leave the order created.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { executors, expectRaised } from './helpers.js';
import { as, balances, expectLedgerInvariants, fund, ledgerCounts, newAccount } from '../../ledger.js';
import { newLocation, newProduct, orderEvents, orderRow, payAs, placeOrder, setStock } from '../../commerce.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;
let loc: string;
let product: string;
let xw: string, yw: string;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'pay-a');
  b = await createTenant(owner, 'pay-b');
  loc = await newLocation(owner, a);
  product = await newProduct(owner, a, { price: '12.34' });
  await setStock(owner, a, product, loc, 100);
  xw = await newAccount(owner, a, a.x);
  yw = await newAccount(owner, a, a.y);
  await fund(app, a, xw, '100');
  await fund(app, a, yw, '100');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const pay = 'select * from app.pay_order($1, $2)';
const revenue = async (fx: TenantFixture, currency = 'BRL') =>
  (await owner.query(`select id, trim_scale(balance)::text as balance from accounts where tenant_id = $1 and system_kind = 'revenue' and currency = $2`, [fx.tenantId, currency])).rows[0];

describe('app.pay_order', () => {
  it('posts a payment journal into revenue, marks the order paid, and replays a retry', async () => {
    const order = await placeOrder(owner, app, a, a.x, product, loc, 2);
    const paid = await payAs(app, a, a.x, order, xw);
    expect(paid.replayed).toBe(false);
    const rev = await revenue(a);
    expect((await owner.query('select kind, from_account_id, to_account_id, trim_scale(amount)::text as amount, idempotency_key from transfers where id = $1', [paid.transfer_id])).rows[0])
      .toEqual({ kind: 'payment', from_account_id: xw, to_account_id: rev.id, amount: '24.68', idempotency_key: `order:${order}:payment` });
    expect(await balances(owner, [xw, rev.id])).toEqual({ [xw]: '75.32', [rev.id]: '24.68' });
    expect(await orderRow(owner, order)).toMatchObject({ status: 'paid', paid: true, payment_transfer_id: paid.transfer_id });
    expect(await orderEvents(owner, order)).toEqual(['OrderCreated', 'OrderPaid']);
    expect((await owner.query(`select event_type, payload->>'kind' as kind from events_outbox where aggregate_id = $1`, [paid.transfer_id])).rows)
      .toEqual([{ event_type: 'TransferPosted', kind: 'payment' }]);
    expect((await owner.query(`select user_id, diff->'status' as status from audit_logs where entity = 'order' and entity_id = $1 and action = 'update'`, [order])).rows)
      .toEqual([{ user_id: a.x, status: { from: 'created', to: 'paid' } }]);

    // A retry from the same account replays; nothing new is written.
    const before = await ledgerCounts(owner, a.tenantId);
    expect(await payAs(app, a, a.x, order, xw)).toEqual({ transfer_id: paid.transfer_id, replayed: true });
    expect(await ledgerCounts(owner, a.tenantId)).toEqual(before);
    // From another account (the admin paying with y's): the order is no longer payable.
    await asRole(app, as(a, 'admin'), (c) => expectRaised(c, pay, [order, yw], 'INVALID_ORDER_STATE', /paid order cannot be paid/));
    await expectLedgerInvariants(owner, a.tenantId, [xw, yw, rev.id]);
  });

  it('INSUFFICIENT_FUNDS, a closed or other-currency account: the order stays created and nothing is written', async () => {
    const expensive = await newProduct(owner, a, { price: '1000.00' });
    await setStock(owner, a, expensive, loc, 10);
    const order = await placeOrder(owner, app, a, a.x, expensive, loc);
    const usd = await newAccount(owner, a, a.x, { currency: 'USD' });
    const closed = await newAccount(owner, a, a.x);
    await owner.query(`update accounts set status = 'closed', closed_at = now() where id = $1`, [closed]);
    const before = await ledgerCounts(owner, a.tenantId);
    await asRole(app, as(a, 'x'), async (c) => {
      await expectRaised(c, pay, [order, xw], 'INSUFFICIENT_FUNDS');
      await expectRaised(c, pay, [order, usd], 'CURRENCY_MISMATCH');
      await expectRaised(c, pay, [order, closed], 'ACCOUNT_CLOSED');
    });
    expect(await ledgerCounts(owner, a.tenantId)).toEqual(before);
    expect(await orderRow(owner, order)).toMatchObject({ status: 'created', paid: false, payment_transfer_id: null });
  });

  it("members pay their own orders from their own accounts; NOT_FOUND otherwise, with controls; admins any", async () => {
    const order = await placeOrder(owner, app, a, a.x, product, loc);
    const system = (await revenue(a)).id as string;
    const before = [await ledgerCounts(owner, a.tenantId), await ledgerCounts(owner, b.tenantId)];
    await asRole(app, as(a, 'y'), async (c) => {
      await expectRaised(c, pay, [order, yw], 'NOT_FOUND', /No such order/);
    });
    await asRole(app, as(a, 'x'), async (c) => {
      await expectRaised(c, pay, [order, yw], 'NOT_FOUND', /No such account/);
      await expectRaised(c, pay, [order, system], 'NOT_FOUND', /No such account/);
      await expectRaised(c, pay, [order, a.clearingAccount], 'NOT_FOUND', /No such account/);
    });
    await asRole(app, as(b, 'owner'), (c) => expectRaised(c, pay, [order, xw], 'NOT_FOUND', /No such order/));
    await asRole(app, { role: 'fortress_user' }, (c) => expectRaised(c, pay, [order, xw], 'FORBIDDEN'));
    expect([await ledgerCounts(owner, a.tenantId), await ledgerCounts(owner, b.tenantId)]).toEqual(before);
    // Controls: the order and y's account exist; the admin pays x's order from y's account.
    expect((await orderRow(owner, order)).status).toBe('created');
    const paid = await payAs(app, a, a.admin, order, yw);
    expect((await owner.query('select from_account_id from transfers where id = $1', [paid.transfer_id])).rows[0].from_account_id).toBe(yw);
  });

  it('a zero total is paid without a journal', async () => {
    const free = await newProduct(owner, a, { price: '0' });
    await setStock(owner, a, free, loc, 10);
    const order = await placeOrder(owner, app, a, a.y, free, loc);
    const before = await ledgerCounts(owner, a.tenantId);
    expect(await payAs(app, a, a.y, order, yw)).toEqual({ transfer_id: null, replayed: false });
    expect(await orderRow(owner, order)).toMatchObject({ status: 'paid', paid: true, payment_transfer_id: null });
    const after = await ledgerCounts(owner, a.tenantId);
    expect([after.transfers, after.entries, after.total]).toEqual([before.transfers, before.entries, before.total]);
    expect(await payAs(app, a, a.y, order, yw)).toEqual({ transfer_id: null, replayed: true });
  });

  it('is executable by fortress_user only', async () => {
    expect(await executors(owner, 'app.pay_order(uuid,uuid)')).toEqual(['fortress_user']);
    await asRole(app, { role: 'fortress_support', tenantId: a.tenantId, userId: a.x }, (c) => expectSqlError(c, pay, [a.orderX, xw], '42501'));
  });
});
