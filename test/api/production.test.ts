// Production defaults: no introspection unless asked, no parser internals in
// error responses, and anonymous callers told to sign in rather than FORBIDDEN.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { errorCodes, gql, graphql, ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { AccountIds, Login, ViewerRole } from './documents.js';

let prod: Awaited<ReturnType<typeof testApp>>;
let dev: Awaited<ReturnType<typeof testApp>>;
let owner: pg.Pool;
let a: TenantFixture;
const sent: string[] = [];
beforeAll(async () => {
  prod = await testApp({ onQuery: (s) => sent.push(s) });
  dev = await testApp({ development: true });
  owner = ownerPool();
  a = await createTenant(owner, 'prod');
});
afterAll(async () => {
  await prod.close();
  await dev.close();
  await owner.end();
});

const Introspection = graphql(`
  query Introspection { __schema { queryType { name } } }
`);

describe('production defaults', () => {
  it('introspection is refused unless enabled; development answers it', async () => {
    const r = await gql(prod.yoga, Introspection, { token: await a.token('x') });
    expect(r.data ?? null).toBeNull();
    expect(r.errors![0]!.message).toMatch(/introspection/i);
    const d = await gql(dev.yoga, Introspection, { token: await a.token('x') });
    expect(d.errors).toBeUndefined();
    expect(d.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const opted = await testApp({ introspection: true });
    try {
      expect((await gql(opted.yoga, Introspection)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    } finally {
      await opted.close();
    }
  });

  it('error responses carry no original error, stack or parser internals', async () => {
    // Strings: invalid documents that no typed document can be.
    for (const query of ['{ viewer { role }', '{ viewer(x: 1) { role } }', 'query { accounts(first: "x") { totalCount } }']) {
      const r = await gql(prod.yoga, query, { token: await a.token('x') });
      expect(r.errors?.length, query).toBeGreaterThan(0);
      const text = JSON.stringify(r.errors);
      expect(text, query).not.toMatch(/originalError|stack|at [\w.]+ \(/);
    }
  });
});

describe('anonymous callers', () => {
  it('asking for a field that needs sign-in get UNAUTHENTICATED saying to sign in, before any SQL', async () => {
    for (const query of ['{ accounts { edges { node { rowId } } } }', 'mutation { logout { revokedSessions } }', `{ viewer { role } products { edges { node { rowId } } } }`]) {
      sent.length = 0;
      const r = await gql(prod.yoga, query);
      expect(errorCodes(r), query).toEqual(['UNAUTHENTICATED']);
      expect(r.errors![0]!.message, query).toMatch(/^Sign in first/);
      expect(sent, query).toEqual([]);
    }
  });

  it('control: the public fields stay open, and a signed-in caller passes', async () => {
    expect(await gql(prod.yoga, ViewerRole)).toMatchObject({ data: { viewer: null } });
    const login = await gql(prod.yoga, Login, { variables: { input: { tenantSlug: 'nope', email: 'a@b.c', password: 'wrong-password' } } });
    expect(errorCodes(login)).toEqual(['INVALID_CREDENTIALS']);
    const member = await gql(prod.yoga, AccountIds, { token: await a.token('x') });
    expect(member.errors).toBeUndefined();
    expect(member.data!.accounts.edges.length).toBeGreaterThan(0);
  });
});
