// reconcileBalances through yoga.fetch: owners/admins of the tenant only
// (FORBIDDEN for members), zero drift on a tenant whose money moved through
// the ledger, a drift injected as the owner found and repaired once, and
// another tenant's drift invisible (with the control that its own admin sees it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { authenticatorPool, errorCodes, gql, graphql, ownerPool, testApp } from '../helpers.js';
import type { TenantFixture } from '../fixtures.js';
import { balances, fund, newAccount, tenantWithoutLedger } from '../ledger.js';

let owner: pg.Pool;
let sqlApp: pg.Pool;
let app: Awaited<ReturnType<typeof testApp>>;
let a: TenantFixture;
let b: TenantFixture;
let ax: string, ay: string, bx: string;


beforeAll(async () => {
  owner = ownerPool();
  sqlApp = authenticatorPool();
  app = await testApp();
  a = await tenantWithoutLedger(owner, 'reconcile-api-a');
  b = await tenantWithoutLedger(owner, 'reconcile-api-b');
  ax = await newAccount(owner, a, a.x);
  ay = await newAccount(owner, a, a.y);
  bx = await newAccount(owner, b, b.x);
  await fund(sqlApp, a, ax, '50');
  await fund(sqlApp, b, bx, '20');
  const t = await gql(app.yoga, Transfer, { token: await a.token('x'), variables: { input: { fromAccountId: ax, toAccountId: ay, amount: '12.5', currency: 'BRL' } } });
  expect(t.errors).toBeUndefined();
});
afterAll(async () => {
  await app.close();
  await sqlApp.end();
  await owner.end();
});

const Transfer = graphql(`
  mutation ReconcileTransfer($input: TransferInput!) { transfer(input: $input) { transfer { rowId } } }
`);
const Reconcile = graphql(`
  mutation ReconcileBalances($input: ReconcileBalancesInput) {
    reconcileBalances(input: $input) {
      driftCount
      accounts { accountId currency recordedBalance entriesBalance drift repaired }
      unbalancedJournals { transferId entryCount entriesSum }
    }
  }
`);
const run = async (fx: TenantFixture, who: 'owner' | 'admin' | 'x', repair?: boolean) =>
  gql(app.yoga, Reconcile, { token: await fx.token(who), variables: { input: repair === undefined ? undefined : { repair } } });

describe('reconcileBalances', () => {
  it('reports every account with zero drift on a clean tenant', async () => {
    const r = await run(a, 'admin');
    expect(r.errors).toBeUndefined();
    const p = r.data!.reconcileBalances;
    expect(p.driftCount).toBe(0);
    expect(p.unbalancedJournals).toEqual([]);
    expect(p.accounts).toHaveLength(3); // ax, ay, clearing
    expect(p.accounts.find((x) => x.accountId === ay)).toEqual({
      accountId: ay, currency: 'BRL', recordedBalance: '12.5', entriesBalance: '12.5', drift: '0', repaired: false,
    });
  });

  it('finds a drift injected as the owner, repairs it once, and a second run repairs nothing', async () => {
    await owner.query('update accounts set balance = balance - 2.25 where id = $1', [ax]);
    const report = (await run(a, 'owner', false)).data!.reconcileBalances;
    expect(report.driftCount).toBe(1);
    expect(report.accounts.filter((x) => x.drift !== '0')).toEqual([
      { accountId: ax, currency: 'BRL', recordedBalance: '35.25', entriesBalance: '37.5', drift: '-2.25', repaired: false },
    ]);
    expect(await balances(owner, [ax])).toEqual({ [ax]: '35.25' });

    const repaired = (await run(a, 'admin', true)).data!.reconcileBalances;
    expect(repaired.accounts.filter((x) => x.repaired)).toEqual([
      { accountId: ax, currency: 'BRL', recordedBalance: '35.25', entriesBalance: '37.5', drift: '-2.25', repaired: true },
    ]);
    expect(await balances(owner, [ax])).toEqual({ [ax]: '37.5' });
    const audit = await owner.query(`select user_id from audit_logs where tenant_id = $1 and entity_id = $2 and action = 'reconcile'`, [a.tenantId, ax]);
    expect(audit.rows).toEqual([{ user_id: a.admin }]);

    const again = (await run(a, 'admin', true)).data!.reconcileBalances;
    expect(again.driftCount).toBe(0);
    expect(again.accounts.filter((x) => x.repaired)).toEqual([]);
    expect((await owner.query(`select count(*)::int as n from events_outbox where tenant_id = $1 and event_type = 'BalancesReconciled'`, [a.tenantId])).rows[0].n).toBe(1);
  });

  it('is FORBIDDEN for members, and writes nothing', async () => {
    await owner.query('update accounts set balance = balance + 1 where id = $1', [ay]);
    try {
      const r = await run(a, 'x', true);
      expect(errorCodes(r)).toEqual(['FORBIDDEN']);
      expect(await balances(owner, [ay])).toEqual({ [ay]: '13.5' });
    } finally {
      await owner.query('update accounts set balance = balance - 1 where id = $1', [ay]);
    }
  });

  it('keeps to the viewer’s tenant: another tenant’s drift is invisible and left alone', async () => {
    await owner.query('update accounts set balance = balance + 3 where id = $1', [bx]);
    try {
      const mine = (await run(a, 'owner', true)).data!.reconcileBalances;
      expect(mine.accounts.map((x) => x.accountId)).not.toContain(bx);
      expect(mine.driftCount).toBe(0);
      expect(await balances(owner, [bx])).toEqual({ [bx]: '23' });
      // Control: B's admin sees it.
      const theirs = (await run(b, 'admin', false)).data!.reconcileBalances;
      expect(theirs.accounts.filter((x) => x.drift !== '0')).toEqual([
        { accountId: bx, currency: 'BRL', recordedBalance: '23', entriesBalance: '20', drift: '3', repaired: false },
      ]);
    } finally {
      await owner.query('update accounts set balance = balance - 3 where id = $1', [bx]);
    }
  });
});
