// app.record_login_failure(tenant slug, email, ip, user agent): a failed
// sign-in, recorded in the named tenant with a reason decided from the
// account's state, and counted on the user.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, count, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised, fakeHash } from './helpers.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'failure-a');
  b = await createTenant(owner, 'failure-b');
  await owner.query('update users set password_hash = $2 where id = any($1)', [[a.x, a.owner, a.invitee, b.x], fakeHash()]);
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const fail = (slug: string, email: string, ip: string | null = '203.0.113.9', ua: string | null = 'test-agent') =>
  committedAs(app, { role: 'fortress_anonymous' }, (c) => c.query('select app.record_login_failure($1, $2, $3, $4)', [slug, email, ip, ua]));

const lastAttempt = async (tenantId: string, email: string) =>
  (
    await owner.query(
      `select user_id, email, ip, user_agent, success, reason from login_history
        where tenant_id = $1 and email = $2 order by created_at desc limit 1`,
      [tenantId, email],
    )
  ).rows[0];
const attempts = async (userId: string) => (await owner.query('select login_attempts as n from users where id = $1', [userId])).rows[0].n as number;

describe('app.record_login_failure', () => {
  it('records a wrong password for an account that can sign in, and counts it on the user', async () => {
    const before = await attempts(a.x);
    await fail(a.slug, `X@${a.slug}.test`);
    expect(await lastAttempt(a.tenantId, `x@${a.slug}.test`)).toEqual({
      user_id: a.x, email: `x@${a.slug}.test`, ip: '203.0.113.9', user_agent: 'test-agent', success: false, reason: 'wrong_password',
    });
    expect(await attempts(a.x)).toBe(before + 1);
  });

  it('decides the reason from the account: unknown user, no password, no membership, inactive', async () => {
    await fail(a.slug, `nobody@${a.slug}.test`, null, null);
    expect(await lastAttempt(a.tenantId, `nobody@${a.slug}.test`)).toMatchObject({ user_id: null, reason: 'unknown_user', ip: null });
    await fail(a.slug, `y@${a.slug}.test`);
    expect(await lastAttempt(a.tenantId, `y@${a.slug}.test`)).toMatchObject({ user_id: a.y, reason: 'no_password' });
    await fail(a.slug, `invitee@${a.slug}.test`);
    expect(await lastAttempt(a.tenantId, `invitee@${a.slug}.test`)).toMatchObject({ user_id: a.invitee, reason: 'no_membership' });
    await owner.query('update users set is_active = false where id = $1', [a.owner]);
    try {
      await fail(a.slug, `owner@${a.slug}.test`);
    } finally {
      await owner.query('update users set is_active = true where id = $1', [a.owner]);
    }
    expect(await lastAttempt(a.tenantId, `owner@${a.slug}.test`)).toMatchObject({ user_id: a.owner, reason: 'inactive' });
  });

  it('re-applies the tenant filter: the attempt lands in the named tenant only', async () => {
    const email = `x@${b.slug}.test`;
    const [inA, inB] = [await count(owner, 'select count(*) as n from login_history where tenant_id = $1 and email = $2', [a.tenantId, email]), await attempts(b.x)];
    // B's member, tried under A's slug: an unknown user of A; B's user is not touched.
    await fail(a.slug, email);
    expect(await lastAttempt(a.tenantId, email)).toMatchObject({ user_id: null, reason: 'unknown_user' });
    expect(await count(owner, 'select count(*) as n from login_history where tenant_id = $1 and email = $2', [a.tenantId, email])).toBe(inA + 1);
    expect(await attempts(b.x)).toBe(inB);
    // Control: under B's own slug it is B's user that is counted.
    await fail(b.slug, email);
    expect(await lastAttempt(b.tenantId, email)).toMatchObject({ user_id: b.x, reason: 'wrong_password' });
    expect(await attempts(b.x)).toBe(inB + 1);
  });

  it('records nothing for an unknown tenant', async () => {
    const email = `ghost-${a.slug}@example.test`;
    await fail('no-such-tenant', email);
    expect(await count(owner, 'select count(*) as n from login_history where email = $1', [email])).toBe(0);
    // Control: the same email in a known tenant is recorded.
    await fail(a.slug, email);
    expect(await count(owner, 'select count(*) as n from login_history where email = $1', [email])).toBe(1);
  });

  it('is executable by the anonymous role only', async () => {
    expect(await executors(owner, 'app.record_login_failure(text,text,text,text)')).toEqual(['fortress_anonymous']);
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.x }, (c) =>
      expectSqlError(c, 'select app.record_login_failure($1, $2, null, null)', [a.slug, `x@${a.slug}.test`], '42501'),
    );
    // Control: as anonymous the same call runs.
    await asRole(app, { role: 'fortress_anonymous' }, (c) => c.query('select app.record_login_failure($1, $2, null, null)', [a.slug, `x@${a.slug}.test`]));
  });

  it('validates its arguments', async () => {
    await asRole(app, { role: 'fortress_anonymous' }, async (c) => {
      const call = 'select app.record_login_failure($1, $2, $3, $4)';
      await expectRaised(c, call, [a.slug, null, null, null], 'BAD_USER_INPUT', /email is required/);
      await expectRaised(c, call, ['', 'x@a.test', null, null], 'BAD_USER_INPUT', /tenantSlug is required/);
      await expectRaised(c, call, [a.slug, 'x@a.test', '1'.repeat(65), null], 'BAD_USER_INPUT', /ip is longer than 64/);
      await expectRaised(c, call, [a.slug, 'x@a.test', null, 'u'.repeat(513)], 'BAD_USER_INPUT', /userAgent is longer than 512/);
    });
  });
});
