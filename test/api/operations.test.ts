// The operations in operations/ (the persisted-documents manifest that
// codegen builds) all run against the live schema and return the caller's
// data only.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kind, parse, print, visit } from 'graphql';
import type pg from 'pg';
import { gql, ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';

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

const byName = (name: string) => Object.values(manifest).find((q) => q.includes(`query ${name}`))!;

/** What Apollo Client and urql send: `__typename` added to every selection set. */
const withTypename = (query: string) =>
  print(
    visit(parse(query), {
      SelectionSet: (node) =>
        node.selections.some((s) => s.kind === Kind.FIELD && s.name.value === '__typename')
          ? undefined
          : { ...node, selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }, ...node.selections] },
    }),
  );

describe('persisted operations', () => {
  it('the manifest holds every operation, keyed by its sha256', async () => {
    const { createHash } = await import('node:crypto');
    expect(Object.keys(manifest)).toHaveLength(4);
    for (const [hash, query] of Object.entries(manifest)) expect(hash).toBe(`sha256:${createHash('sha256').update(query).digest('hex')}`);
  });

  it('run for member x and return only what x may see (control: B’s ids never appear)', async () => {
    const token = await a.token('x');
    const runs = {
      ViewerAccounts: {},
      AccountStatement: { accountId: a.accountX },
      CatalogPage: {},
      OrderDetail: { orderId: a.orderX },
    };
    const out: string[] = [];
    for (const [name, variables] of Object.entries(runs)) {
      const r = await gql(app.yoga, byName(name), { token, variables });
      expect(r.errors, name).toBeUndefined();
      out.push(JSON.stringify(r.data));
    }
    const all = out.join();
    for (const id of [a.accountX, a.transactionX, a.product, a.orderX]) expect(all).toContain(id);
    for (const id of [a.accountY, a.transactionY, b.accountX, b.product, b.orderX]) expect(all).not.toContain(id);
  });

  it('run as Apollo and urql send them, with __typename in every selection: same data, within the limits', async () => {
    const token = await a.token('owner');
    const runs = { ViewerAccounts: {}, AccountStatement: { accountId: a.accountX }, CatalogPage: {}, OrderDetail: { orderId: a.orderX } };
    expect(Object.keys(runs)).toHaveLength(Object.keys(manifest).length);
    for (const [name, variables] of Object.entries(runs)) {
      const typed = withTypename(byName(name));
      expect(typed.match(/__typename/g)!.length, name).toBeGreaterThan(2);
      const [plain, r] = [await gql(app.yoga, byName(name), { token, variables }), await gql(app.yoga, typed, { token, variables })];
      expect(r.errors, name).toBeUndefined();
      expect(JSON.stringify(r.data, (k, v) => (k === '__typename' ? undefined : v)), name).toBe(JSON.stringify(plain.data));
    }
  });
});
