// The operations in operations/ (the persisted-documents manifest that
// codegen builds) all run against the live schema and return the caller's
// data only. They are sent as the typed documents codegen generates (which
// carry only their hash; test/helpers.ts `gql` sends the manifest's text).
// The tests' own documents never enter the manifest (codegen.ts).
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, print, visit } from 'graphql';
import type pg from 'pg';
import { gql, ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import {
  AccountStatementDocument, CatalogPageDocument, OrderDetailDocument, ViewerAccountsDocument,
} from '../../src/generated/graphql/graphql.js';

let owner: pg.Pool;
let app: Awaited<ReturnType<typeof testApp>>;
let a: TenantFixture;
let b: TenantFixture;
let manifest: Record<string, string>;

beforeAll(async () => {
  owner = ownerPool();
  app = await testApp();
  a = await createTenant(owner, 'ops-a');
  b = await createTenant(owner, 'ops-b');
  manifest = JSON.parse(await readFile(new URL('../../src/generated/graphql/persisted-documents.json', import.meta.url), 'utf8'));
});
afterAll(async () => {
  await app.close();
  await owner.end();
});

/** The manifest's text of a generated document (which holds only its hash). */
const textOf = (document: unknown) => manifest[(document as { __meta__: { hash: string } }).__meta__.hash]!;

/** The document without its `__typename` selections (codegen adds them as Apollo Client and urql do). */
const withoutTypename = (query: string) =>
  print(visit(parse(query), { Field: (node) => (node.name.value === '__typename' ? null : undefined) }));

describe('persisted operations', () => {
  it('the manifest holds every operation of operations/ and nothing else, keyed by its sha256', async () => {
    const { createHash } = await import('node:crypto');
    expect(Object.keys(manifest)).toHaveLength(4);
    const names = Object.values(manifest).flatMap((q) => [...q.matchAll(/^(?:query|mutation) (\w+)/gm)].map((m) => m[1]));
    expect(names.sort()).toEqual(['AccountStatement', 'CatalogPage', 'OrderDetail', 'ViewerAccounts']);
    for (const [hash, query] of Object.entries(manifest)) expect(hash).toBe(`sha256:${createHash('sha256').update(query).digest('hex')}`);
  });

  it('run for member x and return only what x may see (control: B’s ids never appear)', async () => {
    const token = await a.token('x');
    const accounts = await gql(app.yoga, ViewerAccountsDocument, { token });
    const statement = await gql(app.yoga, AccountStatementDocument, { token, variables: { accountId: a.accountX } });
    const catalog = await gql(app.yoga, CatalogPageDocument, { token });
    const order = await gql(app.yoga, OrderDetailDocument, { token, variables: { orderId: a.orderX } });
    for (const r of [accounts, statement, catalog, order]) expect(r.errors).toBeUndefined();
    const [account, ...others] = accounts.data!.accounts.edges.map((e) => e.node);
    expect(others).toEqual([]);
    expect(account!.rowId).toBe(a.accountX);
    expect(account!.transactions.edges.map((e) => e.node.rowId)).toContain(a.transactionX);
    expect(statement.data!.transactions.edges.map((e) => e.node.rowId)).toContain(a.transactionX);
    expect(catalog.data!.products.edges.map((e) => e.node.rowId)).toEqual([a.product]);
    expect(order.data!.order?.items.map((i) => i.product.rowId)).toEqual([a.product]);
    const all = JSON.stringify([accounts, statement, catalog, order].map((r) => r.data));
    for (const id of [a.accountY, a.transactionY, b.accountX, b.product, b.orderX]) expect(all).not.toContain(id);
    // Another member's order and account are not x's to read.
    expect((await gql(app.yoga, OrderDetailDocument, { token: await b.token('x'), variables: { orderId: a.orderX } })).data!.order).toBeNull();
    expect((await gql(app.yoga, AccountStatementDocument, { token, variables: { accountId: a.accountY } })).data!.transactions.edges).toEqual([]);
  });

  it('carry __typename in every selection, as Apollo and urql send them: the same data as without, within the limits', async () => {
    const token = await a.token('owner');
    const runs = [
      [ViewerAccountsDocument, {}],
      [AccountStatementDocument, { accountId: a.accountX }],
      [CatalogPageDocument, {}],
      [OrderDetailDocument, { orderId: a.orderX }],
    ] as const;
    expect(runs).toHaveLength(Object.keys(manifest).length);
    for (const [document, variables] of runs) {
      const name = textOf(document).match(/query (\w+)/)![1];
      const typed = textOf(document);
      expect(typed.match(/__typename/g)!.length, name).toBeGreaterThan(2);
      const [plain, r] = [await gql(app.yoga, withoutTypename(typed), { token, variables }), await gql(app.yoga, typed, { token, variables })];
      expect(r.errors, name).toBeUndefined();
      expect(JSON.stringify(r.data, (k, v) => (k === '__typename' ? undefined : v)), name).toBe(JSON.stringify(plain.data));
    }
  });
});
