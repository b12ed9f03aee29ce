// Identity flows through GraphQL: sign-up, login, rotation with reuse
// detection, rate limits, sessions, password changes and roles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import argon2 from 'argon2';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { count, errorCodes, gql, ownerPool, testApp, type GqlResult } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { hashPassword } from '../../src/auth/passwords.js';

let owner: pg.Pool;
let app: Awaited<ReturnType<typeof testApp>>;
let a: TenantFixture;
let b: TenantFixture;
const PASSWORD = 'a-long-and-unusual-passphrase';

const LOGIN = `mutation ($slug: String!, $email: String!, $password: String!) {
  login(input: { tenantSlug: $slug, email: $email, password: $password }) { accessToken refreshToken user { rowId email } tenant { slug } } }`;
const REFRESH = `mutation ($t: String!) { refreshSession(input: { refreshToken: $t }) { accessToken refreshToken } }`;

const headers = { 'x-forwarded-for': '203.0.113.7', 'user-agent': 'vitest' };
async function call(query: string, variables: Record<string, unknown> = {}, token?: string, ip = headers['x-forwarded-for'], target = app) {
  const res = await target.yoga.fetch('http://fortress.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers, 'x-forwarded-for': ip, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), ...((await res.json()) as object) } as GqlResult & { retryAfter: string | null };
}
const login = (fx: TenantFixture, who: 'owner' | 'x' | 'y' | 'admin', password = PASSWORD, ip?: string) =>
  call(LOGIN, { slug: fx.slug, email: `${who}@${fx.slug}.test`, password }, undefined, ip);

beforeAll(async () => {
  owner = ownerPool();
  // This file signs in often from one address: the per-address limit is tested on its own app below.
  app = await testApp({ authPolicy: { perAddressPerMinute: 10_000 } });
  a = await createTenant(owner, 'auth-a');
  b = await createTenant(owner, 'auth-b');
  const hash = await hashPassword(PASSWORD);
  await owner.query('update users set password_hash = $1 where tenant_id = any($2)', [hash, [a.tenantId, b.tenantId]]);
});
afterAll(async () => {
  await app.close();
  await owner.end();
});

describe('signUp', () => {
  it('creates a tenant and its owner, signs them in, and audits it', async () => {
    const r = await call(
      `mutation { signUp(input: { tenantName: "Zeta Grocers", email: "founder@zeta.test", password: "${PASSWORD}" }) {
        accessToken refreshToken user { email role } tenant { slug name } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.signUp.tenant).toEqual({ slug: 'zeta-grocers', name: 'Zeta Grocers' });
    expect(r.data!.signUp.user).toEqual({ email: 'founder@zeta.test', role: 'owner' });
    const me = await call(`{ viewer { role tenant { slug } } }`, {}, r.data!.signUp.accessToken);
    expect(me.data!.viewer).toEqual({ role: 'owner', tenant: { slug: 'zeta-grocers' } });
    expect(await count(owner, `select count(*) as n from audit_logs l join tenants t on t.id = l.tenant_id where t.slug = 'zeta-grocers' and l.action = 'sign_up'`)).toBe(1);
    const again = await call(`mutation { signUp(input: { tenantName: "Zeta Grocers", email: "x@zeta.test", password: "${PASSWORD}" }) { accessToken } }`);
    expect(errorCodes(again)).toEqual(['CONFLICT']);
  });

  it('rejects weak passwords with WEAK_PASSWORD and creates nothing', async () => {
    for (const [password, email] of [['short-pass', 'w1@weak.test'], ['w2@weak.test', 'w2@weak.test'], ['password1234', 'w3@weak.test']]) {
      const r = await call(`mutation ($p: String!, $e: EmailAddress!) { signUp(input: { tenantName: "Weak Co", email: $e, password: $p }) { accessToken } }`, {
        p: password,
        e: email,
      });
      expect(errorCodes(r), password).toEqual(['WEAK_PASSWORD']);
    }
    expect(await count(owner, `select count(*) as n from tenants where slug = 'weak-co'`)).toBe(0);
  });
});

describe('login', () => {
  it('returns a JWT with the documented claims and a kid, and records the session, history and audit', async () => {
    const r = await login(a, 'x');
    expect(r.errors).toBeUndefined();
    const { accessToken, refreshToken } = r.data!.login;
    const claims = decodeJwt(accessToken);
    expect(claims).toMatchObject({ sub: a.x, tid: a.tenantId, role: 'member', iss: 'fortress', aud: 'fortress-api' });
    expect(claims.exp! - claims.iat!).toBe(15 * 60);
    expect(typeof claims.sid).toBe('string');
    expect(decodeProtectedHeader(accessToken)).toMatchObject({ alg: 'HS256', kid: 'hs-1' });
    expect(refreshToken.length).toBeGreaterThanOrEqual(43); // 256 bits, base64url
    const sessions = await call(`{ viewer { sessions { edges { node { rowId ip userAgent revokedAt } } } } }`, {}, accessToken);
    expect(sessions.data!.viewer.sessions.edges.map((e: { node: unknown }) => e.node)).toContainEqual({
      rowId: claims.sid,
      ip: '203.0.113.7',
      userAgent: 'vitest',
      revokedAt: null,
    });
    expect(await count(owner, `select count(*) as n from login_history where user_id = $1 and success and ip = '203.0.113.7'`, [a.x])).toBe(1);
    expect(await count(owner, `select count(*) as n from audit_logs where user_id = $1 and action = 'login' and entity_id = $2`, [a.x, claims.sid])).toBe(1);
    expect(await count(owner, 'select count(*) as n from sessions where id = $1 and refresh_token_hash <> $2', [claims.sid, refreshToken])).toBe(1);
    expect(JSON.stringify(r)).not.toContain('$argon2');
  });

  it('a wrong password is INVALID_CREDENTIALS, grants nothing, and is recorded', async () => {
    const before = await count(owner, 'select count(*) as n from login_history where user_id = $1 and not success', [a.y]);
    const r = await login(a, 'y', 'not-the-password-at-all');
    expect(errorCodes(r)).toEqual(['INVALID_CREDENTIALS']);
    expect(r.data ?? null).toBeNull();
    expect(JSON.stringify(r)).not.toMatch(/stack|\.ts:\d/);
    expect(await count(owner, 'select count(*) as n from login_history where user_id = $1 and not success', [a.y])).toBe(before + 1);
    await owner.query('update users set login_attempts = 0 where id = $1', [a.y]);
  });

  it('an unknown email fails the same way and costs a password verification too', async () => {
    const time = async (email: string) => {
      const t0 = performance.now();
      const r = await call(LOGIN, { slug: a.slug, email, password: 'not-the-password-at-all' });
      expect(errorCodes(r)).toEqual(['INVALID_CREDENTIALS']);
      return performance.now() - t0;
    };
    const unknown = Math.min(await time('nobody@nowhere.test'), await time('nobody2@nowhere.test'));
    const wrong = Math.min(await time(`owner@${a.slug}.test`), await time(`owner@${a.slug}.test`));
    // argon2id at 19 MiB takes tens of ms; without the dummy verification an unknown email would answer in ~1 ms.
    expect(unknown).toBeGreaterThan(wrong * 0.5);
    await owner.query('update users set login_attempts = 0 where id = $1', [a.owner]);
  });

  it("a tenant A user cannot sign in to tenant B with the same email unless a user exists there", async () => {
    const cross = await call(LOGIN, { slug: b.slug, email: `x@${a.slug}.test`, password: PASSWORD });
    expect(errorCodes(cross)).toEqual(['INVALID_CREDENTIALS']);
    await owner.query(`insert into users (tenant_id, email, password_hash) values ($1, $2, $3)`, [
      b.tenantId, `x@${a.slug}.test`, await hashPassword('tenant-b-own-passphrase'),
    ]);
    const u = await owner.query('select id from users where tenant_id = $1 and email = $2', [b.tenantId, `x@${a.slug}.test`]);
    await owner.query(`insert into tenant_memberships (tenant_id, user_id, role) values ($1, $2, 'member')`, [b.tenantId, u.rows[0].id]);
    expect(errorCodes(await call(LOGIN, { slug: b.slug, email: `x@${a.slug}.test`, password: PASSWORD }))).toEqual(['INVALID_CREDENTIALS']);
    const ok = await call(LOGIN, { slug: b.slug, email: `x@${a.slug}.test`, password: 'tenant-b-own-passphrase' });
    expect(ok.data!.login.tenant.slug).toBe(b.slug);
  });

  it('5 failures from one address shut that address out of the account (even the right password), not others', async () => {
    const ip = '198.51.100.1';
    for (let i = 0; i < 5; i += 1) expect(errorCodes(await login(b, 'y', 'wrong-wrong-wrong', ip))).toEqual(['INVALID_CREDENTIALS']);
    const locked = await login(b, 'y', PASSWORD, ip);
    expect(errorCodes(locked)).toEqual(['RATE_LIMITED']);
    expect(locked.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(14 * 60);
    // Control: the owner of the account, from their own address, still gets in, and that clears nothing for the attacker.
    const ok = await login(b, 'y', PASSWORD, '198.51.100.2');
    expect(ok.errors).toBeUndefined();
    expect(errorCodes(await login(b, 'y', PASSWORD, ip))).toEqual(['RATE_LIMITED']);
    // Only the five checked passwords were recorded; the refused attempts never reached a password check.
    expect(await count(owner, `select count(*) as n from login_history where user_id = $1 and not success and ip = $2`, [b.y, ip])).toBe(5);
  });

  it('known and unknown emails are indistinguishable: same codes, messages and time', async () => {
    const ip = '198.51.100.3';
    const attempt = async (email: string) => {
      const started = performance.now();
      const r = await call(LOGIN, { slug: a.slug, email, password: 'wrong-wrong-wrong' }, undefined, ip);
      return { code: errorCodes(r)[0], message: r.errors![0]!.message.replace(/\(in \d+ s\)/, ''), ms: performance.now() - started };
    };
    const known: Awaited<ReturnType<typeof attempt>>[] = [];
    const unknown: Awaited<ReturnType<typeof attempt>>[] = [];
    for (let i = 0; i < 7; i += 1) {
      known.push(await attempt(`y@${a.slug}.test`));
      unknown.push(await attempt(`nobody@${a.slug}.test`));
    }
    const strip = (r: typeof known) => r.map(({ code, message }) => ({ code, message }));
    expect(strip(known)).toEqual(strip(unknown));
    expect(known.map((r) => r.code)).toEqual([...Array(5).fill('INVALID_CREDENTIALS'), 'RATE_LIMITED', 'RATE_LIMITED']);
    // Timing: both pay one argon2 verification per checked attempt (the unknown one a dummy).
    const median = (r: typeof known) => r.slice(0, 5).map((x) => x.ms).sort((p, q) => p - q)[2]!;
    expect(Math.abs(median(known) - median(unknown))).toBeLessThan(0.5 * Math.max(median(known), median(unknown)));
  });

  it('rehashes on login when the stored hash uses other argon2 parameters', async () => {
    await owner.query('update users set password_hash = $1 where id = $2', [
      await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 8192, timeCost: 3, parallelism: 1 }),
      b.owner,
    ]);
    expect((await login(b, 'owner')).errors).toBeUndefined();
    const { rows } = await owner.query('select password_hash from users where id = $1', [b.owner]);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });
});

describe('sign-in steps stand alone in their operation', () => {
  it('login beside another field is refused and writes nothing (control: alone it is recorded)', async () => {
    const before = await count(owner, 'select count(*) as n from login_history where user_id = $1', [a.y]);
    const r = await call(`mutation ($slug: String!, $email: String!) {
      login(input: { tenantSlug: $slug, email: $email, password: "not-the-password" }) { accessToken }
      logoutAll { revokedSessions } }`, { slug: a.slug, email: `y@${a.slug}.test` }, await a.token('x'));
    expect(errorCodes(r)).toContain('BAD_USER_INPUT');
    expect(await count(owner, 'select count(*) as n from login_history where user_id = $1', [a.y])).toBe(before);
    expect(errorCodes(await login(a, 'y', 'not-the-password'))).toEqual(['INVALID_CREDENTIALS']);
    expect(await count(owner, 'select count(*) as n from login_history where user_id = $1', [a.y])).toBe(before + 1);
  });

  it('concurrent wrong passwords cannot race past the limit: exactly 5 are checked', async () => {
    const ip = '198.51.100.4';
    const results = await Promise.all(Array.from({ length: 8 }, () => login(b, 'admin', 'wrong-wrong-wrong', ip)));
    expect(results.map((r) => errorCodes(r)[0]).sort()).toEqual([...Array(5).fill('INVALID_CREDENTIALS'), ...Array(3).fill('RATE_LIMITED')]);
    expect(await count(owner, `select count(*) as n from login_history where user_id = $1 and not success`, [b.admin])).toBe(5);
    expect(errorCodes(await login(b, 'admin', PASSWORD, ip))).toEqual(['RATE_LIMITED']);
  });
});

describe('sign-in rate limits and the pool', () => {
  it('untrusted headers are truncated before they are recorded', async () => {
    const res = await app.yoga.fetch('http://fortress.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'u'.repeat(100_000), 'x-forwarded-for': `${'9'.repeat(5_000)}, 1.2.3.4` },
      body: JSON.stringify({ query: LOGIN, variables: { slug: a.slug, email: `x@${a.slug}.test`, password: 'wrong-wrong-wrong' } }),
    });
    expect(((await res.json()) as GqlResult).errors![0]!.extensions!.code).toBe('INVALID_CREDENTIALS');
    const { rows } = await owner.query(
      `select length(user_agent) as ua, length(ip) as ip from login_history where user_id = $1 order by created_at desc limit 1`, [a.x]);
    expect(rows[0]).toEqual({ ua: 512, ip: 64 });
  });

  it('more than 30 sign-in attempts a minute from one address get RATE_LIMITED with Retry-After (HTTP 429)', async () => {
    const limited = await testApp();
    try {
      const codes: (string | undefined)[] = [];
      for (let i = 0; i < 31; i += 1) {
        const r = await call(LOGIN, { slug: 'no-such-tenant', email: `u${i}@x.test`, password: 'wrong-wrong-wrong' }, undefined, '198.51.100.5', limited);
        codes.push(errorCodes(r)[0]);
      }
      expect(codes.slice(0, 30)).toEqual(Array(30).fill('INVALID_CREDENTIALS'));
      const last = await call(LOGIN, { slug: 'no-such-tenant', email: 'last@x.test', password: 'wrong-wrong-wrong' }, undefined, '198.51.100.5', limited);
      expect(errorCodes(last)).toEqual(['RATE_LIMITED']);
      expect(Number(last.retryAfter)).toBeGreaterThan(0);
      // Control: another address is not limited.
      expect(errorCodes(await call(LOGIN, { slug: 'no-such-tenant', email: 'u@x.test', password: 'wrong-wrong-wrong' }, undefined, '198.51.100.6', limited))).toEqual(['INVALID_CREDENTIALS']);
    } finally {
      await limited.close();
    }
  });

  it('argon2 runs without holding a pooled connection: other tenants are served during a burst of logins', async () => {
    // One connection. If each login held it during argon2, the member's query would queue behind all of them.
    const small = await testApp({ poolMax: 1, authPolicy: { perAddressPerMinute: 10_000 } });
    try {
      const token = await b.token('x');
      const done: string[] = [];
      const logins = Array.from({ length: 12 }, (_, i) =>
        call(LOGIN, { slug: a.slug, email: `burst${i}@${a.slug}.test`, password: 'wrong-wrong-wrong' }, undefined, `198.51.100.${20 + i}`, small).then(
          (r) => done.push(errorCodes(r)[0]!),
        ),
      );
      await new Promise((r) => setTimeout(r, 5));
      const member = await call(`{ accounts { edges { node { rowId } } } }`, {}, token, undefined, small);
      const finishedBefore = done.length;
      await Promise.all(logins);
      expect(member.errors).toBeUndefined();
      expect(done).toEqual(Array(12).fill('INVALID_CREDENTIALS'));
      expect(finishedBefore).toBeLessThan(6);
    } finally {
      await small.close();
    }
  });
});

describe('refresh tokens', () => {
  it('rotate: the new pair works and the old refresh token is spent', async () => {
    const first = (await login(a, 'owner')).data!.login;
    const second = await call(REFRESH, { t: first.refreshToken });
    expect(second.errors).toBeUndefined();
    expect(second.data!.refreshSession.refreshToken).not.toBe(first.refreshToken);
    expect(await count(owner, 'select count(*) as n from rotated_refresh_tokens where session_id = $1', [decodeJwt(first.accessToken).sid])).toBe(1);
    const third = await call(REFRESH, { t: second.data!.refreshSession.refreshToken });
    expect(third.errors).toBeUndefined();
    expect((await call(`{ viewer { role } }`, {}, third.data!.refreshSession.accessToken)).data!.viewer.role).toBe('owner');
  });

  it('reusing a rotated token revokes the whole session (SESSION_REVOKED), which persists', async () => {
    const first = (await login(a, 'y')).data!.login;
    const sid = decodeJwt(first.accessToken).sid as string;
    const rotated = (await call(REFRESH, { t: first.refreshToken })).data!.refreshSession;
    const replay = await call(REFRESH, { t: first.refreshToken });
    expect(errorCodes(replay)).toEqual(['SESSION_REVOKED']);
    expect(await count(owner, 'select count(*) as n from sessions where id = $1 and revoked_at is not null', [sid])).toBe(1);
    // The legitimate holder's newer token dies with the session.
    expect(errorCodes(await call(REFRESH, { t: rotated.refreshToken }))).toEqual(['SESSION_REVOKED']);
    expect(errorCodes(await call(REFRESH, { t: 'never-issued' }))).toEqual(['UNAUTHENTICATED']);
  });

  it('concurrent refreshes with the same token: exactly one succeeds, the others see reuse and revoke the session', async () => {
    const first = (await login(b, 'x')).data!.login;
    const results = await Promise.all(Array.from({ length: 6 }, () => call(REFRESH, { t: first.refreshToken })));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    for (const r of results.filter((x) => x.errors)) expect(errorCodes(r)).toEqual(['SESSION_REVOKED']);
    const sid = decodeJwt(first.accessToken).sid;
    expect(await count(owner, 'select count(*) as n from sessions where id = $1 and revoked_at is not null', [sid])).toBe(1);
  });
});

describe('sessions', () => {
  it('logout revokes the current session; logoutAll the rest; revokeSession only the viewer’s own', async () => {
    const s1 = (await login(a, 'owner')).data!.login;
    const s2 = (await login(a, 'owner')).data!.login;
    expect((await call(`mutation { logout { revokedSessions } }`, {}, s1.accessToken)).data!.logout.revokedSessions).toBe(1);
    expect(errorCodes(await call(REFRESH, { t: s1.refreshToken }))).toEqual(['SESSION_REVOKED']);
    const other = (await login(a, 'x')).data!.login;
    const otherSid = decodeJwt(other.accessToken).sid as string;
    expect((await call(`mutation ($id: UUID!) { revokeSession(input: { rowId: $id }) { revokedSessions } }`, { id: otherSid }, s2.accessToken)).data!.revokeSession.revokedSessions).toBe(0);
    expect((await call(REFRESH, { t: other.refreshToken })).errors).toBeUndefined();
    expect((await call(`mutation { logoutAll { revokedSessions } }`, {}, s2.accessToken)).data!.logoutAll.revokedSessions).toBeGreaterThanOrEqual(1);
    expect(errorCodes(await call(REFRESH, { t: s2.refreshToken }))).toEqual(['SESSION_REVOKED']);
    expect(await count(owner, `select count(*) as n from audit_logs where user_id = $1 and action in ('logout', 'logout_all')`, [a.owner])).toBeGreaterThanOrEqual(2);
  });
});

describe('changePassword', () => {
  it('needs the current password, applies the policy, ends other sessions, and is audited', async () => {
    const keep = (await login(b, 'owner')).data!.login;
    const other = (await login(b, 'owner')).data!.login;
    const change = `mutation ($c: String!, $n: String!) { changePassword(input: { currentPassword: $c, newPassword: $n }) { revokedSessions } }`;
    expect(errorCodes(await call(change, { c: 'wrong-current-password', n: 'another-long-passphrase' }, keep.accessToken))).toEqual(['INVALID_CREDENTIALS']);
    expect(errorCodes(await call(change, { c: PASSWORD, n: 'short' }, keep.accessToken))).toEqual(['WEAK_PASSWORD']);
    expect((await call(change, { c: PASSWORD, n: 'another-long-passphrase' }, keep.accessToken)).data!.changePassword.revokedSessions).toBeGreaterThanOrEqual(1);
    expect(errorCodes(await login(b, 'owner'))).toEqual(['INVALID_CREDENTIALS']);
    expect((await login(b, 'owner', 'another-long-passphrase')).errors).toBeUndefined();
    expect(errorCodes(await call(REFRESH, { t: other.refreshToken }))).toEqual(['SESSION_REVOKED']);
    expect((await call(REFRESH, { t: keep.refreshToken })).errors).toBeUndefined();
    expect(await count(owner, `select count(*) as n from audit_logs where user_id = $1 and action = 'password_change'`, [b.owner])).toBe(1);
  });

  it('wrong current passwords count towards the sign-in limit like failed logins', async () => {
    const token = (await login(a, 'admin')).data!.login.accessToken;
    const change = `mutation { changePassword(input: { currentPassword: "guess-guess-guess", newPassword: "another-long-passphrase" }) { revokedSessions } }`;
    const codes = [];
    for (let i = 0; i < 6; i += 1) codes.push(errorCodes(await call(change, {}, token))[0]);
    expect(codes).toEqual([...Array(5).fill('INVALID_CREDENTIALS'), 'RATE_LIMITED']);
    expect(errorCodes(await login(a, 'admin'))).toEqual(['RATE_LIMITED']);
  });
});

describe('roles', () => {
  const ROLE = `mutation ($u: UUID!, $r: TenantRole!) { updateMemberRole(input: { userId: $u, role: $r }) { tenantMembership { role } } }`;

  it('a member cannot change roles (FORBIDDEN); an owner can, and it is audited', async () => {
    const member = await a.token('x');
    expect(errorCodes(await call(ROLE, { u: a.y, r: 'admin' }, member))).toEqual(['FORBIDDEN']);
    expect(await count(owner, `select count(*) as n from tenant_memberships where user_id = $1 and role = 'member'`, [a.y])).toBe(1);
    const ok = await call(ROLE, { u: a.y, r: 'admin' }, await a.token('owner'));
    expect(ok.data!.updateMemberRole.tenantMembership.role).toBe('admin');
    expect(await count(owner, `select count(*) as n from audit_logs where entity_id = $1 and action = 'role_change'`, [a.y])).toBe(1);
  });

  it('the last owner cannot be demoted; an admin cannot grant owner', async () => {
    const ownerToken = await a.token('owner');
    expect(errorCodes(await call(ROLE, { u: a.owner, r: 'member' }, ownerToken))).toEqual(['FORBIDDEN']);
    expect(await count(owner, `select count(*) as n from tenant_memberships where user_id = $1 and role = 'owner'`, [a.owner])).toBe(1);
    expect(errorCodes(await call(ROLE, { u: a.admin, r: 'owner' }, await a.token('admin')))).toEqual(['FORBIDDEN']);
    expect(await count(owner, `select count(*) as n from tenant_memberships where user_id = $1 and role = 'admin'`, [a.admin])).toBe(1);
  });

  it('the database itself refuses to demote the last owner, whatever the code does', async () => {
    await expect(owner.query(`update tenant_memberships set role = 'member' where user_id = $1`, [b.owner])).rejects.toThrow(/last owner/);
  });

  it('owners/admins create users; members cannot', async () => {
    const create = `mutation ($e: EmailAddress!) { createUser(input: { email: $e, role: member, password: "${PASSWORD}" }) { user { email role } } }`;
    expect(errorCodes(await call(create, { e: `new1@${a.slug}.test` }, await a.token('x')))).toEqual(['FORBIDDEN']);
    const ok = await call(create, { e: `new2@${a.slug}.test` }, await a.token('owner'));
    expect(ok.data!.createUser.user).toEqual({ email: `new2@${a.slug}.test`, role: 'member' });
    expect((await call(LOGIN, { slug: a.slug, email: `new2@${a.slug}.test`, password: PASSWORD })).errors).toBeUndefined();
  });
});

describe('the anonymous role can do nothing else', () => {
  it('reads no tenant data and runs no other mutation', async () => {
    expect(errorCodes(await call(`{ users { edges { node { email } } } }`))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await call(`mutation { logoutAll { revokedSessions } }`))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await call(`mutation { openAccount(input: { name: "x", type: wallet, currency: "BRL" }) { account { rowId } } }`))).toEqual(['UNAUTHENTICATED']);
  });
});
