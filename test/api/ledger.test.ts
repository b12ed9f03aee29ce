// The ledger through yoga.fetch: transfer, deposit, withdraw, reverseTransfer,
// renameAccount, closeAccount, openAccount's creditLimit; the error codes;
// what a payer may learn about the destination; and real concurrency on a
// 10-connection pool (1,000 concurrent transfers, 50 concurrent retries of
// one idempotency key).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { authenticatorPool, errorCodes, gql, graphql, ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { balances, expectLedgerInvariants, fund, ledgerCounts, newAccount, totalBalance } from '../ledger.js';

let owner: pg.Pool;
let sqlApp: pg.Pool;
let app: Awaited<ReturnType<typeof testApp>>;
let a: TenantFixture;
let b: TenantFixture;
const tokens = {} as Record<'aOwner' | 'aAdmin' | 'aX' | 'aY' | 'bX', string>;

beforeAll(async () => {
  owner = ownerPool();
  sqlApp = authenticatorPool();
  app = await testApp({ poolMax: 10, txMaxWaitMs: 60_000 });
  a = await createTenant(owner, 'ledger-api-a');
  b = await createTenant(owner, 'ledger-api-b');
  tokens.aOwner = await a.token('owner');
  tokens.aAdmin = await a.token('admin');
  tokens.aX = await a.token('x');
  tokens.aY = await a.token('y');
  tokens.bX = await b.token('x');
});
afterAll(async () => {
  await app.close();
  await sqlApp.end();
  await owner.end();
});

const Transfer = graphql(`
  mutation LedgerTransfer($input: TransferInput!) {
    transfer(input: $input) {
      replayed
      transfer { rowId kind amount currency toAccountId toAccount { rowId } fromAccount { rowId } entries { type amount status account { rowId } transfer { rowId } } }
      fromAccount { rowId balance }
    }
  }
`);
const Deposit = graphql(`
  mutation LedgerDeposit($input: DepositInput!) {
    deposit(input: $input) { replayed transfer { rowId kind amount fromAccount { systemKind balance } } account { rowId balance } }
  }
`);
const Withdraw = graphql(`
  mutation LedgerWithdraw($input: WithdrawInput!) {
    withdraw(input: $input) { transfer { rowId kind } account { balance } }
  }
`);
const Reverse = graphql(`
  mutation LedgerReverse($input: ReverseTransferInput!) {
    reverseTransfer(input: $input) { transfer { rowId kind reason reverses { rowId entries { status } } } }
  }
`);
const Rename = graphql(`
  mutation LedgerRename($input: RenameAccountInput!) { renameAccount(input: $input) { account { rowId name } } }
`);
const Close = graphql(`
  mutation LedgerClose($input: CloseAccountInput!) { closeAccount(input: $input) { account { rowId status closedAt } } }
`);
const Open = graphql(`
  mutation LedgerOpen($input: OpenAccountInput!) { openAccount(input: $input) { account { rowId type creditLimit status systemKind } } }
`);
const ListTransfers = graphql(`
  query LedgerTransfers($accountId: UUID) { transfers(accountId: $accountId) { totalCount edges { node { kind amount } } } }
`);
const ReadAccount = graphql(`
  query LedgerAccount($rowId: UUID!) { account(rowId: $rowId) { rowId balance } }
`);

const transfer = (token: string, input: { fromAccountId: string; toAccountId: string; amount: string; currency?: string; idempotencyKey?: string; description?: string }) =>
  gql(app.yoga, Transfer, { token, variables: { input: { currency: 'BRL', ...input } } });

describe('transfer through GraphQL', () => {
  it('a member pays another member: the payload shows the source and the journal, nothing of the destination', async () => {
    const xw = await newAccount(owner, a, a.x);
    const yw = await newAccount(owner, a, a.y);
    await fund(sqlApp, a, xw, '100');
    const r = await transfer(tokens.aX, { fromAccountId: xw, toAccountId: yw, amount: '25.50', description: 'rent share' });
    expect(r.errors).toBeUndefined();
    const p = r.data!.transfer;
    expect(p.replayed).toBe(false);
    expect(p.fromAccount).toEqual({ rowId: xw, balance: '74.5' });
    expect(p.transfer).toMatchObject({ kind: 'TRANSFER', amount: '25.5', currency: 'BRL', toAccountId: yw, toAccount: null, fromAccount: { rowId: xw } });
    // Only the payer's own entry is visible.
    expect(p.transfer.entries).toEqual([{ type: 'DEBIT', amount: '25.5', status: 'POSTED', account: { rowId: xw }, transfer: { rowId: p.transfer.rowId } }]);
    // The destination stays unreadable to the payer; its holder sees the money arrive.
    expect((await gql(app.yoga, ReadAccount, { token: tokens.aX, variables: { rowId: yw } })).data!.account).toBeNull();
    expect((await gql(app.yoga, ReadAccount, { token: tokens.aY, variables: { rowId: yw } })).data!.account).toEqual({ rowId: yw, balance: '25.5' });
    // An admin sees both sides.
    const admin = await transfer(tokens.aAdmin, { fromAccountId: yw, toAccountId: xw, amount: '0.5' });
    expect(admin.data!.transfer.transfer.toAccount).toEqual({ rowId: xw });
    expect(admin.data!.transfer.transfer.entries).toHaveLength(2);
    // The journals of x's wallet: the deposit and both payments for x; only the two payments touch y's account.
    const list = async (token: string) => (await gql(app.yoga, ListTransfers, { token, variables: { accountId: xw } })).data!.transfers;
    expect((await list(tokens.aX)).totalCount).toBe(3);
    expect((await list(tokens.aY)).edges.map((e) => e.node)).toEqual([{ kind: 'TRANSFER', amount: '0.5' }, { kind: 'TRANSFER', amount: '25.5' }]);
    expect((await list(tokens.bX)).totalCount).toBe(0);
    await expectLedgerInvariants(owner, a.tenantId, [xw, yw]);
  });

  it('answers each failure with its code and writes nothing', async () => {
    const xw = await newAccount(owner, a, a.x);
    const yw = await newAccount(owner, a, a.y);
    const xusd = await newAccount(owner, a, a.x, { currency: 'USD' });
    const bw = await newAccount(owner, b, b.x);
    await fund(sqlApp, a, xw, '10');
    await fund(sqlApp, b, bw, '10');
    const before = [await ledgerCounts(owner, a.tenantId), await ledgerCounts(owner, b.tenantId)];
    const cases: [string, Parameters<typeof transfer>[1], string][] = [
      [tokens.aX, { fromAccountId: xw, toAccountId: yw, amount: '10.000001' }, 'INSUFFICIENT_FUNDS'],
      [tokens.aX, { fromAccountId: xw, toAccountId: yw, amount: '0' }, 'INVALID_AMOUNT'],
      [tokens.aX, { fromAccountId: xw, toAccountId: yw, amount: '-5' }, 'INVALID_AMOUNT'],
      [tokens.aX, { fromAccountId: xw, toAccountId: yw, amount: '1', currency: 'USD' }, 'CURRENCY_MISMATCH'],
      [tokens.aX, { fromAccountId: xusd, toAccountId: xw, amount: '1', currency: 'USD' }, 'CURRENCY_MISMATCH'],
      // Cross-member and cross-tenant debits: NOT_FOUND, as for an account that does not exist.
      [tokens.aY, { fromAccountId: xw, toAccountId: yw, amount: '1' }, 'NOT_FOUND'],
      [tokens.bX, { fromAccountId: xw, toAccountId: bw, amount: '1' }, 'NOT_FOUND'],
      [tokens.bX, { fromAccountId: bw, toAccountId: xw, amount: '1' }, 'NOT_FOUND'],
      [tokens.aOwner, { fromAccountId: bw, toAccountId: xw, amount: '1' }, 'NOT_FOUND'],
      [tokens.aX, { fromAccountId: '00000000-0000-4000-8000-000000000000', toAccountId: yw, amount: '1' }, 'NOT_FOUND'],
    ];
    for (const [token, input, code] of cases) {
      const r = await transfer(token, input);
      expect(errorCodes(r), JSON.stringify(input)).toEqual([code]);
      expect(r.data).toBeNull();
    }
    expect(errorCodes(await transfer(tokens.aX, { fromAccountId: xw, toAccountId: yw, amount: '1.1234567' }))).toEqual(['BAD_USER_INPUT']);
    expect([await ledgerCounts(owner, a.tenantId), await ledgerCounts(owner, b.tenantId)]).toEqual(before);
    // Control: the right caller moves the same money.
    expect(errorCodes(await transfer(tokens.aX, { fromAccountId: xw, toAccountId: yw, amount: '10' }))).toEqual([]);
  });

  it('an idempotency key returns the original transfer; the key with another request is IDEMPOTENCY_KEY_REUSED', async () => {
    const xw = await newAccount(owner, a, a.x);
    const yw = await newAccount(owner, a, a.y);
    await fund(sqlApp, a, xw, '10');
    const input = { fromAccountId: xw, toAccountId: yw, amount: '3', idempotencyKey: `api-${xw}` };
    const first = await transfer(tokens.aX, input);
    const again = await transfer(tokens.aX, { ...input, amount: '3.00' });
    expect(again.data!.transfer).toMatchObject({ replayed: true, transfer: { rowId: first.data!.transfer.transfer.rowId }, fromAccount: { balance: '7' } });
    expect(errorCodes(await transfer(tokens.aX, { ...input, amount: '4' }))).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect(await balances(owner, [xw])).toEqual({ [xw]: '7' });
  });
});

describe('deposit, withdraw, reverseTransfer', () => {
  it('owners/admins bring money in and out through the clearing account, and reverse a transfer once', async () => {
    const xw = await newAccount(owner, a, a.x);
    const yw = await newAccount(owner, a, a.y);
    const dep = await gql(app.yoga, Deposit, { token: tokens.aAdmin, variables: { input: { accountId: xw, amount: '200', currency: 'BRL' } } });
    expect(dep.errors).toBeUndefined();
    expect(dep.data!.deposit).toMatchObject({ replayed: false, transfer: { kind: 'DEPOSIT', amount: '200', fromAccount: { systemKind: 'CLEARING' } }, account: { rowId: xw, balance: '200' } });
    const wd = await gql(app.yoga, Withdraw, { token: tokens.aOwner, variables: { input: { accountId: xw, amount: '50', currency: 'BRL' } } });
    expect(wd.data!.withdraw).toMatchObject({ transfer: { kind: 'WITHDRAWAL' }, account: { balance: '150' } });
    // Members may not: FORBIDDEN by the admin scope, before the resolver runs.
    expect(errorCodes(await gql(app.yoga, Deposit, { token: tokens.aX, variables: { input: { accountId: xw, amount: '1', currency: 'BRL' } } }))).toEqual(['FORBIDDEN']);

    const paid = await transfer(tokens.aX, { fromAccountId: xw, toAccountId: yw, amount: '40' });
    const rowId = paid.data!.transfer.transfer.rowId;
    expect(errorCodes(await gql(app.yoga, Reverse, { token: tokens.aX, variables: { input: { rowId, reason: 'mine' } } }))).toEqual(['FORBIDDEN']);
    const rev = await gql(app.yoga, Reverse, { token: tokens.aAdmin, variables: { input: { rowId, reason: 'duplicate' } } });
    expect(rev.data!.reverseTransfer.transfer).toMatchObject({ kind: 'REVERSAL', reason: 'duplicate', reverses: { rowId, entries: [{ status: 'REVERSED' }, { status: 'REVERSED' }] } });
    expect(errorCodes(await gql(app.yoga, Reverse, { token: tokens.aAdmin, variables: { input: { rowId, reason: 'again' } } }))).toEqual(['ALREADY_REVERSED']);
    expect(await balances(owner, [xw, yw])).toEqual({ [xw]: '150', [yw]: '0' });
    await expectLedgerInvariants(owner, a.tenantId, [xw, yw]);
  });
});

describe('accounts: creditLimit, renameAccount, closeAccount', () => {
  it('a credit limit is for credit accounts, set by owners/admins', async () => {
    const input = { name: 'Card', type: 'CREDIT' as const, currency: 'BRL', creditLimit: '500' };
    expect(errorCodes(await gql(app.yoga, Open, { token: tokens.aX, variables: { input } }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await gql(app.yoga, Open, { token: tokens.aAdmin, variables: { input: { ...input, type: 'WALLET' } } }))).toEqual(['BAD_USER_INPUT']);
    const ok = await gql(app.yoga, Open, { token: tokens.aAdmin, variables: { input: { ...input, userId: a.x } } });
    expect(ok.data!.openAccount.account).toMatchObject({ type: 'CREDIT', creditLimit: '500', status: 'OPEN', systemKind: null });
    // x spends on it down to -500.
    const card = ok.data!.openAccount.account.rowId;
    const yw = await newAccount(owner, a, a.y);
    expect(errorCodes(await transfer(tokens.aX, { fromAccountId: card, toAccountId: yw, amount: '500' }))).toEqual([]);
    expect(errorCodes(await transfer(tokens.aX, { fromAccountId: card, toAccountId: yw, amount: '0.01' }))).toEqual(['INSUFFICIENT_FUNDS']);
  });

  it('renames and closes (only empty accounts); another member’s account is NOT_FOUND', async () => {
    const xw = await newAccount(owner, a, a.x);
    const yw = await newAccount(owner, a, a.y);
    const renamed = await gql(app.yoga, Rename, { token: tokens.aX, variables: { input: { rowId: xw, name: '  Travel  ' } } });
    expect(renamed.data!.renameAccount.account).toEqual({ rowId: xw, name: 'Travel' });
    expect(errorCodes(await gql(app.yoga, Rename, { token: tokens.aX, variables: { input: { rowId: yw, name: 'Mine' } } }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await gql(app.yoga, Close, { token: tokens.aX, variables: { input: { rowId: yw } } }))).toEqual(['NOT_FOUND']);
    await fund(sqlApp, a, xw, '1');
    expect(errorCodes(await gql(app.yoga, Close, { token: tokens.aX, variables: { input: { rowId: xw } } }))).toEqual(['BALANCE_NOT_ZERO']);
    await gql(app.yoga, Withdraw, { token: tokens.aOwner, variables: { input: { accountId: xw, amount: '1', currency: 'BRL' } } });
    const closed = await gql(app.yoga, Close, { token: tokens.aX, variables: { input: { rowId: xw } } });
    expect(closed.data!.closeAccount.account).toMatchObject({ rowId: xw, status: 'CLOSED' });
    expect(errorCodes(await gql(app.yoga, Deposit, { token: tokens.aOwner, variables: { input: { accountId: xw, amount: '1', currency: 'BRL' } } }))).toEqual(['ACCOUNT_CLOSED']);
    expect((await owner.query(`select event_type from events_outbox where aggregate_id = $1 order by id`, [xw])).rows.map((r) => r.event_type))
      .toEqual(['AccountRenamed', 'AccountClosed']);
  });
});

describe('under concurrency (a 10-connection pool)', () => {
  it('1,000 concurrent transfers among 10 accounts keep every invariant, and no client sees a deadlock', async () => {
    // 10 accounts: x holds 0-3 and 8 (a credit line), y holds 4-7 and 9 (a credit line).
    const holders = [a.x, a.x, a.x, a.x, a.y, a.y, a.y, a.y, a.x, a.y];
    const ids: string[] = [];
    for (const [i, userId] of holders.entries()) {
      ids.push(await newAccount(owner, a, userId, i >= 8 ? { type: 'credit', creditLimit: '50' } : {}));
    }
    for (const id of ids.slice(0, 8)) await fund(sqlApp, a, id, '100');
    const totalBefore = await totalBalance(owner, ids);
    const tokenOf = (i: number) => (holders[i] === a.x ? tokens.aX : tokens.aY);
    // A fixed pseudo-random plan: random pairs, each followed by its opposite
    // pair; amounts up to 60 (overdrafts happen); every 5th from the owner.
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const plan: { from: number; to: number; amount: string; token: string }[] = [];
    while (plan.length < 1000) {
      const from = rand(10);
      let to = rand(10);
      if (to === from) to = (to + 1) % 10;
      const amount = `${1 + rand(60)}.${String(rand(100)).padStart(2, '0')}`;
      plan.push({ from, to, amount, token: plan.length % 5 === 0 ? tokens.aOwner : tokenOf(from) });
      plan.push({ from: to, to: from, amount, token: plan.length % 5 === 0 ? tokens.aOwner : tokenOf(to) });
    }
    const results = await Promise.all(plan.map((p) => transfer(p.token, { fromAccountId: ids[p.from]!, toAccountId: ids[p.to]!, amount: p.amount })));
    const codes = results.flatMap((r) => errorCodes(r));
    expect(new Set(codes)).toEqual(new Set(codes.length ? ['INSUFFICIENT_FUNDS'] : []));
    const posted = results.filter((r) => !r.errors).length;
    expect(posted).toBeGreaterThan(500);
    expect(await totalBalance(owner, ids)).toBe(totalBefore);
    const journals = await owner.query(`select count(*)::int as n from transfers where kind = 'transfer' and from_account_id = any($1)`, [ids]);
    expect(journals.rows[0].n).toBe(posted);
    await expectLedgerInvariants(owner, a.tenantId, ids);
  }, 120_000);

  it('50 concurrent retries of one idempotency key post exactly one transfer and all return it', async () => {
    const xw = await newAccount(owner, a, a.x);
    const yw = await newAccount(owner, a, a.y);
    await fund(sqlApp, a, xw, '100');
    const input = { fromAccountId: xw, toAccountId: yw, amount: '7', idempotencyKey: `race-${xw}` };
    const results = await Promise.all(Array.from({ length: 50 }, () => transfer(tokens.aX, input)));
    expect(results.flatMap((r) => errorCodes(r))).toEqual([]);
    const rowIds = new Set(results.map((r) => r.data!.transfer.transfer.rowId));
    expect(rowIds.size).toBe(1);
    expect(results.filter((r) => !r.data!.transfer.replayed)).toHaveLength(1);
    expect((await owner.query(`select count(*)::int as n from transfers where idempotency_key = $1`, [input.idempotencyKey])).rows[0].n).toBe(1);
    expect(await balances(owner, [xw, yw])).toEqual({ [xw]: '93', [yw]: '7' });
  }, 60_000);
});
