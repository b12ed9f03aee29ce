// app.rotate_refresh_token(old hash, new hash): refresh-token rotation with
// reuse detection, for an active member of the session's tenant only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised, tokenHash } from './helpers.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'rotate');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

/** A session of `userId` whose refresh token hashes to the returned hash. */
async function session(userId: string, expiresIn = '30 days') {
  const hash = tokenHash();
  const { rows } = await owner.query(
    `insert into sessions (tenant_id, user_id, refresh_token_hash, expires_at) values ($1, $2, $3, now() + $4::interval) returning id`,
    [a.tenantId, userId, hash, expiresIn],
  );
  return { id: rows[0].id as string, hash };
}
const rotate = async (oldHash: string, newHash = tokenHash()) =>
  (await committedAs(app, { role: 'fortress_anonymous' }, (c) => c.query('select * from app.rotate_refresh_token($1, $2)', [oldHash, newHash]))).rows[0];
const stored = async (id: string) => (await owner.query('select refresh_token_hash, revoked_at from sessions where id = $1', [id])).rows[0];

describe('app.rotate_refresh_token', () => {
  it('rotates a live token: ok with the session, tenant, user and role, and the new hash stored', async () => {
    const s = await session(a.x);
    const next = tokenHash();
    expect(await rotate(s.hash, next)).toEqual({ status: 'ok', session_id: s.id, tenant_id: a.tenantId, user_id: a.x, role: 'member' });
    expect(await stored(s.id)).toEqual({ refresh_token_hash: next, revoked_at: null });
    // The rotated-out token is kept (as its hash) for reuse detection.
    expect((await owner.query('select session_id from rotated_refresh_tokens where token_hash = $1', [s.hash])).rows).toEqual([{ session_id: s.id }]);
  });

  it('a token presented again is reuse: the session is revoked', async () => {
    const s = await session(a.x);
    await rotate(s.hash);
    expect(await rotate(s.hash)).toEqual({ status: 'reused', session_id: s.id, tenant_id: null, user_id: null, role: null });
    expect((await stored(s.id)).revoked_at).toBeInstanceOf(Date);
  });

  it('unknown, expired and revoked tokens are refused without rotating', async () => {
    expect((await rotate(tokenHash())).status).toBe('invalid');
    const expired = await session(a.x, '-1 minute');
    expect(await rotate(expired.hash)).toMatchObject({ status: 'expired', session_id: expired.id });
    expect((await stored(expired.id)).refresh_token_hash).toBe(expired.hash);
    const revoked = await session(a.x);
    await owner.query('update sessions set revoked_at = now() where id = $1', [revoked.id]);
    expect((await rotate(revoked.hash)).status).toBe('revoked');
    expect((await stored(revoked.id)).refresh_token_hash).toBe(revoked.hash);
  });

  it('re-applies the membership filter: a user removed from the tenant, or inactive, is revoked and not rotated', async () => {
    const removed = await session(a.y);
    await owner.query('delete from tenant_memberships where tenant_id = $1 and user_id = $2', [a.tenantId, a.y]);
    try {
      expect(await rotate(removed.hash)).toMatchObject({ status: 'revoked', role: null });
      expect((await stored(removed.id)).refresh_token_hash).toBe(removed.hash);
    } finally {
      await owner.query(`insert into tenant_memberships (tenant_id, user_id, role) values ($1, $2, 'member')`, [a.tenantId, a.y]);
    }
    // Control: a member again, the same token rotates.
    expect((await rotate(removed.hash)).status).toBe('ok');

    const inactive = await session(a.admin);
    await owner.query('update users set is_active = false where id = $1', [a.admin]);
    try {
      expect((await rotate(inactive.hash)).status).toBe('revoked');
    } finally {
      await owner.query('update users set is_active = true where id = $1', [a.admin]);
    }
    expect(await rotate(inactive.hash)).toMatchObject({ status: 'ok', role: 'admin' });
  });

  it('is executable by the anonymous role only', async () => {
    expect(await executors(owner, 'app.rotate_refresh_token(text,text)')).toEqual(['fortress_anonymous']);
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.x }, (c) =>
      expectSqlError(c, 'select * from app.rotate_refresh_token($1, $2)', [tokenHash(), tokenHash()], '42501'),
    );
  });

  it('validates its arguments', async () => {
    const same = tokenHash();
    await asRole(app, { role: 'fortress_anonymous' }, async (c) => {
      const call = 'select * from app.rotate_refresh_token($1, $2)';
      await expectRaised(c, call, ['not-a-hash', tokenHash()], 'BAD_USER_INPUT', /oldHash is malformed/);
      await expectRaised(c, call, [tokenHash(), tokenHash().toUpperCase()], 'BAD_USER_INPUT', /newHash is malformed/);
      await expectRaised(c, call, [null, tokenHash()], 'BAD_USER_INPUT', /oldHash is required/);
      await expectRaised(c, call, [same, same], 'BAD_USER_INPUT', /must differ/);
    });
  });
});
