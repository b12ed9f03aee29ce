// app.deposit(account, amount, currency, description, idempotency key) and
// app.withdraw(…): money entering or leaving the tenant, posted against its
// clearing account in that currency (created on first use), owners/admins only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised } from './helpers.js';
import { as, balances, expectLedgerInvariants, ledgerCounts, newAccount } from '../../ledger.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;
let xw: string, bw: string, xe: string;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'deposit-a');
  b = await createTenant(owner, 'deposit-b');
  xw = await newAccount(owner, a, a.x);
  // The fixture already moved BRL (its clearing account exists): first use is shown in EUR.
  xe = await newAccount(owner, a, a.x, { currency: 'EUR' });
  bw = await newAccount(owner, b, b.x);
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const deposit = 'select * from app.deposit($1, $2, $3, $4, $5)';
const withdraw = 'select * from app.withdraw($1, $2, $3, $4, $5)';
const clearing = async (tenantId: string, currency: string) =>
  (await owner.query(`select id, user_id, trim_scale(balance)::text as balance from accounts where tenant_id = $1 and system_kind = 'clearing' and currency = $2`, [tenantId, currency])).rows;

describe('app.deposit and app.withdraw', () => {
  it('post against the clearing account of the currency, created once on first use, held by no one', async () => {
    expect(await clearing(a.tenantId, 'EUR')).toEqual([]);
    const { transfer_id: id } = await committedAs(app, as(a, 'admin'), async (c) => (await c.query(deposit, [xe, '100', 'EUR', 'salary', null])).rows[0]);
    const [clear] = await clearing(a.tenantId, 'EUR');
    expect(clear).toMatchObject({ user_id: null, balance: '-100' });
    expect((await owner.query('select kind, from_account_id, to_account_id from transfers where id = $1', [id])).rows[0]).toEqual({
      kind: 'deposit', from_account_id: clear.id, to_account_id: xe,
    });
    await committedAs(app, as(a, 'owner'), (c) => c.query(withdraw, [xe, '30.5', 'EUR', null, null]));
    expect(await balances(owner, [xe, clear.id])).toEqual({ [xe]: '69.5', [clear.id]: '-69.5' });
    expect(await clearing(a.tenantId, 'EUR')).toHaveLength(1);
    await expectLedgerInvariants(owner, a.tenantId, [xe, clear.id]);
    expect((await owner.query(`select event_type from events_outbox where tenant_id = $1 and aggregate = 'transfer' order by id`, [a.tenantId])).rows)
      .toEqual([{ event_type: 'TransferPosted' }, { event_type: 'TransferPosted' }]);
  });

  it('are for owners/admins: FORBIDDEN for members; NOT_FOUND for another tenant’s account; nothing written', async () => {
    const before = [await ledgerCounts(owner, a.tenantId), await ledgerCounts(owner, b.tenantId)];
    await asRole(app, as(a, 'x'), async (c) => {
      await expectRaised(c, deposit, [xw, '1', 'BRL', null, null], 'FORBIDDEN');
      await expectRaised(c, withdraw, [xw, '1', 'BRL', null, null], 'FORBIDDEN');
    });
    await asRole(app, as(a, 'owner'), async (c) => {
      await expectRaised(c, deposit, [bw, '1', 'BRL', null, null], 'NOT_FOUND');
      await expectRaised(c, withdraw, [bw, '1', 'BRL', null, null], 'NOT_FOUND');
    });
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: b.owner }, (c) => expectRaised(c, deposit, [xw, '1', 'BRL', null, null], 'FORBIDDEN'));
    expect([await ledgerCounts(owner, a.tenantId), await ledgerCounts(owner, b.tenantId)]).toEqual(before);
    // Control: B's owner deposits into B's account.
    await asRole(app, as(b, 'owner'), (c) => c.query(deposit, [bw, '1', 'BRL', null, null]));
  });

  it('raise the documented errors and write nothing', async () => {
    const [clear] = await clearing(a.tenantId, 'BRL');
    const before = await ledgerCounts(owner, a.tenantId);
    await asRole(app, as(a, 'owner'), async (c) => {
      await expectRaised(c, deposit, [xw, '0', 'BRL', null, null], 'INVALID_AMOUNT');
      await expectRaised(c, deposit, [xw, '1', 'USD', null, null], 'CURRENCY_MISMATCH');
      await expectRaised(c, withdraw, [xw, '1000', 'BRL', null, null], 'INSUFFICIENT_FUNDS');
      // The clearing account is not a target of deposits.
      await expectRaised(c, deposit, [clear.id, '1', 'BRL', null, null], 'NOT_FOUND');
    });
    expect(await ledgerCounts(owner, a.tenantId)).toEqual(before);
    expect(await clearing(a.tenantId, 'USD')).toEqual([]);
  });

  it('are idempotent per key', async () => {
    const first = await committedAs(app, as(a, 'owner'), async (c) => (await c.query(deposit, [xw, '5', 'BRL', null, 'dep-1'])).rows[0]);
    const again = await committedAs(app, as(a, 'admin'), async (c) => (await c.query(deposit, [xw, '5.0', 'BRL', null, 'dep-1'])).rows[0]);
    expect(again).toEqual({ transfer_id: first.transfer_id, replayed: true });
    await asRole(app, as(a, 'owner'), (c) => expectRaised(c, withdraw, [xw, '5', 'BRL', null, 'dep-1'], 'IDEMPOTENCY_KEY_REUSED'));
  });

  it('are executable by fortress_user only', async () => {
    for (const fn of ['app.deposit(uuid,numeric,text,text,text)', 'app.withdraw(uuid,numeric,text,text,text)']) {
      expect(await executors(owner, fn)).toEqual(['fortress_user']);
    }
    await asRole(app, { role: 'fortress_partner', tenantId: a.tenantId, userId: a.owner }, (c) => expectSqlError(c, deposit, [xw, '1', 'BRL', null, null], '42501'));
  });
});
