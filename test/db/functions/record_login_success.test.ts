// app.record_login_success(ip, user agent, new hash): the signed-in user's
// successful login; only for an active member of the request's tenant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised, fakeHash } from './helpers.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;
const original = fakeHash();

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'success-a');
  b = await createTenant(owner, 'success-b');
  await owner.query('update users set password_hash = $2, login_attempts = 3 where id = $1', [a.x, original]);
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const user = async (id: string) =>
  (await owner.query('select password_hash, login_attempts, last_login_at from users where id = $1', [id])).rows[0];
const successes = async (userId: string) =>
  Number((await owner.query('select count(*) as n from login_history where user_id = $1 and success', [userId])).rows[0].n);
const call = 'select app.record_login_success($1, $2, $3)';

describe('app.record_login_success', () => {
  it('resets the failure count, stamps last_login_at, records the login, and keeps the hash unless given a new one', async () => {
    await committedAs(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.x }, (c) => c.query(call, ['203.0.113.7', 'agent', null]));
    const after = await user(a.x);
    expect(after).toMatchObject({ password_hash: original, login_attempts: 0 });
    expect(after.last_login_at).toBeInstanceOf(Date);
    const { rows } = await owner.query(
      'select email, ip, user_agent, success, reason from login_history where user_id = $1 and success order by created_at desc limit 1',
      [a.x],
    );
    expect(rows[0]).toEqual({ email: `x@${a.slug}.test`, ip: '203.0.113.7', user_agent: 'agent', success: true, reason: null });

    const rehash = fakeHash();
    await committedAs(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.x }, (c) => c.query(call, [null, null, rehash]));
    expect((await user(a.x)).password_hash).toBe(rehash);
  });

  it('re-applies the tenant and membership filters: FORBIDDEN for a user outside the tenant or without a membership', async () => {
    const before = { x: await user(a.x), invitee: await user(a.invitee), history: await successes(a.x) };
    // A's member, claiming tenant B.
    await asRole(app, { role: 'fortress_user', tenantId: b.tenantId, userId: a.x }, (c) =>
      expectRaised(c, call, [null, null, fakeHash()], 'FORBIDDEN', /No active member/),
    );
    // A user of A with no membership.
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.invitee }, (c) =>
      expectRaised(c, call, [null, null, null], 'FORBIDDEN'),
    );
    // An inactive member.
    await owner.query('update users set is_active = false where id = $1', [a.y]);
    try {
      await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.y }, (c) => expectRaised(c, call, [null, null, null], 'FORBIDDEN'));
    } finally {
      await owner.query('update users set is_active = true where id = $1', [a.y]);
    }
    expect({ x: await user(a.x), invitee: await user(a.invitee), history: await successes(a.x) }).toEqual(before);
    // Control: the same call in A's own tenant succeeds.
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.x }, (c) => c.query(call, [null, null, null]));
  });

  it('is executable by fortress_user only', async () => {
    expect(await executors(owner, 'app.record_login_success(text,text,text)')).toEqual(['fortress_user']);
    await asRole(app, { role: 'fortress_anonymous', tenantId: a.tenantId, userId: a.x }, (c) => expectSqlError(c, call, [null, null, null], '42501'));
  });

  it('validates its arguments', async () => {
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.x }, async (c) => {
      await expectRaised(c, call, [null, null, 'plaintext-password'], 'BAD_USER_INPUT', /passwordHash is malformed/);
      await expectRaised(c, call, [null, null, '$2b$10$bcryptbcryptbcryptbcryptbcryptbcryptbcryptbcryptbcryp'], 'BAD_USER_INPUT', /passwordHash is malformed/);
      await expectRaised(c, call, ['1'.repeat(65), null, null], 'BAD_USER_INPUT', /ip/);
    });
  });
});
