// POST /oauth/token (src/auth/oauth.ts): OAuth 2.0 client credentials as RFC
// 6749 §4.4 has them, for the partner clients admins create through GraphQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { decodeJwt } from 'jose';
import { count, errorCodes, gql, graphql, ownerPool, testApp, tokens } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';

let app: Awaited<ReturnType<typeof testApp>>;
let owner: pg.Pool;
let a: TenantFixture;
let client: { rowId: string; clientId: string; secret: string };

const CreateClientForTokens = graphql(`
  mutation CreateClientForTokens($input: CreatePartnerClientInput!) {
    createPartnerClient(input: $input) { clientSecret partnerClient { rowId clientId scopes rateLimitPerMinute lastUsedAt } }
  }
`);
const RevokeClientForTokens = graphql(`
  mutation RevokeClientForTokens($input: RevokePartnerClientInput!) { revokePartnerClient(input: $input) { partnerClient { revokedAt } } }
`);
const RotateClientForTokens = graphql(`
  mutation RotateClientForTokens($input: RotatePartnerClientSecretInput!) {
    rotatePartnerClientSecret(input: $input) { clientSecret partnerClient { secretRotatedAt } }
  }
`);

async function createClient(scopes: ('CATALOG_READ' | 'ORDERS_READ' | 'LEDGER_READ' | 'INVENTORY_READ')[] = ['CATALOG_READ', 'ORDERS_READ']) {
  const r = await gql(app.yoga, CreateClientForTokens, {
    token: await a.token('admin'),
    variables: { input: { name: 'Token test', scopes, ...(scopes.includes('LEDGER_READ') ? { settlementAccountId: a.corporateAccount } : {}) } },
  });
  expect(r.errors).toBeUndefined();
  const created = r.data!.createPartnerClient;
  return { rowId: created.partnerClient.rowId, clientId: created.partnerClient.clientId, secret: created.clientSecret };
}

/** One POST /oauth/token; form fields as given (urlencoded), extra headers (Authorization: Basic …). */
async function requestToken(form: Record<string, string>, headers: Record<string, string> = {}, ip = '10.1.0.1') {
  const res = await app.yoga.fetch('http://fortress.test/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip, ...headers },
    body: new URLSearchParams(form).toString(),
  });
  const text = await res.text();
  // The length a real HTTP response declares must be its body's (a stale header object once cut bodies short).
  const declared = res.headers.get('content-length');
  if (declared !== null) expect(Number(declared)).toBe(Buffer.byteLength(text));
  return { status: res.status, headers: res.headers, body: JSON.parse(text) as Record<string, unknown> };
}
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

beforeAll(async () => {
  app = await testApp();
  owner = ownerPool();
  a = await createTenant(owner, 'oauth');
  client = await createClient();
});
afterAll(async () => {
  await app.close();
  await owner.end();
});

describe('POST /oauth/token', () => {
  it('client_credentials with client_id/client_secret in the body: a Bearer JWT for the partner, not cached', async () => {
    const r = await requestToken({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 300, scope: 'catalog:read orders:read' });
    const claims = decodeJwt(r.body.access_token as string);
    expect(claims).toMatchObject({ sub: client.rowId, tid: a.tenantId, client_id: client.clientId, scope: 'catalog:read orders:read', iss: 'fortress', aud: 'fortress-api' });
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(claims.role).toBeUndefined();
    // It verifies as a partner viewer, never as a user.
    expect(await (await tokens()).viewerFromAuthorization(`Bearer ${r.body.access_token}`)).toEqual({
      kind: 'partner', tenantId: a.tenantId, partnerClientId: client.rowId, clientId: client.clientId, scopes: ['catalog:read', 'orders:read'],
    });
    expect(await count(owner, 'select count(*) as n from partner_clients where id = $1 and last_used_at is not null', [client.rowId])).toBe(1);
  });

  it('client authentication with HTTP Basic (RFC 6749 §2.3.1)', async () => {
    const r = await requestToken({ grant_type: 'client_credentials' }, { authorization: basic(client.clientId, client.secret) });
    expect(r.status).toBe(200);
    expect(r.body.token_type).toBe('Bearer');
  });

  it('a wrong secret, an unknown client or no credentials: 401 invalid_client with WWW-Authenticate', async () => {
    for (const [form, headers] of [
      [{ grant_type: 'client_credentials', client_id: client.clientId, client_secret: `${client.secret}x` }, {}],
      [{ grant_type: 'client_credentials' }, { authorization: basic(client.clientId, 'pcs_wrong') }],
      [{ grant_type: 'client_credentials', client_id: 'pc_AAAAAAAAAAAAAAAAAAAAAA', client_secret: client.secret }, {}],
      [{ grant_type: 'client_credentials', client_id: 'not a client id', client_secret: client.secret }, {}],
      [{ grant_type: 'client_credentials' }, {}],
      [{ grant_type: 'client_credentials' }, { authorization: 'Basic %%%' }],
    ] as [Record<string, string>, Record<string, string>][]) {
      const r = await requestToken(form, headers);
      expect(r.status, JSON.stringify(form)).toBe(401);
      expect(r.body.error).toBe('invalid_client');
      expect(r.headers.get('www-authenticate')).toMatch(/^Basic realm="fortress"/);
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.body.access_token).toBeUndefined();
    }
  });

  it('a failure of our own (a stored hash argon2 cannot read) is 500 server_error, never a retryable 503', async () => {
    // The fixture's partner client stores a syntactically valid but unverifiable hash.
    const r = await requestToken({ grant_type: 'client_credentials', client_id: a.partnerClientId, client_secret: 'pcs_anything-at-all' }, {}, '10.1.0.77');
    expect(r.status).toBe(500);
    expect(r.body).toEqual({ error: 'server_error', error_description: 'The token service failed unexpectedly' });
    // Control: a real client of the same tenant gets its token.
    expect((await requestToken({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret }, {}, '10.1.0.77')).status).toBe(200);
  });

  it('grant types other than client_credentials are unsupported_grant_type; malformed requests invalid_request', async () => {
    const creds = { client_id: client.clientId, client_secret: client.secret };
    expect(await requestToken({ grant_type: 'password', ...creds })).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    expect(await requestToken({ grant_type: 'authorization_code', ...creds })).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    expect(await requestToken({ ...creds })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    // Two authentication methods at once.
    const both = await requestToken({ grant_type: 'client_credentials', ...creds }, { authorization: basic(client.clientId, client.secret) });
    expect(both).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    // A repeated parameter.
    const res = await app.yoga.fetch('http://fortress.test/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&scope=catalog:read&scope=orders:read&client_id=${client.clientId}&client_secret=${client.secret}`,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/scope/) });
    // JSON is not the token endpoint's format.
    const json = await app.yoga.fetch('http://fortress.test/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', ...creds }),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });
    const get = await app.yoga.fetch('http://fortress.test/oauth/token');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('scope narrows the token to some of the granted scopes; anything else is invalid_scope', async () => {
    const creds = { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret };
    const narrow = await requestToken({ ...creds, scope: 'orders:read' });
    expect(narrow.status).toBe(200);
    expect(narrow.body.scope).toBe('orders:read');
    expect(decodeJwt(narrow.body.access_token as string).scope).toBe('orders:read');
    expect((await requestToken({ ...creds, scope: 'orders:read  catalog:read' })).body.scope).toBe('orders:read catalog:read');
    for (const scope of ['inventory:read', 'catalog:read ledger:read', 'users:read', '']) {
      const r = await requestToken({ ...creds, scope });
      expect(r.status, scope).toBe(400);
      expect(r.body.error, scope).toBe('invalid_scope');
    }
  });

  it('a revoked client gets no token from the moment it is revoked; a rotated secret replaces the old one at once', async () => {
    const other = await createClient(['CATALOG_READ']);
    const form = (secret: string) => ({ grant_type: 'client_credentials', client_id: other.clientId, client_secret: secret });
    expect((await requestToken(form(other.secret))).status).toBe(200);
    const rotated = await gql(app.yoga, RotateClientForTokens, { token: await a.token('admin'), variables: { input: { rowId: other.rowId } } });
    expect(rotated.errors).toBeUndefined();
    const newSecret = rotated.data!.rotatePartnerClientSecret.clientSecret;
    expect(rotated.data!.rotatePartnerClientSecret.partnerClient.secretRotatedAt).not.toBeNull();
    expect((await requestToken(form(other.secret))).status).toBe(401);
    expect((await requestToken(form(newSecret))).status).toBe(200);
    const revoked = await gql(app.yoga, RevokeClientForTokens, { token: await a.token('owner'), variables: { input: { rowId: other.rowId } } });
    expect(revoked.data!.revokePartnerClient.partnerClient.revokedAt).not.toBeNull();
    expect(await requestToken(form(newSecret))).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    // Rotating a revoked client: NOT_FOUND.
    const again = await gql(app.yoga, RotateClientForTokens, { token: await a.token('admin'), variables: { input: { rowId: other.rowId } } });
    expect(errorCodes(again)).toEqual(['NOT_FOUND']);
  });

  it('is rate-limited per client address (each request costs an argon2 verification)', async () => {
    const limited = await testApp({ partnerPolicy: { tokenRatePerMinute: 2 } });
    try {
      const send = (ip: string) =>
        limited.yoga.fetch('http://fortress.test/oauth/token', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip },
          body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: 'pcs_wrong' }).toString(),
        });
      expect((await send('10.9.9.9')).status).toBe(401);
      expect((await send('10.9.9.9')).status).toBe(401);
      const third = await send('10.9.9.9');
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await third.json()).toMatchObject({ error: 'temporarily_unavailable' });
      // Control: another address is still answered.
      expect((await send('10.9.9.10')).status).toBe(401);
    } finally {
      await limited.close();
    }
  });
});
