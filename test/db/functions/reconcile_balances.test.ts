// app.reconcile_balances(repair) and app.unbalanced_journals(): the current
// tenant's balances recomputed from their entries (owners/admins only), drift
// repaired idempotently with an audit entry and a BalancesReconciled event;
// and the owner-only cores app.ledger_reconcile / app.ledger_unbalanced_journals
// that `npm run reconcile` calls for every tenant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised } from './helpers.js';
import { as, balances, expectLedgerInvariants, fund, newAccount, tenantWithoutLedger } from '../../ledger.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;
let ax: string, ay: string, bx: string;

const reconcile = 'select account_id, trim_scale(recorded_balance)::text as recorded, trim_scale(entries_balance)::text as entries, trim_scale(drift)::text as drift, repaired from app.reconcile_balances($1)';
const drifted = (rows: { drift: string }[]) => rows.filter((r) => r.drift !== '0');


beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await tenantWithoutLedger(owner, 'reconcile-a');
  b = await tenantWithoutLedger(owner, 'reconcile-b');
  ax = await newAccount(owner, a, a.x);
  ay = await newAccount(owner, a, a.y);
  bx = await newAccount(owner, b, b.x);
  await fund(app, a, ax, '100');
  await committedAs(app, as(a, 'x'), (c) => c.query('select * from app.post_transfer($1, $2, $3, $4, null, null, null)', [ax, ay, '30.25', 'BRL']));
  const t = await committedAs(app, as(a, 'x'), async (c) =>
    (await c.query('select transfer_id from app.post_transfer($1, $2, $3, $4, null, null, null)', [ax, ay, '5', 'BRL'])).rows[0].transfer_id);
  await committedAs(app, as(a, 'owner'), (c) => c.query('select * from app.reverse_transfer($1, $2)', [t, 'mistake']));
  await fund(app, b, bx, '10');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

describe('a fresh fixture tenant', () => {
  it("reconciles with zero drift and no unbalanced journal (test/fixtures.ts moves its money as the ledger does)", async () => {
    const fx = await createTenant(owner, 'reconcile-fixture');
    const rows = (await owner.query(
      'select account_id, trim_scale(recorded_balance)::text as recorded, trim_scale(drift)::text as drift, repaired from app.ledger_reconcile($1, false, null)',
      [fx.tenantId],
    )).rows;
    expect(rows.map((r) => r.account_id).sort()).toEqual([fx.accountX, fx.accountY, fx.corporateAccount, fx.clearingAccount].sort());
    expect(rows.filter((r) => r.drift !== '0')).toEqual([]);
    expect(rows.every((r) => r.recorded === '0' && !r.repaired)).toBe(true);
    expect((await owner.query('select * from app.ledger_unbalanced_journals($1)', [fx.tenantId])).rows).toEqual([]);
    await expectLedgerInvariants(owner, fx.tenantId, [fx.accountX, fx.accountY, fx.corporateAccount, fx.clearingAccount]);
    // Control: the check sees a drift injected as the owner.
    await owner.query('update accounts set balance = balance + 1 where id = $1', [fx.accountX]);
    const drifted = (await owner.query('select account_id, trim_scale(drift)::text as drift from app.ledger_reconcile($1, false, null) where drift <> 0', [fx.tenantId])).rows;
    expect(drifted).toEqual([{ account_id: fx.accountX, drift: '1' }]);
    await owner.query('update accounts set balance = balance - 1 where id = $1', [fx.accountX]);
  });
});

describe('app.reconcile_balances', () => {
  it('reports zero drift on a tenant whose money only moved through the ledger, every account listed', async () => {
    const rows = await committedAs(app, as(a, 'admin'), async (c) => (await c.query(reconcile, [false])).rows);
    expect(rows).toHaveLength(3); // ax, ay, the clearing account
    expect(drifted(rows)).toEqual([]);
    expect(rows.find((r) => r.account_id === ax)).toEqual({ account_id: ax, recorded: '69.75', entries: '69.75', drift: '0', repaired: false });
    expect(await committedAs(app, as(a, 'owner'), async (c) => (await c.query('select * from app.unbalanced_journals()')).rows)).toEqual([]);
  });

  it('finds a drift injected as the owner, repairs it with an audit entry and an event, and a second run repairs nothing', async () => {
    await owner.query('update accounts set balance = balance + 7.5 where id = $1', [ay]);
    const report = await committedAs(app, as(a, 'admin'), async (c) => drifted((await c.query(reconcile, [false])).rows));
    expect(report).toEqual([{ account_id: ay, recorded: '37.75', entries: '30.25', drift: '7.5', repaired: false }]);
    expect(await balances(owner, [ay])).toEqual({ [ay]: '37.75' }); // reporting writes nothing

    const repaired = await committedAs(app, as(a, 'admin'), async (c) => drifted((await c.query(reconcile, [true])).rows));
    expect(repaired).toEqual([{ account_id: ay, recorded: '37.75', entries: '30.25', drift: '7.5', repaired: true }]);
    expect(await balances(owner, [ay])).toEqual({ [ay]: '30.25' });
    const audit = await owner.query(`select user_id, diff from audit_logs where tenant_id = $1 and entity_id = $2 and action = 'reconcile'`, [a.tenantId, ay]);
    expect(audit.rows).toEqual([{ user_id: a.admin, diff: { balance: { from: '37.750000', to: '30.250000' }, drift: '7.500000' } }]);
    const events = await owner.query(`select payload from events_outbox where tenant_id = $1 and event_type = 'BalancesReconciled'`, [a.tenantId]);
    expect(events.rows).toHaveLength(1);
    expect(events.rows[0].payload).toMatchObject({ accountId: ay, balance: '30.250000', previousBalance: '37.750000' });

    const again = await committedAs(app, as(a, 'owner'), async (c) => (await c.query(reconcile, [true])).rows);
    expect(drifted(again)).toEqual([]);
    expect(again.filter((r) => r.repaired)).toEqual([]);
    expect((await owner.query(`select count(*)::int as n from events_outbox where tenant_id = $1 and event_type = 'BalancesReconciled'`, [a.tenantId])).rows[0].n).toBe(1);
  });

  it('keeps to the caller’s tenant: another tenant’s drift is invisible and left alone', async () => {
    await owner.query('update accounts set balance = balance + 1 where id = $1', [bx]);
    try {
      const rows = await committedAs(app, as(a, 'owner'), async (c) => (await c.query(reconcile, [true])).rows);
      expect(rows.map((r) => r.account_id)).not.toContain(bx);
      expect(drifted(rows)).toEqual([]);
      expect(await balances(owner, [bx])).toEqual({ [bx]: '11' });
      // Control: B's owner sees it.
      const own = await asRole(app, as(b, 'owner'), async (c) => drifted((await c.query(reconcile, [false])).rows));
      expect(own).toEqual([{ account_id: bx, recorded: '11', entries: '10', drift: '1', repaired: false }]);
    } finally {
      await owner.query('update accounts set balance = balance - 1 where id = $1', [bx]);
    }
  });

  it('is for owners/admins of the current tenant: FORBIDDEN for members and outsiders', async () => {
    await asRole(app, as(a, 'x'), async (c) => {
      await expectRaised(c, reconcile, [false], 'FORBIDDEN');
      await expectRaised(c, 'select * from app.unbalanced_journals()', [], 'FORBIDDEN');
    });
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: b.owner }, (c) => expectRaised(c, reconcile, [true], 'FORBIDDEN'));
    // Control: an admin may.
    await asRole(app, as(a, 'admin'), (c) => c.query(reconcile, [false]));
  });

  it('leaves a drift the constraints would refuse unrepaired, and reports it', async () => {
    // The entries say -5 on a non-credit account: not written, repaired stays false.
    await owner.query(`insert into transactions (tenant_id, account_id, type, amount, currency, status) values ($1, $2, 'debit', '5', 'BRL', 'posted')`, [b.tenantId, bx]);
    await owner.query(`insert into transactions (tenant_id, account_id, type, amount, currency, status) values ($1, $2, 'debit', '10', 'BRL', 'posted')`, [b.tenantId, bx]);
    try {
      const rows = await committedAs(app, as(b, 'owner'), async (c) => drifted((await c.query(reconcile, [true])).rows));
      expect(rows).toEqual([{ account_id: bx, recorded: '10', entries: '-5', drift: '15', repaired: false }]);
      expect(await balances(owner, [bx])).toEqual({ [bx]: '10' });
    } finally {
      await owner.query(`delete from transactions where tenant_id = $1 and account_id = $2 and transfer_id is null`, [b.tenantId, bx]);
    }
  });

  it('reports journals whose entries do not sum to zero', async () => {
    const { rows } = await owner.query(`select id from transactions where tenant_id = $1 and account_id = $2 and type = 'credit' limit 1`, [b.tenantId, bx]);
    const entry = rows[0].id;
    const journal = (await owner.query('select transfer_id from transactions where id = $1', [entry])).rows[0].transfer_id;
    await owner.query('update transactions set amount = amount + 1 where id = $1', [entry]);
    try {
      expect(await asRole(app, as(b, 'admin'), async (c) => (await c.query('select transfer_id, entry_count, trim_scale(entries_sum)::text as sum from app.unbalanced_journals()')).rows))
        .toEqual([{ transfer_id: journal, entry_count: 2, sum: '1' }]);
      expect(await asRole(app, as(a, 'admin'), async (c) => (await c.query('select * from app.unbalanced_journals()')).rows)).toEqual([]);
      expect((await owner.query('select transfer_id from app.ledger_unbalanced_journals(null) where tenant_id = $1', [b.tenantId])).rows).toEqual([{ transfer_id: journal }]);
    } finally {
      await owner.query('update transactions set amount = amount - 1 where id = $1', [entry]);
    }
  });

  it('the owner’s core covers every tenant', async () => {
    const { rows } = await owner.query('select tenant_id, account_id from app.ledger_reconcile(null, false, null) where tenant_id = any($1)', [[a.tenantId, b.tenantId]]);
    expect(rows.map((r) => r.account_id)).toEqual(expect.arrayContaining([ax, ay, bx]));
  });

  it('are executable by fortress_user only; the cores by no app role', async () => {
    expect(await executors(owner, 'app.reconcile_balances(boolean)')).toEqual(['fortress_user']);
    expect(await executors(owner, 'app.unbalanced_journals()')).toEqual(['fortress_user']);
    for (const fn of ['app.ledger_reconcile(uuid,boolean,uuid)', 'app.ledger_unbalanced_journals(uuid)', 'app.reconcile_require_admin()']) {
      expect(await executors(owner, fn)).toEqual([]);
    }
    await asRole(app, as(a, 'owner'), (c) => expectSqlError(c, 'select * from app.ledger_reconcile(null, true, null)', [], '42501'));
    await asRole(app, { role: 'fortress_partner', tenantId: a.tenantId, userId: a.owner }, (c) => expectSqlError(c, reconcile, [false], '42501'));
  });
});
