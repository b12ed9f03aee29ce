// Support staff through the API (issue 12): sign-in only into a tenant that
// granted access, a support token that opens `support` (masked types) and
// `supportLogout` only, grants managed by the tenant's owners/admins (members
// FORBIDDEN, at most 7 days), every support read recorded for the tenant's
// admins, and no raw PII anywhere in any support response.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type pg from 'pg';
import { SignJWT, decodeJwt } from 'jose';
import { inject } from 'vitest';
import { errorCodes, gql, ownerPool, signToken, spyOnWire, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { hashPassword } from '../../src/auth/passwords.js';

const PASSWORD = 'support-passphrase-long';
const STAFF_PASSWORD = 'staff-passphrase-long-1';
let owner: pg.Pool;
let app: Awaited<ReturnType<typeof testApp>>;
let a: TenantFixture;
let b: TenantFixture;
let passwordHash: string;
let staffHash: string;

const RAW = {
  email: '',
  phone: '+55 11 98765-4321',
  name: 'Xavier Raw-Surname',
  street: 'Rua Secreta 742',
  description: 'RAW-DESCRIPTION-rent-for-flat-9',
  accountName: 'Xaviers private savings',
};

beforeAll(async () => {
  owner = ownerPool();
  app = await testApp({ authPolicy: { perAddressPerMinute: 10_000 } });
  passwordHash = await hashPassword(PASSWORD);
  staffHash = await hashPassword(STAFF_PASSWORD);
  a = await createTenant(owner, 'support-api-a', { passwordHash });
  b = await createTenant(owner, 'support-api-b', { passwordHash });
  RAW.email = `x@${a.slug}.test`;
  await owner.query(`update users set phone = $2, display_name = $3 where id = $1`, [a.x, RAW.phone, RAW.name]);
  await owner.query(`update accounts set name = $2, balance = '12345678901234.123456' where id = $1`, [a.accountX, RAW.accountName]);
  await owner.query(`update transactions set description = $2 where tenant_id = $1`, [a.tenantId, RAW.description]);
  await owner.query(`update orders set shipping_address = $2 where id = $1`, [a.orderX, { street: RAW.street, city: 'Campinas', country: 'BR' }]);
  await owner.query(`insert into audit_logs (tenant_id, user_id, entity, entity_id, action, diff) values ($1, $2, 'user', $3, 'update', $4)`, [
a.tenantId, a.owner, a.x, { email: { from: RAW.email, to: 'new@example.com' }, phone: { from: RAW.phone, to: null } },
  ]);
});
afterAll(async () => {
  await app.close();
  await owner.end();
});

/** A support staff member, as `npm run support:create` writes one. */
async function newStaff() {
  const email = `staff-${randomBytes(4).toString('hex')}@support.test`;
  const { rows } = await owner.query(`insert into support_staff (email, display_name, password_hash) values ($1, 'Ana Lima', $2) returning id`, [email, staffHash]);
  return { id: rows[0].id as string, email };
}

const GRANT = `mutation SupportGrant($input: GrantSupportAccessInput!) { grantSupportAccess(input: $input) { supportGrant { rowId staffId reason expiresAt live } } }`;
const REVOKE = `mutation SupportRevoke($input: RevokeSupportAccessInput!) { revokeSupportAccess(input: $input) { supportGrant { rowId live revokedAt revokedBy } } }`;
const LOGIN = `mutation SupportLogin($input: SupportLoginInput!) { supportLogin(input: $input) { accessToken accessTokenExpiresAt tenantId } }`;
const LOGOUT = `mutation SupportLogout { supportLogout { revoked } }`;
const READ_ALL = `query SupportReadAll($first: Int) { support {
  users(first: $first) { totalCount edges { cursor node { rowId email phone initials role isActive createdAt lastLoginAt } } pageInfo { hasNextPage endCursor } }
  accounts(first: $first) { totalCount edges { node { rowId userId type currency balance status name isSystem createdAt closedAt } } }
  ledgerEntries(first: $first) { totalCount edges { node { rowId accountId type status amount currency occurredAt category description counterparty } } }
  orders(first: $first) { totalCount edges { node { rowId userId status totalAmount currency shippingCity shippingCountry createdAt paidAt shippedAt deliveredAt cancelledAt
    items { productName sku quantity unitPrice lineTotal currency } } } }
  auditLogs(first: $first) { totalCount edges { node { rowId entity entityId action createdAt actorInitials changedFields } } }
} }`;

const grantAs = async (fx: TenantFixture, who: 'owner' | 'admin' | 'x', input: Record<string, unknown>) =>
  gql(app.yoga, GRANT, { token: await fx.token(who), variables: { input } });
const supportLogin = (email: string, tenantSlug: string, password = STAFF_PASSWORD, ip = '203.0.113.7') =>
  gql(app.yoga, LOGIN, { variables: { input: { email, password, tenantSlug } }, ip });

/** A staff member signed in to `fx` under a fresh grant to them. */
async function signedIn(fx: TenantFixture) {
  const s = await newStaff();
  const g = await grantAs(fx, 'admin', { staffEmail: s.email, reason: 'ticket #42', expiresInHours: 2 });
  expect(g.errors).toBeUndefined();
  const r = await supportLogin(s.email, fx.slug);
  expect(r.errors).toBeUndefined();
  return { ...s, token: r.data!.supportLogin.accessToken as string, grantId: g.data!.grantSupportAccess.supportGrant.rowId as string };
}

describe('supportLogin', () => {
  it('refuses a tenant without a live grant (FORBIDDEN, clear message); signs in once an admin grants it', async () => {
    const s = await newStaff();
    const refused = await supportLogin(s.email, a.slug);
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    expect(refused.errors![0]!.message).toMatch(/has not granted support access/);
    const g = await grantAs(a, 'admin', { staffEmail: s.email.toUpperCase(), reason: 'ticket #1', expiresInHours: 1 });
    expect(g.errors).toBeUndefined();
    expect(g.data!.grantSupportAccess.supportGrant).toMatchObject({ staffId: s.id, reason: 'ticket #1', live: true });
    const ok = await supportLogin(s.email, a.slug);
    expect(ok.errors).toBeUndefined();
    const claims = decodeJwt(ok.data!.supportLogin.accessToken);
    expect(claims).toMatchObject({ kind: 'support', sub: s.id, tid: a.tenantId });
    expect(claims.role).toBeUndefined();
    expect(claims.client_id).toBeUndefined();
    // At most 60 minutes, and never past the grant (1 hour here).
    const ttl = claims.exp! - claims.iat!;
    expect(ttl).toBeGreaterThan(3000);
    expect(ttl).toBeLessThanOrEqual(3600);
    expect(new Date(ok.data!.supportLogin.accessTokenExpiresAt).getTime()).toBeLessThanOrEqual(new Date(g.data!.grantSupportAccess.supportGrant.expiresAt).getTime());
    const { rows } = await owner.query('select tenant_id, ip from support_sessions where id = $1', [claims.sid]);
    expect(rows).toEqual([{ tenant_id: a.tenantId, ip: '203.0.113.7' }]);
  });

  it('a session never outlives its grant', async () => {
    const s = await newStaff();
    const { rows } = await owner.query(
      `insert into support_grants (tenant_id, staff_id, reason, created_by, expires_at) values ($1, $2, 'short', $3, now() + interval '5 minutes') returning expires_at`,
      [a.tenantId, s.id, a.admin],
    );
    const ok = await supportLogin(s.email, a.slug);
    expect(ok.errors).toBeUndefined();
    expect(decodeJwt(ok.data!.supportLogin.accessToken).exp).toBe(Math.floor(rows[0].expires_at.getTime() / 1000));
  });

  it('a grant to staff A does not let staff B in; a grant to any staff member does (control)', async () => {
    const staffA = await newStaff();
    const staffB = await newStaff();
    expect((await grantAs(b, 'owner', { staffEmail: staffA.email, reason: 'A only', expiresInHours: 1 })).errors).toBeUndefined();
    expect(errorCodes(await supportLogin(staffB.email, b.slug))).toEqual(['FORBIDDEN']);
    expect((await supportLogin(staffA.email, b.slug)).errors).toBeUndefined();
  });

  it('wrong password or unknown staff: INVALID_CREDENTIALS; repeated failures lock the address out like users (RATE_LIMITED)', async () => {
    const limited = await testApp({ authPolicy: { maxAttempts: 2, lockMinutes: 1 } });
    try {
      const s = await newStaff();
      const { rows: anyGrant } = await owner.query(
        `insert into support_grants (tenant_id, reason, created_by, expires_at) values ($1, 'any', $2, now() + interval '1 hour') returning id`,
        [a.tenantId, a.admin],
      );
      onTestFinished(() => owner.query('update support_grants set revoked_at = now(), revoked_by = created_by where id = $1', [anyGrant[0].id]).then(() => {}));
      const attempt = (password: string, email = s.email) =>
        gql(limited.yoga, LOGIN, { variables: { input: { email, password, tenantSlug: a.slug } }, ip: '198.51.100.9' });
      expect(errorCodes(await attempt('nope-nope-nope-1', 'nobody@support.test'))).toEqual(['INVALID_CREDENTIALS']);
      expect(errorCodes(await attempt('nope-nope-nope-1'))).toEqual(['INVALID_CREDENTIALS']);
      expect(errorCodes(await attempt('nope-nope-nope-2'))).toEqual(['INVALID_CREDENTIALS']);
      // Locked: even the right password is refused from this address.
      expect(errorCodes(await attempt(STAFF_PASSWORD))).toEqual(['RATE_LIMITED']);
      const { rows } = await owner.query('select login_attempts from support_staff where id = $1', [s.id]);
      expect(rows[0].login_attempts).toBe(2);
      // Control: from another address the right password works.
      const other = await gql(limited.yoga, LOGIN, { variables: { input: { email: s.email, password: STAFF_PASSWORD, tenantSlug: a.slug } }, ip: '198.51.100.10' });
      expect(other.errors).toBeUndefined();
    } finally {
      await limited.close();
    }
  });

  it('a disabled staff member cannot sign in', async () => {
    const s = await newStaff();
    await grantAs(a, 'admin', { staffEmail: s.email, reason: 'x', expiresInHours: 1 });
    await owner.query('update support_staff set is_active = false, disabled_at = now() where id = $1', [s.id]);
    expect(errorCodes(await supportLogin(s.email, a.slug))).toEqual(['INVALID_CREDENTIALS']);
  });
});

describe('grants', () => {
  it('members cannot grant, revoke or list grants (FORBIDDEN); the owner can (control)', async () => {
    const s = await newStaff();
    expect(errorCodes(await grantAs(a, 'x', { staffEmail: s.email, reason: 'member', expiresInHours: 1 }))).toEqual(['FORBIDDEN']);
    const list = await gql(app.yoga, `query SupportGrantsMember { supportGrants { totalCount } }`, { token: await a.token('x') });
    expect(errorCodes(list)).toEqual(['FORBIDDEN']);
    expect(errorCodes(await gql(app.yoga, REVOKE, { token: await a.token('x'), variables: { input: { rowId: a.supportGrant } } }))).toEqual(['FORBIDDEN']);
    expect((await grantAs(a, 'owner', { staffEmail: s.email, reason: 'owner', expiresInHours: 1 })).errors).toBeUndefined();
  });

  it('expiresInHours is 1..168 (BAD_USER_INPUT naming it); an unknown staff email is BAD_USER_INPUT; no email grants any staff member', async () => {
    for (const hours of [0, 169, -5]) {
      const r = await grantAs(a, 'admin', { reason: 'too long', expiresInHours: hours });
      expect(errorCodes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0]!.extensions!.field).toBe('input.expiresInHours');
    }
    const unknown = await grantAs(a, 'admin', { staffEmail: 'ghost@support.test', reason: 'x', expiresInHours: 1 });
    expect(errorCodes(unknown)).toEqual(['BAD_USER_INPUT']);
    expect(unknown.errors![0]!.message).toMatch(/staffEmail/);
    const blank = await grantAs(a, 'admin', { reason: '   ', expiresInHours: 1 });
    expect(blank.errors![0]!.extensions!.field).toBe('input.reason');
    const any = await grantAs(a, 'admin', { reason: 'any staff', expiresInHours: 168 });
    expect(any.errors).toBeUndefined();
    expect(any.data!.grantSupportAccess.supportGrant.staffId).toBeNull();
    await gql(app.yoga, REVOKE, { token: await a.token('admin'), variables: { input: { rowId: any.data!.grantSupportAccess.supportGrant.rowId } } });
  });

  it('revoking shuts a signed-in staff member out at once (FORBIDDEN, no data); their logout still works', async () => {
    const s = await signedIn(a);
    const before = await gql(app.yoga, `query SupportBeforeRevoke { support { users { totalCount } } }`, { token: s.token });
    expect(before.data!.support.users.totalCount).toBeGreaterThan(0);
    const revoked = await gql(app.yoga, REVOKE, { token: await a.token('admin'), variables: { input: { rowId: s.grantId } } });
    expect(revoked.errors).toBeUndefined();
    expect(revoked.data!.revokeSupportAccess.supportGrant).toMatchObject({ live: false, revokedBy: a.admin });
    const after = await gql(app.yoga, `query SupportAfterRevoke { support { users { totalCount edges { node { email } } } } }`, { token: s.token });
    expect(errorCodes(after)).toEqual(['FORBIDDEN']);
    expect(after.data ?? null).toBeNull();
    // Revoking twice: NOT_FOUND.
    expect(errorCodes(await gql(app.yoga, REVOKE, { token: await a.token('admin'), variables: { input: { rowId: s.grantId } } }))).toEqual(['NOT_FOUND']);
    expect((await gql(app.yoga, LOGOUT, { token: s.token })).data).toEqual({ supportLogout: { revoked: true } });
  });

  it('an expired grant lets nobody in', async () => {
    const s = await signedIn(a);
    await owner.query(`update support_grants set created_at = now() - interval '2 days', expires_at = now() - interval '1 second' where id = $1`, [s.grantId]);
    expect(errorCodes(await gql(app.yoga, `query SupportExpired { support { users { totalCount } } }`, { token: s.token }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await supportLogin(s.email, a.slug))).toEqual(['FORBIDDEN']);
  });
});

describe('the support token', () => {
  it('reads only `support` and `supportLogout`: any other root field is FORBIDDEN before execution', async () => {
    const s = await signedIn(a);
    for (const query of ['query { accounts { totalCount } }', 'query { viewer { user { rowId } } }', 'query { support { users { totalCount } } accounts { totalCount } }',
      'mutation { logout { revokedSessions } }']) {
      const r = await gql(app.yoga, query, { token: s.token });
      expect(errorCodes(r), query).toEqual(['FORBIDDEN']);
      expect(r.errors![0]!.message, query).toMatch(/^Support tokens may call only support and supportLogout/);
      expect(r.data ?? null).toBeNull();
    }
  });

  it('users and partner clients get FORBIDDEN on `support`, anonymous callers UNAUTHENTICATED', async () => {
    for (const token of [await a.token('owner'), await a.token('x')]) {
      expect(errorCodes(await gql(app.yoga, 'query { support { users { totalCount } } }', { token }))).toEqual(['FORBIDDEN']);
    }
    // Partner clients may send only their manifest's operations, none of which is `support`.
    expect(errorCodes(await gql(app.yoga, 'query { support { users { totalCount } } }', { token: await a.partnerToken() }))).toEqual(['PERSISTED_QUERY_ONLY']);
    expect(errorCodes(await gql(app.yoga, 'query { support { users { totalCount } } }'))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await gql(app.yoga, LOGOUT, { token: await a.token('owner') }))).toEqual(['FORBIDDEN']);
  });

  it('can never pass for another kind, nor another kind for it', async () => {
    const secret = new TextEncoder().encode(inject('jwtSecret'));
    const forge = (claims: Record<string, unknown>, sub: string) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: 'hs-1' }).setSubject(sub).setIssuer('fortress').setAudience('fortress-api')
        .setIssuedAt().setExpirationTime('5m').sign(secret);
    const s = await signedIn(a);
    const sid = decodeJwt(s.token).sid as string;
    const forged = [
      await forge({ kind: 'support', tid: a.tenantId, sid, role: 'owner' }, s.id), // a role on a support token
      await forge({ kind: 'user', tid: a.tenantId, role: 'owner' }, a.owner), // another kind
      await forge({ kind: 'support', tid: a.tenantId }, s.id), // no session
      await forge({ tid: a.tenantId, sid }, s.id), // a support session without the kind: a user token without a role
    ];
    for (const token of forged) expect(errorCodes(await gql(app.yoga, 'query { support { users { totalCount } } }', { token }))).toEqual(['UNAUTHENTICATED']);
    // Control: the genuine token, and a user token with the same signing key.
    expect((await gql(app.yoga, 'query { support { users { totalCount } } }', { token: s.token })).errors).toBeUndefined();
    expect((await gql(app.yoga, 'query { viewer { user { rowId } } }', { token: await signToken(a.owner, a.tenantId, 'owner') })).errors).toBeUndefined();
  });

  it('its identity travels merged with BEGIN, as users\' does: role, tenant, staff and session in one statement, no user', async () => {
    // What each connection really sends (BEGIN merged into the identity statement).
    const sent: string[] = [];
    const spied = await testApp();
    spyOnWire(spied.database.pool, (sql) => sent.push(sql));
    try {
      const s = await signedIn(a);
      const sid = decodeJwt(s.token).sid as string;
      expect((await gql(spied.yoga, 'query { support { users { totalCount } } }', { token: s.token })).errors).toBeUndefined();
      const identity = sent.filter((q) => q.startsWith("BEGIN; select set_config('role', 'fortress_support'"));
      // One for the access record's transaction, one for the request's.
      expect(identity).toHaveLength(2);
      for (const q of identity) {
        expect(q).toContain(`set_config('app.current_tenant_id', '${a.tenantId}', true)`);
        expect(q).toContain("set_config('app.current_user_id', '', true)");
        expect(q).toContain(`set_config('app.current_support_staff_id', '${s.id}', true)`);
        expect(q).toContain(`set_config('app.current_support_session_id', '${sid}', true)`);
        expect(q).toContain(`app.require_live_session('fortress_support', '${sid}', '${s.id}')`);
      }
      // A user's request sets the support settings to '' (nothing leaks between requests on a connection).
      sent.length = 0;
      await gql(spied.yoga, 'query { viewer { user { rowId } } }', { token: await a.token('x') });
      expect(sent.find((q) => q.startsWith('BEGIN; select'))).toContain("set_config('app.current_support_staff_id', '', true)");
    } finally {
      await spied.close();
    }
  });

  it('supportLogout revokes the session: the token is UNAUTHENTICATED (401) from the next request', async () => {
    const s = await signedIn(a);
    expect((await gql(app.yoga, LOGOUT, { token: s.token })).data).toEqual({ supportLogout: { revoked: true } });
    const r = await gql(app.yoga, 'query { support { users { totalCount } } }', { token: s.token });
    expect(errorCodes(r)).toEqual(['UNAUTHENTICATED']);
    expect(r.status).toBe(401);
  });
});

describe('masked reads', () => {
  it('every support field answers with masked values only: no raw email, phone, name, street, description or account name anywhere in the response', async () => {
    const s = await signedIn(a);
    const r = await gql(app.yoga, READ_ALL, { token: s.token, variables: { first: 100 } });
    expect(r.errors).toBeUndefined();
    const body = JSON.stringify(r);
    // Controls: the lists hold the tenant's rows, masked.
    const data = r.data!.support;
    expect(data.users.totalCount).toBe(5);
    expect(data.users.edges.map((e: { node: { email: string } }) => e.node.email)).toContain(`x***@${a.slug}.test`);
    expect(body).toContain('"phone":"***21"');
    expect(body).toContain('"initials":"X.R."');
    expect(body).toContain('"shippingCity":"Campinas"');
    expect(body).toContain('"description":"R***"');
    expect(body).toContain('"changedFields":["email","phone"]');
    expect(data.accounts.edges.map((e: { node: { balance: string } }) => e.node.balance)).toContain('12345678901234.123456');
    expect(data.orders.edges[0].node.items).toEqual([{ productName: 'Milk', sku: 'SKU-1', quantity: 1, unitPrice: '5.99', lineTotal: '5.99', currency: 'BRL' }]);
    for (const value of Object.values(RAW)) expect(body, value).not.toContain(value);
    expect(body).not.toContain('98765-4321');
    // No email-shaped value with more than one character before the mask, anywhere.
    expect(body.match(/[A-Za-z0-9._%+-]{2,}@[A-Za-z0-9.-]+\.[a-z]+/g) ?? []).toEqual([]);
    // Nothing of tenant B.
    for (const id of [b.owner, b.x, b.orderX, b.accountX, b.transactionX]) expect(body).not.toContain(id);
  });

  it('pages with first/after like the rest of the API; a cursor of another list is BAD_USER_INPUT', async () => {
    const s = await signedIn(a);
    const page = `query SupportUsersPage($first: Int, $after: String) { support { users(first: $first, after: $after) { totalCount edges { cursor node { rowId } } pageInfo { hasNextPage endCursor } } } }`;
    const one = await gql(app.yoga, page, { token: s.token, variables: { first: 2 } });
    expect(one.data!.support.users.edges).toHaveLength(2);
    expect(one.data!.support.users.pageInfo.hasNextPage).toBe(true);
    const two = await gql(app.yoga, page, { token: s.token, variables: { first: 10, after: one.data!.support.users.pageInfo.endCursor } });
    expect(two.data!.support.users.edges).toHaveLength(3);
    const ids = [...one.data!.support.users.edges, ...two.data!.support.users.edges].map((e: { node: { rowId: string } }) => e.node.rowId);
    expect(new Set(ids).size).toBe(5);
    const order = await gql(app.yoga, `query SupportOrderCursor { support { orders(first: 1) { edges { cursor } } } }`, { token: s.token });
    const wrong = await gql(app.yoga, page, { token: s.token, variables: { first: 2, after: order.data!.support.orders.edges[0].cursor } });
    expect(errorCodes(wrong)).toEqual(['BAD_USER_INPUT']);
    const entries = await gql(app.yoga, `query SupportEntries($id: UUID) { support { ledgerEntries(accountId: $id) { totalCount } } }`, {
      token: s.token, variables: { id: a.accountX },
    });
    expect(entries.data!.support.ledgerEntries.totalCount).toBe(await countOwner('select count(*) as n from transactions where account_id = $1', [a.accountX]));
  });
});

const countOwner = async (sql: string, params: unknown[]) => Number((await owner.query(sql, params)).rows[0].n);

describe('support reads are audited', () => {
  it('each read is recorded (secrets removed) and listed with its grant for the tenant\'s admins; not for members nor another tenant', async () => {
    const s = await signedIn(a);
    const vars = { first: 1, password: 'hunter2-hunter2', nested: { accessToken: 'eyJ.secret', keep: 'visible' } };
    expect((await gql(app.yoga, `query SupportAudited($first: Int) { support { users(first: $first) { totalCount } } }`, { token: s.token, variables: vars })).errors).toBeUndefined();
    // A failing read is recorded too (a bad cursor).
    await gql(app.yoga, `query SupportAuditedFail { support { users(after: "R1BDOlM6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw") { totalCount } } }`, { token: s.token });
    const LIST = `query SupportGrantsList { supportGrants(first: 100) { totalCount edges { node { rowId accessLogs { totalCount edges { node { staffId staffEmail operationName variables createdAt } } } } } } }`;
    const admin = await gql(app.yoga, LIST, { token: await a.token('admin') });
    expect(admin.errors).toBeUndefined();
    const grant = admin.data!.supportGrants.edges.find((e: { node: { rowId: string } }) => e.node.rowId === s.grantId).node;
    expect(grant.accessLogs.totalCount).toBe(2);
    const logs = grant.accessLogs.edges.map((e: { node: unknown }) => e.node);
    expect(logs.map((l: { operationName: string }) => l.operationName)).toEqual(['SupportAuditedFail', 'SupportAudited']);
    expect(logs[1]).toMatchObject({ staffId: s.id, staffEmail: s.email, variables: { first: 1, nested: { keep: 'visible' } } });
    expect(JSON.stringify(admin)).not.toContain('hunter2');
    expect(JSON.stringify(admin)).not.toContain('eyJ.secret');
    // Members: FORBIDDEN; tenant B's admin: none of A's grants or logs.
    expect(errorCodes(await gql(app.yoga, LIST, { token: await a.token('x') }))).toEqual(['FORBIDDEN']);
    const other = await gql(app.yoga, LIST, { token: await b.token('admin') });
    expect(JSON.stringify(other)).not.toContain(s.grantId);
    expect(JSON.stringify(other)).not.toContain(s.email);
  });
});
