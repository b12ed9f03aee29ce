// Tenant and member isolation through GraphQL, each denial paired with a
// control request that shows the same object to someone allowed to see it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { SignJWT } from 'jose';
import { inject } from 'vitest';
import { errorCodes, globalId, gql, graphql, ownerPool, signToken, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { AccountIds, ViewerRole } from './documents.js';

let app: Awaited<ReturnType<typeof testApp>>;
let owner: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;
const tok: Record<string, string> = {};

beforeAll(async () => {
  app = await testApp();
  owner = ownerPool();
  a = await createTenant(owner, 'api-a');
  b = await createTenant(owner, 'api-b');
  for (const [key, fx] of [['a', a], ['b', b]] as const) {
    for (const who of ['owner', 'x', 'y'] as const) tok[`${key}.${who}`] = await fx.token(who);
  }
});
afterAll(async () => {
  await app.close();
  await owner.end();
});

const Account = graphql(`
  query Account($rowId: UUID!) { account(rowId: $rowId) { rowId name } }
`);
const Node = graphql(`
  query Node($id: ID!) { node(id: $id) { id ... on Account { rowId } ... on Transaction { rowId } ... on Product { rowId } } }
`);

describe("tenant B's objects are unreachable with tenant A's token", () => {
  it('by rowId (control: B reads it)', async () => {
    const denied = await gql(app.yoga, Account, { token: tok['a.owner'], variables: { rowId: b.accountX } });
    expect(denied.errors).toBeUndefined();
    expect(denied.data!.account).toBeNull();
    const allowed = await gql(app.yoga, Account, { token: tok['b.owner'], variables: { rowId: b.accountX } });
    expect(allowed.data!.account?.rowId).toBe(b.accountX);
  });

  it('by node(id:) for accounts, ledger entries and products (control: B resolves each)', async () => {
    for (const [type, id] of [['Account', b.accountX], ['Transaction', b.transactionX], ['Product', b.product]]) {
      const denied = await gql(app.yoga, Node, { token: tok['a.owner'], variables: { id: globalId(type!, id!) } });
      expect(denied.data!.node, type).toBeNull();
      const allowed = await gql(app.yoga, Node, { token: tok['b.owner'], variables: { id: globalId(type!, id!) } });
      expect(allowed.data!.node, type).toMatchObject({ rowId: id });
    }
  });

  it('through connections and nested relations (control: B lists its own)', async () => {
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
    const variables = { productId: b.product };
    const seen = JSON.stringify((await gql(app.yoga, Everything, { token: tok['a.owner'], variables })).data);
    const control = JSON.stringify((await gql(app.yoga, Everything, { token: tok['b.owner'], variables })).data);
    for (const id of [b.accountX, b.transactionX, b.product, b.inventory, b.category, b.orderX, b.orderItemX]) {
      expect(seen).not.toContain(id);
      expect(control).toContain(id);
    }
    expect(seen).toContain(a.accountX);
  });
});

describe('inside one tenant', () => {
  it("member x cannot see member y's accounts; the tenant owner sees all", async () => {
    const ids = async (token: string) => (await gql(app.yoga, AccountIds, { token })).data!.accounts.edges.map((e) => e.node.rowId).sort();
    expect(await ids(tok['a.x']!)).toEqual([a.accountX]);
    expect(await ids(tok['a.owner']!)).toEqual([a.accountX, a.accountY, a.corporateAccount, a.clearingAccount].sort());
    const direct = await gql(app.yoga, Account, { token: tok['a.x'], variables: { rowId: a.accountY } });
    expect(direct.data!.account).toBeNull();
    const node = await gql(app.yoga, Node, { token: tok['a.x'], variables: { id: globalId('Account', a.accountY) } });
    expect(node.data!.node).toBeNull();
    const asY = await gql(app.yoga, Account, { token: tok['a.y'], variables: { rowId: a.accountY } });
    expect(asY.data!.account?.rowId).toBe(a.accountY);
  });

  it('viewer reports the user, tenant and role the database sees', async () => {
    const Viewer = graphql(`
      query Viewer { viewer { role user { rowId email } tenant { rowId slug } } }
    `);
    const r = await gql(app.yoga, Viewer, { token: tok['a.x'] });
    expect(r.data!.viewer).toEqual({ role: 'MEMBER', user: { rowId: a.x, email: `x@${a.slug}.test` }, tenant: { rowId: a.tenantId, slug: a.slug } });
  });
});

describe('without a valid identity', () => {
  it('no token: no tenant data, and viewer is null (control: with a token the same query returns rows)', async () => {
    const ViewerAndAccounts = graphql(`
      query ViewerAndAccounts { viewer { role } accounts { edges { node { rowId } } } }
    `);
    const anon = await gql(app.yoga, ViewerAndAccounts);
    expect(anon.data?.accounts ?? null).toBeNull();
    expect(errorCodes(anon)).toEqual(['UNAUTHENTICATED']);
    expect((await gql(app.yoga, ViewerRole)).data!.viewer).toBeNull();
    const withToken = await gql(app.yoga, AccountIds, { token: tok['a.x'] });
    expect(withToken.data!.accounts.edges).toHaveLength(1);
  });

  it('a validly signed token whose user is not a member of its tenant sees nothing of it (control: a member does)', async () => {
    const TenantData = graphql(`
      query TenantData {
        viewer { tenant { rowId } }
        tenantMemberships { edges { node { role } } }
        products { edges { node { rowId } } }
        locations { edges { node { rowId } } }
        categories { edges { node { rowId } } }
      }
    `);
    // A user of A with no membership, and B's member holding a token that names A's tenant.
    for (const token of [await signToken(a.invitee, a.tenantId, 'owner'), await signToken(b.x, a.tenantId, 'owner')]) {
      const r = await gql(app.yoga, TenantData, { token });
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual({ viewer: { tenant: null }, tenantMemberships: { edges: [] }, products: { edges: [] }, locations: { edges: [] }, categories: { edges: [] } });
    }
    const { viewer, ...connections } = (await gql(app.yoga, TenantData, { token: tok['a.x'] })).data!;
    expect(viewer!.tenant!.rowId).toBe(a.tenantId);
    for (const [k, { edges }] of Object.entries(connections)) expect(edges.length, k).toBeGreaterThan(0);
  });

  it('a token for a tenant that does not exist sees nothing', async () => {
    const token = await signToken(a.x, '00000000-0000-4000-8000-000000000000', 'owner');
    const ViewerAccountsProducts = graphql(`
      query ViewerAccountsProducts { viewer { user { rowId } tenant { rowId } } accounts { edges { node { rowId } } } products { edges { node { rowId } } } }
    `);
    const r = await gql(app.yoga, ViewerAccountsProducts, { token });
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
      const r = await gql(app.yoga, AccountIds, { token });
      expect(r.status).toBe(401);
      expect(errorCodes(r)).toEqual(['UNAUTHENTICATED']);
      expect(r.data ?? null).toBeNull();
    }
    expect((await gql(app.yoga, AccountIds, { token: good })).status).toBe(200);
  });
});
