// Ledger reads: accountStatement (filters, paging, running balance), balanceAt
// and spendingByCategory, exact at numeric(20,6)'s extremes, under RLS; and
// the plans on a 100k-entry account use the ledger's index.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, errorCodes, gql, graphql, ownerPool, authenticatorPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { balanceAtSql, statementPageSql } from '../../src/resolvers/statement.js';

const MAX = '99999999999999.999999';
const TINY = '0.000001';
const HOUR = 3_600_000;

let app: Awaited<ReturnType<typeof testApp>>;
let owner: pg.Pool;
let t: TenantFixture;
let account: string;
const now = Date.now();
const at = (hoursAgo: number) => new Date(now - hoursAgo * HOUR);
const e = {} as Record<'max1' | 'coffee' | 'pending' | 'rent' | 'max2' | 'max3', string>;
const cat = {} as Record<'household' | 'food' | 'fruit' | 'travel', string>;
let merchant: string;

beforeAll(async () => {
  app = await testApp();
  owner = ownerPool();
  t = await createTenant(owner, 'statement');
  const one = async (sql: string, params: unknown[]) => (await owner.query(sql, params)).rows[0].id as string;
  account = await one(`insert into accounts (tenant_id, user_id, name, type, currency) values ($1, $2, 'statement', 'wallet', 'BRL') returning id`, [
    t.tenantId, t.x,
  ]);
  const category = (name: string, parent: string | null) =>
    one('insert into categories (tenant_id, name, parent_id) values ($1, $2, $3) returning id', [t.tenantId, name, parent]);
  cat.household = await category('Household', null);
  cat.food = await category('Groceries', cat.household);
  cat.fruit = await category('Fruit', cat.food);
  cat.travel = await category('Travel', null);
  merchant = await one(`insert into merchants (tenant_id, name) values ($1, 'Café') returning id`, [t.tenantId]);
  const entry = (type: string, amount: string, status: string, hoursAgo: number, extra: { description?: string; category?: string; merchant?: string; accountId?: string } = {}) =>
    one(
      `insert into transactions (tenant_id, account_id, type, amount, currency, status, occurred_at, description, category_id, merchant_id)
       values ($1, $2, $3, $4, 'BRL', $5, $6, $7, $8, $9) returning id`,
      [t.tenantId, extra.accountId ?? account, type, amount, status, at(hoursAgo), extra.description ?? null, extra.category ?? null, extra.merchant ?? null],
    );
  e.max1 = await entry('credit', MAX, 'posted', 50, { description: 'salary' });
  e.coffee = await entry('debit', TINY, 'posted', 40, { description: 'Coffee 100% _arabica_', category: cat.fruit, merchant });
  e.pending = await entry('credit', TINY, 'pending', 30, { description: 'pending refund' });
  e.rent = await entry('debit', '99999999999999.999998', 'posted', 20, { description: 'rent', category: cat.food });
  e.max2 = await entry('credit', MAX, 'posted', 10, { description: 'bonus' });
  e.max3 = await entry('debit', TINY, 'posted', 5, { description: 'lottery ticket' });
  // The ledger keeps the balance equal to the applied entries (the statement is anchored on it).
  await owner.query(
    `update accounts set balance = (select sum(case when type = 'credit' then amount else -amount end) from transactions
                                     where account_id = $1 and status in ('posted', 'reversed')) where id = $1`,
    [account],
  );
  // Spending, on another account of x: a fee in Household itself, a reversed debit (drops out), a
  // debit out of the period, and a debit of member y in Travel (x never counts it; the admin does).
  const spendAccount = await one(`insert into accounts (tenant_id, user_id, name, type, currency) values ($1, $2, 'spend', 'wallet', 'BRL') returning id`, [
    t.tenantId, t.x,
  ]);
  await entry('fee', '2.5', 'posted', 15, { category: cat.household, description: 'bank fee', accountId: spendAccount });
  await entry('debit', '1000', 'reversed', 12, { category: cat.food, description: 'reversed', accountId: spendAccount });
  await entry('debit', '7', 'posted', 24 * 40, { category: cat.food, description: 'old', accountId: spendAccount });
  await entry('debit', '3.25', 'posted', 12, { category: cat.travel, accountId: t.accountY });
});
afterAll(async () => {
  await app?.close();
  await owner.end();
});

const Statement = graphql(`
  query StatementTest($accountId: UUID!, $filter: StatementFilter, $first: Int, $after: String, $last: Int, $before: String) {
    accountStatement(accountId: $accountId, filter: $filter, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor startCursor }
      edges { cursor node { runningBalance entry { rowId amount type status category { name } merchant { name } } } }
    }
  }
`);
const BalanceAt = graphql(`
  query StatementTestBalanceAt($accountId: UUID!, $instant: DateTime!) {
    balanceAt(accountId: $accountId, instant: $instant)
  }
`);
const Spending = graphql(`
  query StatementTestSpending($from: DateTime!, $to: DateTime!, $parentId: UUID, $accountId: UUID) {
    spendingByCategory(from: $from, to: $to, parentId: $parentId, accountId: $accountId) { category { rowId name } currency amount entryCount }
  }
`);

// Latest first: max3, max2, rent, pending, coffee, max1.
const EXPECTED = [
  ['max3', '99999999999999.999998'],
  ['max2', MAX],
  ['rent', '0'],
  ['pending', null],
  ['coffee', '99999999999999.999998'],
  ['max1', MAX],
] as const;

const lines = (r: Awaited<ReturnType<typeof statement>>) => r.data!.accountStatement.edges.map((edge) => [edge.node.entry.rowId, edge.node.runningBalance]);
const expected = (names: (keyof typeof e)[]) => EXPECTED.filter(([n]) => names.includes(n)).map(([n, b]) => [e[n], b]);
async function statement(variables: Record<string, unknown>, who: 'x' | 'y' | 'admin' = 'x') {
  return gql(app.yoga, Statement, { token: await t.token(who), variables: { accountId: account, ...variables } });
}

describe('accountStatement', () => {
  it('lists the entries latest first with an exact running balance (sums beyond numeric(20,6) included); pending shows null', async () => {
    const r = await statement({ first: 10 });
    expect(r.errors).toBeUndefined();
    expect(lines(r)).toEqual(EXPECTED.map(([n, b]) => [e[n], b]));
    expect(r.data!.accountStatement.totalCount).toBe(6);
    expect(r.data!.accountStatement.edges[4]!.node.entry).toMatchObject({ amount: TINY, type: 'DEBIT', category: { name: 'Fruit' }, merchant: { name: 'Café' } });
  });

  it('pages forward and backward with cursors; every page shows the same balances', async () => {
    const p1 = await statement({ first: 2 });
    expect(lines(p1)).toEqual(expected(['max3', 'max2']));
    expect(p1.data!.accountStatement.pageInfo.hasNextPage).toBe(true);
    const p2 = await statement({ first: 3, after: p1.data!.accountStatement.pageInfo.endCursor });
    expect(lines(p2)).toEqual(expected(['rent', 'pending', 'coffee']));
    const p3 = await statement({ first: 3, after: p2.data!.accountStatement.pageInfo.endCursor });
    expect(lines(p3)).toEqual(expected(['max1']));
    expect(p3.data!.accountStatement.pageInfo.hasNextPage).toBe(false);
    const back = await statement({ last: 2, before: p3.data!.accountStatement.pageInfo.startCursor });
    expect(lines(back)).toEqual(expected(['pending', 'coffee']));
    expect(back.data!.accountStatement.pageInfo.hasPreviousPage).toBe(true);
  });

  it('filters by type, status, category (with its subcategories), merchant, dates and text (% and _ literal), balances unchanged, totalCount filtered', async () => {
    const cases: [Record<string, unknown>, (keyof typeof e)[]][] = [
      [{ type: 'DEBIT' }, ['max3', 'rent', 'coffee']],
      [{ status: 'PENDING' }, ['pending']],
      // A category includes its subcategories (Groceries ⊃ Fruit; Household ⊃ Groceries ⊃ Fruit), as spendingByCategory rolls up.
      [{ categoryId: cat.food }, ['rent', 'coffee']],
      [{ categoryId: cat.household }, ['rent', 'coffee']],
      [{ categoryId: cat.fruit }, ['coffee']],
      [{ categoryId: cat.travel }, []],
      [{ categoryId: cat.food, type: 'DEBIT', search: 'coffee' }, ['coffee']],
      [{ merchantId: merchant }, ['coffee']],
      [{ occurredFrom: at(30).toISOString(), occurredTo: at(10).toISOString() }, ['rent', 'pending']],
      [{ search: '100%' }, ['coffee']],
      [{ search: '_' }, ['coffee']],
      [{ search: '%' }, ['coffee']],
      [{ search: 'RENT' }, ['rent']],
      [{ search: 'lottery' }, ['max3']],
      [{ search: 'r_nt' }, []],
      [{ type: 'DEBIT', search: 'coffee' }, ['coffee']],
    ];
    for (const [filter, names] of cases) {
      const r = await statement({ first: 10, filter });
      expect(r.errors, JSON.stringify(filter)).toBeUndefined();
      expect(lines(r), JSON.stringify(filter)).toEqual(expected(names));
      expect(r.data!.accountStatement.totalCount, JSON.stringify(filter)).toBe(names.length);
    }
  });

  it("member y cannot read x's statement (NOT_FOUND); control: the admin can; a foreign cursor is BAD_USER_INPUT", async () => {
    expect(errorCodes(await statement({ first: 1 }, 'y'))).toEqual(['NOT_FOUND']);
    const admin = await statement({ first: 1 }, 'admin');
    expect(lines(admin)).toEqual(expected(['max3']));
    const foreign = Buffer.from(`GPC:S:${t.transactionY}`).toString('base64');
    const r = await statement({ first: 1, after: foreign }, 'admin');
    expect(errorCodes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions!.field).toBe('after');
    // A cursor of this statement whose entry is outside the filter is refused too (control: inside it pages on).
    const cursorOf = (id: string) => Buffer.from(`GPC:S:${id}`).toString('base64');
    const outside = await statement({ first: 1, after: cursorOf(e.max1), filter: { type: 'DEBIT' } });
    expect(errorCodes(outside)).toEqual(['BAD_USER_INPUT']);
    const inside = await statement({ first: 1, after: cursorOf(e.rent), filter: { type: 'DEBIT' } });
    expect(lines(inside)).toEqual(expected(['coffee']));
  });
});

describe('accountStatement loading', () => {
  it('a page is a fixed number of statements, whatever is selected under the entries (no per-row loading)', async () => {
    const sent: string[] = [];
    const spied = await testApp({ onQuery: (q) => sent.push(q) });
    try {
      const r = await gql(spied.yoga, Statement, { token: await t.token('x'), variables: { accountId: account, first: 6 } });
      expect(r.data!.accountStatement.edges).toHaveLength(6);
      // BEGIN, settings, the account, the page with its balances, the entries with their relations, totalCount, COMMIT.
      expect(sent, sent.join('\n')).toHaveLength(7);
    } finally {
      await spied.close();
    }
  });
});

describe('balanceAt', () => {
  it('is the running balance at the instant (inclusive), exact; 0 before the first entry', async () => {
    const balance = async (instant: Date, who: 'x' | 'y' = 'x') =>
      gql(app.yoga, BalanceAt, { token: await t.token(who), variables: { accountId: account, instant: instant.toISOString() } });
    expect((await balance(at(60))).data!.balanceAt).toBe('0');
    expect((await balance(at(45))).data!.balanceAt).toBe(MAX);
    expect((await balance(at(35))).data!.balanceAt).toBe('99999999999999.999998'); // the pending entry does not count
    expect((await balance(at(20))).data!.balanceAt).toBe('0'); // the rent entry itself counts
    expect((await balance(at(7))).data!.balanceAt).toBe(MAX);
    expect((await balance(at(0))).data!.balanceAt).toBe('99999999999999.999998');
    // Member y may not see x's account: null (control: it exists, x sees it above).
    expect((await balance(at(0), 'y')).data!.balanceAt).toBeNull();
  });
});

describe('spendingByCategory', () => {
  const period = { from: at(48).toISOString(), to: at(0).toISOString() };
  it('sums posted debits and fees of each top-level category and its subcategories, exact; reversed and out-of-period entries drop out', async () => {
    const r = await gql(app.yoga, Spending, { token: await t.token('x'), variables: period });
    expect(r.errors).toBeUndefined();
    const mine = r.data!.spendingByCategory.filter((s) => [cat.household, cat.travel].includes(s.category.rowId));
    // Household = fee 2.5 + rent 99999999999999.999998 + coffee 0.000001 (Groceries and Fruit below it).
    expect(mine).toEqual([{ category: { rowId: cat.household, name: 'Household' }, currency: 'BRL', amount: '100000000000002.499999', entryCount: 3 }]);
  });

  it('one level down with parentId; members count their own accounts, admins the tenant', async () => {
    const x = await gql(app.yoga, Spending, { token: await t.token('x'), variables: { ...period, parentId: cat.household } });
    expect(x.data!.spendingByCategory).toEqual([{ category: { rowId: cat.food, name: 'Groceries' }, currency: 'BRL', amount: '99999999999999.999999', entryCount: 2 }]);
    const admin = await gql(app.yoga, Spending, { token: await t.token('admin'), variables: period });
    expect(admin.data!.spendingByCategory.find((s) => s.category.rowId === cat.travel)).toMatchObject({ amount: '3.25', entryCount: 1 });
    const onlyAccount = await gql(app.yoga, Spending, { token: await t.token('admin'), variables: { ...period, accountId: account } });
    expect(onlyAccount.data!.spendingByCategory.find((s) => s.category.rowId === cat.travel)).toBeUndefined();
  });

  it('refuses an empty period (BAD_USER_INPUT on to)', async () => {
    const r = await gql(app.yoga, Spending, { token: await t.token('x'), variables: { from: period.to, to: period.from } });
    expect(errorCodes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions!.field).toBe('to');
  });
});

describe('plans on 100k entries', () => {
  it("the statement page and balanceAt scan the spec's ledger indexes (tenant_id, [account_id,] occurred_at), never the table", async () => {
    const big = await createTenant(owner, 'statement-big');
    const bigAccount = (await owner.query(`insert into accounts (tenant_id, user_id, name, type, currency) values ($1, $2, 'big', 'wallet', 'BRL') returning id`, [
      big.tenantId, big.x,
    ])).rows[0].id as string;
    await owner.query(
      `insert into transactions (tenant_id, account_id, type, amount, currency, status, occurred_at, description)
       select $1, $2, case when g % 3 = 0 then 'debit' else 'credit' end::transaction_type, (g % 1000) + 0.000001, 'BRL', 'posted',
              now() - make_interval(secs => g * 60), 'entry ' || g
         from generate_series(1, 100000) g`,
      [big.tenantId, bigAccount],
    );
    await owner.query('analyze transactions');
    const app2 = authenticatorPool();
    try {
      await asRole(app2, { role: 'fortress_user', tenantId: big.tenantId, userId: big.x }, async (c) => {
        const plans: Record<string, string> = {};
        const page = statementPageSql({ accountId: bigAccount, filter: {}, limit: 21 });
        const balance = balanceAtSql(bigAccount, new Date(Date.now() - 24 * HOUR));
        // A category filter (with its subcategories) stays on the ledger index: the subtree is a small subquery.
        const byCategory = statementPageSql({ accountId: bigAccount, filter: { categoryId: big.category }, limit: 21 });
        for (const [name, q] of Object.entries({ page, balance, byCategory })) {
          const { rows } = await c.query(`explain ${q.text}`, q.values);
          plans[name] = rows.map((r) => r['QUERY PLAN']).join('\n');
          expect(plans[name], plans[name]).toMatch(/(Index (Only )?Scan( Backward)? using|Bitmap Index Scan on) ix_transactions_tenant_(account_)?occurred\b/);
          expect(plans[name], plans[name]).not.toMatch(/Seq Scan on transactions/);
        }
        const started = performance.now();
        const { rows } = await c.query(page.text, page.values);
        const ms = performance.now() - started;
        expect(rows).toHaveLength(21);
        expect(ms, `statement page on 100k entries took ${ms} ms`).toBeLessThan(2_000);
      });
    } finally {
      await app2.end();
    }
    // Loading 100k entries (each audited by its trigger) is most of it; on a busy 2-core machine it outgrows the default 30 s.
  }, 120_000);
});
