// Instant revocation (issue 12, item 5): an access token stops working the
// moment its session ends — logout, logoutAll, revokeSession, a password
// change, refresh-token reuse, expiry — because the request transaction's
// first statement checks the session (app.require_live_session) in the same
// round trip that sets the identity. Each denial is paired with a control: a
// token of a live session, same user and tenant, still works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { decodeJwt } from 'jose';
import { authenticatorPool, errorCodes, gql, graphql, ownerPool, signToken, spyOnWire, testApp } from '../helpers.js';
import { createTenant, type FixtureUser, type TenantFixture } from '../fixtures.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { Login, RefreshSession } from './documents.js';

const PASSWORD = 'revocation-passphrase-long';
let owner: pg.Pool;
let app: Awaited<ReturnType<typeof testApp>>;
let passwordHash: string;

beforeAll(async () => {
  owner = ownerPool();
  app = await testApp({ authPolicy: { perAddressPerMinute: 10_000 } });
  passwordHash = await hashPassword(PASSWORD);
});
afterAll(async () => {
  await app.close();
  await owner.end();
});

const LogoutNow = graphql(`
  mutation RevocationLogout { logout { revokedSessions } }
`);
const LogoutEverywhere = graphql(`
  mutation RevocationLogoutAll { logoutAll { revokedSessions } }
`);
const NewPassword = graphql(`
  mutation RevocationChangePassword($input: ChangePasswordInput!) { changePassword(input: $input) { revokedSessions } }
`);

const signIn = async (fx: TenantFixture, who: FixtureUser) => {
  const r = await gql(app.yoga, Login, { variables: { input: { tenantSlug: fx.slug, email: `${who}@${fx.slug}.test`, password: PASSWORD } } });
  expect(r.errors).toBeUndefined();
  return r.data!.login;
};

/** The token's request: its user's rowId, or its error codes and HTTP status. */
async function me(token: string) {
  const res = await app.yoga.fetch('http://localhost/graphql', {
method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: 'query { viewer { user { rowId } } }' }),
  });
  const body = (await res.json()) as { data?: { viewer: { user: { rowId: string } | null } | null } | null; errors?: { message: string; extensions: { code: string } }[] };
  return { status: res.status, rowId: body.data?.viewer?.user?.rowId, codes: (body.errors ?? []).map((e) => e.extensions.code), message: body.errors?.[0]?.message };
}

describe('an access token stops working the moment its session ends', () => {
  it('logout: the same token is UNAUTHENTICATED (401) on the very next request; another session of the user still works', async () => {
    const t = await createTenant(owner, 'revoke-logout', { passwordHash });
    const a = await signIn(t, 'x');
    const b = await signIn(t, 'x');
    expect((await me(a.accessToken)).rowId).toBe(t.x);
    expect((await gql(app.yoga, LogoutNow, { token: a.accessToken })).data!.logout.revokedSessions).toBe(1);
    const after = await me(a.accessToken);
    expect(after.codes).toEqual(['UNAUTHENTICATED']);
    expect(after.status).toBe(401);
    expect(after.message).toMatch(/session was revoked or has expired/);
    // Control: the user's other session, same user and tenant.
    expect((await me(b.accessToken)).rowId).toBe(t.x);
  });

  it('logoutAll from one device ends the access tokens of every session, its own included', async () => {
    const t = await createTenant(owner, 'revoke-all', { passwordHash });
    const phone = await signIn(t, 'y');
    const laptop = await signIn(t, 'y');
    const colleague = await signIn(t, 'x');
    expect((await gql(app.yoga, LogoutEverywhere, { token: laptop.accessToken })).data!.logoutAll.revokedSessions).toBe(2);
    expect((await me(phone.accessToken)).codes).toEqual(['UNAUTHENTICATED']);
    expect((await me(laptop.accessToken)).codes).toEqual(['UNAUTHENTICATED']);
    expect((await me(colleague.accessToken)).rowId).toBe(t.x);
  });

  it('changePassword ends the other sessions at once and keeps the current one', async () => {
    const t = await createTenant(owner, 'revoke-password', { passwordHash });
    const keep = await signIn(t, 'admin');
    const stolen = await signIn(t, 'admin');
    const r = await gql(app.yoga, NewPassword, { token: keep.accessToken, variables: { input: { currentPassword: PASSWORD, newPassword: 'a-brand-new-passphrase' } } });
    expect(r.data!.changePassword.revokedSessions).toBe(1);
    expect((await me(stolen.accessToken)).codes).toEqual(['UNAUTHENTICATED']);
    expect((await me(keep.accessToken)).rowId).toBe(t.admin);
  });

  it('refresh-token reuse revokes the session and with it every access token issued in it', async () => {
    const t = await createTenant(owner, 'revoke-reuse', { passwordHash });
    const first = await signIn(t, 'x');
    const rotated = await gql(app.yoga, RefreshSession, { variables: { input: { refreshToken: first.refreshToken } } });
    const current = rotated.data!.refreshSession.accessToken;
    expect((await me(current)).rowId).toBe(t.x);
    expect(errorCodes(await gql(app.yoga, RefreshSession, { variables: { input: { refreshToken: first.refreshToken } } }))).toEqual(['SESSION_REVOKED']);
    expect((await me(current)).codes).toEqual(['UNAUTHENTICATED']);
    expect((await me(first.accessToken)).codes).toEqual(['UNAUTHENTICATED']);
  });

  it('an expired session (its refresh lifetime over) refuses its access tokens; a revocation made directly in the database counts too', async () => {
    const t = await createTenant(owner, 'revoke-expired', { passwordHash });
    const expiring = await signIn(t, 'y');
    const revokedBySql = await signIn(t, 'y');
    const live = await signIn(t, 'y');
    await owner.query(`update sessions set expires_at = now() - interval '1 second' where id = $1`, [decodeJwt(expiring.accessToken).sid]);
    await owner.query(`update sessions set revoked_at = now() where id = $1`, [decodeJwt(revokedBySql.accessToken).sid]);
    expect((await me(expiring.accessToken)).codes).toEqual(['UNAUTHENTICATED']);
    expect((await me(revokedBySql.accessToken)).codes).toEqual(['UNAUTHENTICATED']);
    expect((await me(live.accessToken)).rowId).toBe(t.y);
  });

  it("a token whose session id names another user's session is refused", async () => {
    const t = await createTenant(owner, 'revoke-foreign', { passwordHash });
    const xs = await signIn(t, 'x');
    const forged = await signToken(t.y, t.tenantId, 'member', decodeJwt(xs.accessToken).sid as string);
    expect((await me(forged)).codes).toEqual(['UNAUTHENTICATED']);
    expect((await me(xs.accessToken)).rowId).toBe(t.x);
  });

  it('costs no extra round trip: the check travels in the one message that begins the transaction and sets the identity', async () => {
    const t = await createTenant(owner, 'revoke-trips', { passwordHash });
    const s = await signIn(t, 'x');
    // What each connection really sends (BEGIN merged into the identity statement).
    const wire = await testApp();
    const sent: string[] = [];
    spyOnWire(wire.database.pool, (sql) => sent.push(sql));
    try {
      const res = await gql(wire.yoga, `query { viewer { user { rowId } } }`, { token: s.accessToken });
      expect((res.data as { viewer: { user: { rowId: string } } }).viewer.user.rowId).toBe(t.x);
      expect(sent[0]).toMatch(/^BEGIN; select set_config\('role', 'fortress_user', true\).*, app\.require_live_session\('fortress_user', '[0-9a-f-]{36}', '[0-9a-f-]{36}'\)$/s);
      // That message, the viewer query, COMMIT.
      expect(sent).toHaveLength(3);
      expect(sent[2]).toBe('COMMIT');
    } finally {
      await wire.close();
    }
  });
});

describe('app.require_live_session at the SQL level', () => {
  it('true for no session id or a live session; FORTRESS:UNAUTHENTICATED for a revoked one, as any app role', async () => {
    const t = await createTenant(owner, 'revoke-sql', { passwordHash });
    const s = await signIn(t, 'x');
    const sid = decodeJwt(s.accessToken).sid as string;
    const auth = authenticatorPool();
    try {
      const check = (role: string, session: string, subject: string) =>
        auth.query(`select app.require_live_session($1, $2, $3) as ok`, [role, session, subject]).then((r) => r.rows[0].ok as boolean);
      expect(await check('fortress_user', '', '')).toBe(true);
      expect(await check('fortress_user', sid, t.x)).toBe(true);
      await expect(check('fortress_user', sid, t.y)).rejects.toThrow(/FORTRESS:UNAUTHENTICATED/);
      // A user's session never vouches for another kind of caller.
      await expect(check('fortress_partner', sid, t.x)).rejects.toThrow(/FORTRESS:UNAUTHENTICATED/);
      await owner.query(`update sessions set revoked_at = now() where id = $1`, [sid]);
      await expect(check('fortress_user', sid, t.x)).rejects.toThrow(/FORTRESS:UNAUTHENTICATED/);
      // Control: the row is there, revoked.
      expect((await owner.query(`select revoked_at is not null as r from sessions where id = $1`, [sid])).rows[0].r).toBe(true);
    } finally {
      await auth.end();
    }
  });
});
