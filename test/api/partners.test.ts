// Partner clients through the API: admins manage them; a partner token runs
// as fortress_partner with its tenant, client and scopes in the request
// transaction's settings; what it reads is what the policies keyed on its
// scopes allow, even for a forged operation that found its way into the
// partners' manifest; a revoked client's live token reads nothing; each client
// is rate-limited.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { count, errorCodes, globalId, gql, graphql, ownerPool, signPartnerToken, testApp, tokens } from '../helpers.js';
import { withRequestTransaction } from '../../src/db/request.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { loadPersistedDocuments } from '../../src/persisted.js';
import { PARTNER_SCOPES, type PartnerScope } from '../../src/auth/tokens.js';

let owner: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  a = await createTenant(owner, 'partners-a');
  b = await createTenant(owner, 'partners-b');
});
afterAll(() => owner.end());

// ---------------------------------------------------------------- admins
const CreatePartnerClientByAdmin = graphql(`
  mutation CreatePartnerClientByAdmin($input: CreatePartnerClientInput!) {
    createPartnerClient(input: $input) {
      clientSecret
      partnerClient { rowId clientId name scopes rateLimitPerMinute settlementAccount { rowId } revokedAt }
    }
  }
`);
const ListPartnerClients = graphql(`
  query ListPartnerClients($includeRevoked: Boolean) {
    partnerClients(includeRevoked: $includeRevoked) { totalCount edges { node { rowId clientId revokedAt } } }
  }
`);
const RevokePartnerClientByAdmin = graphql(`
  mutation RevokePartnerClientByAdmin($input: RevokePartnerClientInput!) { revokePartnerClient(input: $input) { partnerClient { rowId revokedAt } } }
`);

describe('managing partner clients', () => {
  let app: Awaited<ReturnType<typeof testApp>>;
  beforeAll(async () => {
    app = await testApp();
  });
  afterAll(() => app.close());

  it('owners/admins create one and see its secret once; it is audited without the secret and announced', async () => {
    const r = await gql(app.yoga, CreatePartnerClientByAdmin, {
      token: await a.token('admin'),
      variables: { input: { name: '  Acme Logistics ', scopes: ['LEDGER_READ', 'CATALOG_READ', 'CATALOG_READ'], rateLimitPerMinute: 120, settlementAccountId: a.corporateAccount } },
    });
    expect(r.errors).toBeUndefined();
    const { clientSecret, partnerClient } = r.data!.createPartnerClient;
    expect(clientSecret).toMatch(/^pcs_[A-Za-z0-9_-]{43}$/);
    expect(partnerClient).toMatchObject({
      clientId: expect.stringMatching(/^pc_[A-Za-z0-9_-]{22}$/), name: 'Acme Logistics', scopes: ['LEDGER_READ', 'CATALOG_READ'], rateLimitPerMinute: 120,
      settlementAccount: { rowId: a.corporateAccount }, revokedAt: null,
    });
    const { rows } = await owner.query('select secret_hash, created_by from partner_clients where id = $1', [partnerClient.rowId]);
    expect(rows[0].secret_hash).toMatch(/^\$argon2id\$/);
    expect(rows[0].secret_hash).not.toContain(clientSecret);
    expect(rows[0].created_by).toBe(a.admin);
    const audit = (await owner.query(`select user_id, action, diff from audit_logs where entity = 'partner_client' and entity_id = $1`, [partnerClient.rowId])).rows;
    expect(audit).toEqual([{ user_id: a.admin, action: 'create', diff: expect.objectContaining({ name: 'Acme Logistics', client_id: partnerClient.clientId }) }]);
    expect(JSON.stringify(audit)).not.toMatch(/argon2|secret_hash|pcs_/);
    const events = (await owner.query(`select event_type, payload from events_outbox where aggregate_id = $1`, [partnerClient.rowId])).rows;
    expect(events).toEqual([{ event_type: 'PartnerClientCreated', payload: expect.objectContaining({ clientId: partnerClient.clientId, scopes: ['ledger:read', 'catalog:read'] }) }]);
    expect(JSON.stringify(events)).not.toContain(clientSecret);

    const list = await gql(app.yoga, ListPartnerClients, { token: await a.token('owner') });
    expect(list.data!.partnerClients.edges.map((e) => e.node.rowId)).toContain(partnerClient.rowId);
    // Revoked: off the default list, announced once.
    const revoked = await gql(app.yoga, RevokePartnerClientByAdmin, { token: await a.token('admin'), variables: { input: { rowId: partnerClient.rowId } } });
    expect(revoked.data!.revokePartnerClient.partnerClient.revokedAt).not.toBeNull();
    await gql(app.yoga, RevokePartnerClientByAdmin, { token: await a.token('admin'), variables: { input: { rowId: partnerClient.rowId } } });
    expect(await count(owner, `select count(*) as n from events_outbox where aggregate_id = $1 and event_type = 'PartnerClientRevoked'`, [partnerClient.rowId])).toBe(1);
    const active = await gql(app.yoga, ListPartnerClients, { token: await a.token('owner') });
    expect(active.data!.partnerClients.edges.map((e) => e.node.rowId)).not.toContain(partnerClient.rowId);
    const all = await gql(app.yoga, ListPartnerClients, { token: await a.token('owner'), variables: { includeRevoked: true } });
    expect(all.data!.partnerClients.edges.map((e) => e.node.rowId)).toContain(partnerClient.rowId);
    expect(all.data!.partnerClients.totalCount).toBe(all.data!.partnerClients.edges.length);
  });

  it('members may not create, list or revoke them (FORBIDDEN); nor another tenant\'s admin (NOT_FOUND)', async () => {
    const member = await a.token('x');
    expect(errorCodes(await gql(app.yoga, CreatePartnerClientByAdmin, { token: member, variables: { input: { name: 'n', scopes: ['CATALOG_READ'] } } }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await gql(app.yoga, ListPartnerClients, { token: member }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await gql(app.yoga, RevokePartnerClientByAdmin, { token: member, variables: { input: { rowId: a.partnerClient } } }))).toEqual(['FORBIDDEN']);
    const elsewhere = await gql(app.yoga, RevokePartnerClientByAdmin, { token: await b.token('owner'), variables: { input: { rowId: a.partnerClient } } });
    expect(errorCodes(elsewhere)).toEqual(['NOT_FOUND']);
    expect(await count(owner, 'select count(*) as n from partner_clients where id = $1 and revoked_at is null', [a.partnerClient])).toBe(1);
  });

  it('checks its input: LEDGER_READ needs a settlement account of the tenant itself', async () => {
    const admin = await a.token('admin');
    const create = (input: Record<string, unknown>) => gql(app.yoga, CreatePartnerClientByAdmin, { token: admin, variables: { input: { name: 'n', scopes: ['LEDGER_READ'], ...input } as never } });
    const missing = await create({});
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.settlementAccountId' });
    for (const account of [a.accountX, a.clearingAccount, b.corporateAccount]) {
      const r = await create({ settlementAccountId: account });
      expect(r.errors?.[0]?.extensions, account).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.settlementAccountId' });
    }
    expect(errorCodes(await create({ scopes: [] }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await create({ scopes: ['CATALOG_READ'], rateLimitPerMinute: 0 }))).toEqual(['BAD_USER_INPUT']);
    // Control.
    expect((await create({ settlementAccountId: a.corporateAccount })).errors).toBeUndefined();
  });
});

// ---------------------------------------------------------------- partner requests
// Documents a partner may run here: the published ones, plus test documents
// "published" only in this app's manifest, including forged ones asking for
// member-only data (the database must refuse them, not just the allow-list).
const DOCS = {
  products: 'query PartnerTestProducts { products(first: 50) { edges { node { rowId sku } } } }',
  lowStock: 'query PartnerTestLowStock { inventory(lowStock: true) { totalCount } }',
  accounts: 'query ForgedAccounts { accounts { edges { node { rowId name balance } } } }',
  transactions: 'query ForgedTransactions { transactions(first: 100) { edges { node { rowId account { rowId } } } } }',
  viewer: 'query ForgedViewer { viewer { user { rowId email } role } }',
  userNode: 'query ForgedUserNode($id: ID!) { node(id: $id) { id } }',
  openAccount: 'mutation ForgedOpenAccount { openAccount(input: { name: "mine", type: WALLET, currency: "BRL" }) { account { rowId } } }',
  createProduct: 'mutation ForgedCreateProduct { createProduct(input: { sku: "FORGED", name: "x", price: "1.00" }) { product { rowId } } }',
  createClient: 'mutation ForgedCreateClient { createPartnerClient(input: { name: "x", scopes: [CATALOG_READ] }) { clientSecret } }',
  placeOrder:
    'mutation PartnerTestPlaceOrder($input: PlacePartnerOrderInput!) { placePartnerOrder(input: $input) { order { rowId status totalAmount partnerClientId items { sku quantity } } } }',
} as const;
// Member-only lists: each must fail in the database (42501 → FORBIDDEN), never answer.
const MEMBER_ONLY = ['users', 'tenantMemberships', 'auditLogs', 'loginAttempts', 'outboxEvents', 'carts', 'receipts', 'merchants'] as const;
const memberOnlyDoc = (field: string) => `query Forged_${field} { ${field} { edges { cursor } } }`;

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

async function partnerApp(opts: { ratePerMinute?: number; onQuery?: (sql: string) => void } = {}) {
  const published = loadPersistedDocuments();
  const partners = new Map(published.partners);
  for (const text of [...Object.values(DOCS), ...MEMBER_ONLY.map(memberOnlyDoc)]) partners.set(sha(text), text);
  return testApp({
    onQuery: opts.onQuery,
    partnerPolicy: opts.ratePerMinute ? { ratePerMinute: opts.ratePerMinute } : undefined,
    persistedDocuments: { firstParty: published.firstParty, partners },
  });
}

/** A persisted operation by id, as a partner sends it; GraphQL-over-HTTP status codes. */
async function run(app: Awaited<ReturnType<typeof testApp>>, text: string, token: string, variables?: Record<string, unknown>) {
  const res = await app.yoga.fetch('http://fortress.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ documentId: `sha256:${sha(text)}`, variables }),
  });
  return { status: res.status, headers: res.headers, ...((await res.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] }) };
}

describe('a partner request', () => {
  let app: Awaited<ReturnType<typeof testApp>>;
  const sent: string[] = [];
  beforeAll(async () => {
    app = await partnerApp({ onQuery: (s) => sent.push(s) });
  });
  afterAll(() => app.close());

  it("runs as fortress_partner with its tenant, client and token scopes in the request transaction's settings", async () => {
    const token = await a.partnerToken(['catalog:read', 'orders:read']);
    const viewer = await (await tokens()).viewerFromAuthorization(`Bearer ${token}`);
    expect(viewer).toEqual({ kind: 'partner', tenantId: a.tenantId, partnerClientId: a.partnerClient, clientId: a.partnerClientId, scopes: ['catalog:read', 'orders:read'] });
    // The request path itself (BEGIN merged with the identity statement, src/db/identity.ts).
    const settings = await withRequestTransaction(app.database, viewer, (db) =>
      db.$queryRaw<Record<string, string>[]>`
        select current_user::text as role, current_setting('app.current_tenant_id', true) as tenant,
               current_setting('app.current_user_id', true) as "user", current_setting('app.current_partner_client_id', true) as client,
               current_setting('app.current_partner_scopes', true) as scopes, app.current_partner_scopes()::text as effective`,
    );
    expect(settings).toEqual([
      { role: 'fortress_partner', tenant: a.tenantId, user: '', client: a.partnerClient, scopes: 'catalog:read orders:read', effective: '{catalog:read,orders:read}' },
    ]);
    // Through GraphQL: only its tenant's products.
    sent.length = 0;
    const r = await run(app, DOCS.products, token);
    expect(r.errors).toBeUndefined();
    expect(sent.some((s) => s.includes("set_config('app.current_partner_client_id'"))).toBe(true);
    const ids = await owner.query('select id from products where tenant_id = $1', [a.tenantId]);
    expect(r.data.products.edges.map((e: { node: { rowId: string } }) => e.node.rowId).sort()).toEqual(ids.rows.map((row) => row.id).sort());
    // A user's request transaction carries no partner settings.
    const user = await withRequestTransaction(app.database, await (await tokens()).viewerFromAuthorization(`Bearer ${await a.token('x')}`), (db) =>
      db.$queryRaw<Record<string, string>[]>`
        select current_user::text as role, current_setting('app.current_partner_client_id', true) as client, current_setting('app.current_partner_scopes', true) as scopes`,
    );
    expect(user).toEqual([{ role: 'fortress_user', client: '', scopes: '' }]);
  });

  it('reads what its scopes allow: products need catalog:read (control: with it)', async () => {
    const without = await run(app, DOCS.products, await a.partnerToken(['orders:read']));
    expect(without.errors).toBeUndefined();
    expect(without.data.products.edges).toEqual([]);
    const withIt = await run(app, DOCS.products, await a.partnerToken(['catalog:read']));
    expect(withIt.data.products.edges.length).toBeGreaterThan(0);
    // Staff-only arguments open to the matching scope: lowStock with inventory:read.
    expect((await run(app, DOCS.lowStock, await a.partnerToken(['inventory:read']))).errors).toBeUndefined();
    expect(errorCodes(await run(app, DOCS.lowStock, await a.partnerToken(['catalog:read'])))).toEqual(['FORBIDDEN']);
  });

  it('never reaches member-only data, even with a forged operation and every scope', async () => {
    const token = await a.partnerToken();
    for (const field of MEMBER_ONLY) {
      const r = await run(app, memberOnlyDoc(field), token);
      expect(errorCodes(r), field).toEqual(['FORBIDDEN']);
      expect(r.data?.[field] ?? null, field).toBeNull();
    }
    // The ledger: its settlement account only (the tenant holds 5 accounts).
    const accounts = await run(app, DOCS.accounts, token);
    expect(accounts.data.accounts.edges.map((e: { node: { rowId: string } }) => e.node.rowId)).toEqual([a.corporateAccount]);
    const entries = await run(app, DOCS.transactions, token);
    expect(entries.errors).toBeUndefined();
    expect(new Set(entries.data.transactions.edges.map((e: { node: { account: { rowId: string } } }) => e.node.account.rowId))).toEqual(new Set([a.corporateAccount]));
    expect(entries.data.transactions.edges.length).toBe(await count(owner, 'select count(*) as n from transactions where account_id = $1', [a.corporateAccount]));
    expect(await count(owner, 'select count(*) as n from accounts where tenant_id = $1', [a.tenantId])).toBeGreaterThan(1);
    // No viewer, no user by global id.
    expect((await run(app, DOCS.viewer, token)).data.viewer).toBeNull();
    expect((await run(app, DOCS.userNode, token, { id: globalId('User', a.x) })).data.node).toBeNull();
    // No writes of users or admins.
    for (const doc of [DOCS.openAccount, DOCS.createProduct, DOCS.createClient]) expect(errorCodes(await run(app, doc, token)), doc).toEqual(['FORBIDDEN']);
    expect(await count(owner, `select count(*) as n from products where sku = 'FORGED'`)).toBe(0);
  });

  it("a revoked client's live token reads nothing from the next request on (and gets no new token)", async () => {
    const fx = await createTenant(owner, 'partners-revoked');
    const token = await fx.partnerToken();
    expect((await run(app, DOCS.products, token)).data.products.edges.length).toBeGreaterThan(0);
    const revoked = await gql(app.yoga, RevokePartnerClientByAdmin, { token: await fx.token('owner'), variables: { input: { rowId: fx.partnerClient } } });
    expect(revoked.errors).toBeUndefined();
    const after = await run(app, DOCS.products, token);
    expect(after.errors).toBeUndefined();
    expect(after.data.products.edges).toEqual([]);
    expect((await run(app, DOCS.accounts, token)).data.accounts.edges).toEqual([]);
  });

  it('places an order for a customer with orders:write, and reads it back', async () => {
    const input = { customerId: a.y, locationId: a.location, items: [{ productId: a.product, quantity: 2 }], shippingAddress: { city: 'Springfield' } };
    const r = await run(app, DOCS.placeOrder, await a.partnerToken(['orders:write']), { input });
    expect(r.errors).toBeUndefined();
    expect(r.data.placePartnerOrder.order).toMatchObject({ status: 'CREATED', totalAmount: '11.98', partnerClientId: a.partnerClient, items: [{ sku: 'SKU-1', quantity: 2 }] });
    // Without the scope: FORBIDDEN, nothing placed.
    const before = await count(owner, 'select count(*) as n from orders where tenant_id = $1', [a.tenantId]);
    expect(errorCodes(await run(app, DOCS.placeOrder, await a.partnerToken(['orders:read']), { input }))).toEqual(['FORBIDDEN']);
    // Users check out instead.
    const byUser = await gql(app.yoga, DOCS.placeOrder, { token: await a.token('owner'), variables: { input } });
    expect(errorCodes(byUser)).toEqual(['FORBIDDEN']);
    expect(await count(owner, 'select count(*) as n from orders where tenant_id = $1', [a.tenantId])).toBe(before);
  });
});

describe('rate limits per partner client', () => {
  it("past its budget a client gets RATE_LIMITED with Retry-After (HTTP 429), before any SQL; other clients are unaffected", async () => {
    const sent: string[] = [];
    const app = await partnerApp({ ratePerMinute: 3, onQuery: (s) => sent.push(s) });
    try {
      // Its own limit (from partner_clients.rate_limit_per_minute, carried in its token) wins over the default.
      const own = await signPartnerToken({ tenantId: a.tenantId, partnerClientId: a.partnerClient, clientId: a.partnerClientId, scopes: ['catalog:read'], rateLimitPerMinute: 2 });
      expect((await run(app, DOCS.products, own)).status).toBe(200);
      expect((await run(app, DOCS.products, own)).status).toBe(200);
      sent.length = 0;
      const limited = await run(app, DOCS.products, own);
      expect(limited.status).toBe(429);
      expect(errorCodes(limited)).toEqual(['RATE_LIMITED']);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.errors![0]!.extensions!.retryAfterSeconds).toBe(Number(limited.headers.get('retry-after')));
      expect(sent).toEqual([]);
      // Control: another client (the server default, 3 a minute) still gets through.
      const other = await b.partnerToken(['catalog:read'] as PartnerScope[]);
      for (let i = 0; i < 3; i += 1) expect((await run(app, DOCS.products, other)).status).toBe(200);
      expect(errorCodes(await run(app, DOCS.products, other))).toEqual(['RATE_LIMITED']);
      // Users are not counted.
      expect((await gql(app.yoga, '{ viewer { role } }', { token: await a.token('x') })).errors).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});

it('every partner scope is a PartnerScope enum value (the API and the database share one list)', async () => {
  const { rows } = await owner.query(`select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'partner_clients_scopes_known'`);
  for (const scope of PARTNER_SCOPES) expect(rows[0].def).toContain(`'${scope}'`);
});
