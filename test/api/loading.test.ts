// Nested selections load in one SQL statement, whatever the number of
// parents, and nested pages are limited per parent inside that SQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import type { ResultOf, TypedDocumentNode } from '@graphql-typed-document-node/core';
import { gql, graphql, ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { builder } from '../../src/schema/builder.js';

let owner: pg.Pool;
let a: TenantFixture;
let sql: string[] = [];
let app: Awaited<ReturnType<typeof testApp>>;

beforeAll(async () => {
  owner = ownerPool();
  a = await createTenant(owner, 'loading');
  app = await testApp({ onQuery: (s) => sql.push(s) });
});
afterAll(async () => {
  await app.close();
  await owner.end();
});

const AccountsWithEntries = graphql(`
  query AccountsWithEntries {
    accounts {
      edges { node {
        name user { email }
        transactions(first: 2) { totalCount edges { node { amount category { name parent { name } } merchant { name } account { name } } } }
      } }
    }
  }
`);

/** The response to `document` and every statement the request sent. */
async function statementsFor<TData, TVariables>(document: TypedDocumentNode<TData, TVariables>, token: string, variables?: NoInfer<TVariables>) {
  sql = [];
  const r = await gql(app.yoga, document, { token, variables });
  expect(r.errors).toBeUndefined();
  return { r, sql: [...sql] };
}

describe('query counts', () => {
  it('a resolver that does not pass Pothos its selection (`query`) fails under test', () => {
    // A prismaField/prismaConnection resolver must spread `query` into its Prisma call, or
    // everything selected under it loads row by row: src/schema/builder.ts makes that an error here.
    expect(process.env.NODE_ENV).toBe('test');
    expect(builder.options.prisma?.onUnusedQuery).toBe('error');
  });

  it('accounts → transactions → category/merchant is BEGIN, settings, one SELECT, COMMIT — for 1 or 4 accounts', async () => {
    const member = await statementsFor(AccountsWithEntries, await a.token('x'));
    const ownerRun = await statementsFor(AccountsWithEntries, await a.token('owner'));
    expect(member.r.data!.accounts.edges).toHaveLength(1);
    expect(ownerRun.r.data!.accounts.edges).toHaveLength(4);
    for (const run of [member, ownerRun]) {
      expect(run.sql).toHaveLength(4);
      expect(run.sql[0]).toMatch(/^BEGIN/i);
      expect(run.sql[1]).toMatch(/set_config\('role'/);
      expect(run.sql[3]).toMatch(/^COMMIT/i);
    }
  });

  it('limits nested transactions per account inside the SQL (LATERAL … LIMIT), not in memory', async () => {
    const { r, sql: statements } = await statementsFor(AccountsWithEntries, await a.token('x'));
    const select = statements[2]!;
    expect(select).toMatch(/LEFT JOIN LATERAL/);
    expect(select).toMatch(/"transactions" AS "t\d+" WHERE "t0"\."id" = "t\d+"\."account_id"[\s\S]*ORDER BY[\s\S]*LIMIT/);
    const txs = r.data!.accounts.edges[0]!.node.transactions;
    expect(txs.totalCount).toBe(6);
    expect(txs.edges).toHaveLength(2);
  });
});

describe('nested cursor pagination on Postgres', () => {
  it('pages through an account’s entries latest first, with no gaps or repeats', async () => {
    const AccountLedger = graphql(`
      query AccountLedger($id: UUID!, $after: String) {
        account(rowId: $id) { transactions(first: 2, after: $after) { pageInfo { hasNextPage endCursor } edges { node { rowId occurredAt } } } }
      }
    `);
    const token = await a.token('x');
    const seen: { rowId: string; occurredAt: string }[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const { r } = await statementsFor(AccountLedger, token, { id: a.accountX, after });
      const conn: NonNullable<ResultOf<typeof AccountLedger>['account']>['transactions'] = r.data!.account!.transactions;
      seen.push(...conn.edges.map((e) => e.node));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(6);
    expect(new Set(seen.map((s) => s.rowId)).size).toBe(6);
    const times = seen.map((s) => Date.parse(s.occurredAt));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    expect(seen[0]!.rowId).toBe(a.transactionX); // the most recent entry
  });

  it('defaults to 20 per page and caps `first` at 100', async () => {
    await owner.query(
      `insert into transactions (tenant_id, account_id, type, amount, currency)
       select $1, $2, 'fee', 1, 'BRL' from generate_series(1, 120)`,
      [a.tenantId, a.corporateAccount],
    );
    const token = await a.token('owner');
    const LedgerFirst = graphql(`
      query LedgerFirst($first: Int) { transactions(first: $first) { pageInfo { hasNextPage } edges { node { rowId } } } }
    `);
    const page = (first?: number) => gql(app.yoga, LedgerFirst, { token, variables: { first } });
    const byDefault = await page();
    expect(byDefault.data!.transactions.edges).toHaveLength(20);
    expect(byDefault.data!.transactions.pageInfo.hasNextPage).toBe(true);
    const capped = await page(150);
    expect(capped.data!.transactions.edges).toHaveLength(100);
  });
});
