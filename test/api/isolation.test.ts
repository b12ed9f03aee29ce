// Tenant and member isolation through GraphQL, each denial paired with a
// control request that shows the same object to someone allowed to see it.
// Every case runs on both request paths: the Pothos path, and the compiled
// read path (src/compiled/) with this file's documents registered as
// persisted operations, so the ones that compile are answered by one SQL
// statement (the last block checks they were).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { SignJWT } from 'jose';
import { inject } from 'vitest';
import { documentText, errorCodes, globalId, gql, graphql, ownerPool, signToken, spyOnWire, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { AccountIds, ViewerRole } from './documents.js';
import { createHash } from 'node:crypto';
import { compileManifests, compilerInput, runtimeModelsOf } from '../../src/compiled/plugin.js';
import { schema } from '../../src/schema/index.js';

const Account = graphql(`
  query Account($rowId: UUID!) { account(rowId: $rowId) { rowId name } }
`);
const Node = graphql(`
  query Node($id: ID!) { node(id: $id) { id ... on Account { rowId } ... on Transaction { rowId } ... on Product { rowId } } }
`);
const Everything = graphql(`
  query Everything($productId: UUID!) {
    accounts { edges { node { rowId transactions { edges { node { rowId } } } } } }
    transactions(first: 100) { edges { node { rowId account { rowId } } } }
    products { edges { node { rowId inventory { rowId location { rowId } } } } }
    categories { edges { node { rowId products { edges { node { rowId } } } } } }
    inventory(productId: $productId) { edges { node { rowId } } }
    orders { edges { node { rowId items { rowId } } } }
  }
`);

const Viewer = graphql(`
  query Viewer { viewer { role user { rowId email } tenant { rowId slug } } }
`);

const ViewerAndAccounts = graphql(`
  query ViewerAndAccounts { viewer { role } accounts { edges { node { rowId } } } }
`);

const TenantData = graphql(`
  query TenantData {
    viewer { tenant { rowId } }
    tenantMemberships { edges { node { role } } }
    products { edges { node { rowId } } }
    locations { edges { node { rowId } } }
    categories { edges { node { rowId } } }
  }
`);

const ViewerAccountsProducts = graphql(`
  query ViewerAccountsProducts { viewer { user { rowId } tenant { rowId } } accounts { edges { node { rowId } } } products { edges { node { rowId } } } }
`);

const DOCUMENTS = [Account, Node, Everything, Viewer, ViewerAndAccounts, TenantData, ViewerAccountsProducts, AccountIds, ViewerRole].map(documentText);
/** This file's documents as a first-party manifest, so the compiled app compiles those it can. */
const manifest = { firstParty: new Map(DOCUMENTS.map((text) => [createHash('sha256').update(text).digest('hex'), text])), partners: new Map<string, string>() };

const apps = {} as Record<'pothos' | 'compiled', Awaited<ReturnType<typeof testApp>>>;
/** The compiled app's yoga, counting in servedCompiled each request its compiled statement answered. */
let recording: (typeof apps)['compiled']['yoga'];
let owner: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;
const tok: Record<string, string> = {};
/** Statements the compiled app's connections sent. */
const wire: string[] = [];
/** Requests the compiled app answered with its one statement, by operation name. */
const servedCompiled = new Map<string, number>();

beforeAll(async () => {
  apps.pothos = await testApp({ compiledOperations: false });
  apps.compiled = await testApp({ compiledOperations: true, persistedDocuments: manifest });
  spyOnWire(apps.compiled.database.pool, (sql) => wire.push(sql));
  const compiledYoga = apps.compiled.yoga;
  recording = Object.create(compiledYoga, {
    fetch: {
      value: async (url: string, init: RequestInit) => {
        const from = wire.length;
        const res = await compiledYoga.fetch(url, init);
        const sent = wire.slice(from);
        if (!sent.some((sql) => sql.startsWith(`select '{"data":`)) || sent.includes('ROLLBACK')) return res;
        const name = /^(?:query|mutation) (\w+)/.exec(JSON.parse(String(init.body)).query)![1]!;
        servedCompiled.set(name, (servedCompiled.get(name) ?? 0) + 1);
        // And byte for byte what the Pothos path answers (the oracle, as in compiled.test.ts).
        const body = await res.text();
        expect(body, name).toBe(await (await apps.pothos.yoga.fetch(url, init)).text());
        return new Response(body, { status: res.status, headers: res.headers });
      },
    },
  });
  owner = ownerPool();
  a = await createTenant(owner, 'api-a');
  b = await createTenant(owner, 'api-b');
  for (const [key, fx] of [['a', a], ['b', b]] as const) {
    for (const who of ['owner', 'x', 'y'] as const) tok[`${key}.${who}`] = await fx.token(who);
  }
});
afterAll(async () => {
  await apps.pothos.close();
  await apps.compiled.close();
  await owner.end();
});

describe.each(['pothos', 'compiled'] as const)('on the %s path', (path) => {
  /** This path's app; on the compiled path, noting which requests its one statement answered. */
  const yoga = () => (path === 'compiled' ? recording : apps.pothos.yoga);

  describe("tenant B's objects are unreachable with tenant A's token", () => {
    it('by rowId (control: B reads it)', async () => {
      const denied = await gql(yoga(), Account, { token: tok['a.owner'], variables: { rowId: b.accountX } });
      expect(denied.errors).toBeUndefined();
      expect(denied.data!.account).toBeNull();
      const allowed = await gql(yoga(), Account, { token: tok['b.owner'], variables: { rowId: b.accountX } });
      expect(allowed.data!.account?.rowId).toBe(b.accountX);
    });

    it('by node(id:) for accounts, ledger entries and products (control: B resolves each)', async () => {
      for (const [type, id] of [['Account', b.accountX], ['Transaction', b.transactionX], ['Product', b.product]]) {
        const denied = await gql(yoga(), Node, { token: tok['a.owner'], variables: { id: globalId(type!, id!) } });
        expect(denied.data!.node, type).toBeNull();
        const allowed = await gql(yoga(), Node, { token: tok['b.owner'], variables: { id: globalId(type!, id!) } });
        expect(allowed.data!.node, type).toMatchObject({ rowId: id });
      }
    });

    it('through connections and nested relations (control: B lists its own)', async () => {
      const variables = { productId: b.product };
      const seen = JSON.stringify((await gql(yoga(), Everything, { token: tok['a.owner'], variables })).data);
      const control = JSON.stringify((await gql(yoga(), Everything, { token: tok['b.owner'], variables })).data);
      for (const id of [b.accountX, b.transactionX, b.product, b.inventory, b.category, b.orderX, b.orderItemX]) {
        expect(seen).not.toContain(id);
        expect(control).toContain(id);
      }
      expect(seen).toContain(a.accountX);
    });
  });

  describe('inside one tenant', () => {
    it("member x cannot see member y's accounts; the tenant owner sees all", async () => {
      const ids = async (token: string) => (await gql(yoga(), AccountIds, { token })).data!.accounts.edges.map((e) => e.node.rowId).sort();
      expect(await ids(tok['a.x']!)).toEqual([a.accountX]);
      expect(await ids(tok['a.owner']!)).toEqual([a.accountX, a.accountY, a.corporateAccount, a.clearingAccount].sort());
      const direct = await gql(yoga(), Account, { token: tok['a.x'], variables: { rowId: a.accountY } });
      expect(direct.data!.account).toBeNull();
      const node = await gql(yoga(), Node, { token: tok['a.x'], variables: { id: globalId('Account', a.accountY) } });
      expect(node.data!.node).toBeNull();
      const asY = await gql(yoga(), Account, { token: tok['a.y'], variables: { rowId: a.accountY } });
      expect(asY.data!.account?.rowId).toBe(a.accountY);
    });

    it('viewer reports the user, tenant and role the database sees', async () => {
      const r = await gql(yoga(), Viewer, { token: tok['a.x'] });
      expect(r.data!.viewer).toEqual({ role: 'MEMBER', user: { rowId: a.x, email: `x@${a.slug}.test` }, tenant: { rowId: a.tenantId, slug: a.slug } });
    });
  });

  describe('without a valid identity', () => {
    it('no token: no tenant data, and viewer is null (control: with a token the same query returns rows)', async () => {
      const anon = await gql(yoga(), ViewerAndAccounts);
      expect(anon.data?.accounts ?? null).toBeNull();
      expect(errorCodes(anon)).toEqual(['UNAUTHENTICATED']);
      expect((await gql(yoga(), ViewerRole)).data!.viewer).toBeNull();
      const withToken = await gql(yoga(), AccountIds, { token: tok['a.x'] });
      expect(withToken.data!.accounts.edges).toHaveLength(1);
    });

    it('a validly signed token whose user is not a member of its tenant sees nothing of it (control: a member does)', async () => {
      // A user of A with no membership, and B's member holding a token that names A's tenant.
      for (const token of [await signToken(a.invitee, a.tenantId, 'owner'), await signToken(b.x, a.tenantId, 'owner')]) {
        const r = await gql(yoga(), TenantData, { token });
        expect(r.errors).toBeUndefined();
        expect(r.data).toEqual({ viewer: { tenant: null }, tenantMemberships: { edges: [] }, products: { edges: [] }, locations: { edges: [] }, categories: { edges: [] } });
      }
      const { viewer, ...connections } = (await gql(yoga(), TenantData, { token: tok['a.x'] })).data!;
      expect(viewer!.tenant!.rowId).toBe(a.tenantId);
      for (const [k, { edges }] of Object.entries(connections)) expect(edges.length, k).toBeGreaterThan(0);
    });

    it('a token for a tenant that does not exist sees nothing', async () => {
      const token = await signToken(a.x, '00000000-0000-4000-8000-000000000000', 'owner');
      const r = await gql(yoga(), ViewerAccountsProducts, { token });
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual({ viewer: { user: null, tenant: null }, accounts: { edges: [] }, products: { edges: [] } });
    });

    it('forged, tampered, expired or alg:none tokens are rejected with UNAUTHENTICATED', async () => {
      const good = tok['a.x']!;
      const [h, p, s] = good.split('.');
      const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
      const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, tid: b.tenantId })).toString('base64url')}.${s}`;
      const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
      const wrongKey = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('x'.repeat(40)));
      const expired = await new SignJWT({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(inject('jwtSecret')));
      for (const token of [tampered, none, wrongKey, expired, 'garbage']) {
        const r = await gql(yoga(), AccountIds, { token });
        expect(r.status).toBe(401);
        expect(errorCodes(r)).toEqual(['UNAUTHENTICATED']);
        expect(r.data ?? null).toBeNull();
      }
      expect((await gql(yoga(), AccountIds, { token: good })).status).toBe(200);
    });
  });
});

describe('the compiled path', () => {
  it("answered this file's compilable documents itself, and says why the others fall back", () => {
    const { coverage } = compileManifests(compilerInput(schema, runtimeModelsOf(apps.compiled.database.prisma)), manifest);
    const compilable = coverage.filter((c) => c.compiled).map((c) => c.name).sort();
    // The connections, the nested relations and the by-rowId read; node(id:) and viewer are resolved by code.
    expect(compilable).toEqual(['Account', 'AccountIds', 'Everything']);
    expect([...servedCompiled.keys()].sort()).toEqual(compilable);
    for (const c of coverage) if (!c.compiled) expect(c.reason, c.name).toMatch(/\w/);
  });
});
