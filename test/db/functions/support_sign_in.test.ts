// The support sign-in functions and the support branch of the session check
// (sql/functions/support.sql, sql/functions/auth.sql): who may call them,
// what they refuse, and that a support token's session is checked in the
// request's first statement.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { executors, expectRaised } from './helpers.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
const HASH = `$argon2id$v=19$m=19456,t=2,p=1$${randomBytes(16).toString('base64')}$aGFzaA`;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'support-sign-in');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const newStaff = async (active = true) => {
  const email = `fn-${randomBytes(4).toString('hex')}@support.test`;
  const { rows } = await owner.query(`insert into support_staff (email, display_name, password_hash, is_active) values ($1, 'Fn', $2, $3) returning id`, [email, HASH, active]);
  return { id: rows[0].id as string, email };
};

describe('who may call them', () => {
  it('sign-in steps: the anonymous role only; logout and the access record: support only; the staff lookup: users only', async () => {
    for (const fn of ['app.support_login_lookup(text)', 'app.record_support_login_failure(text)', 'app.support_sign_in(uuid,text,integer,text,text)']) {
      expect(await executors(owner, fn), fn).toEqual(['fortress_anonymous']);
    }
    expect(await executors(owner, 'app.support_logout()')).toEqual(['fortress_support']);
    expect(await executors(owner, 'app.record_support_access(text,jsonb)')).toEqual(['fortress_support']);
    expect(await executors(owner, 'app.support_staff_id(text)')).toEqual(['fortress_user']);
  });
});

describe('app.support_login_lookup', () => {
  it('returns the hash of an active staff member (any case), nothing for a disabled or unknown one', async () => {
    const live = await newStaff();
    const off = await newStaff(false);
    await asRole(app, { role: 'fortress_anonymous' }, async (c) => {
      expect((await c.query('select * from app.support_login_lookup($1)', [live.email.toUpperCase()])).rows).toEqual([{ staff_id: live.id, password_hash: HASH }]);
      expect((await c.query('select * from app.support_login_lookup($1)', [off.email])).rows).toEqual([]);
      expect((await c.query('select * from app.support_login_lookup($1)', ['nobody@support.test'])).rows).toEqual([]);
      await expectRaised(c, 'select * from app.support_login_lookup($1)', [''], 'BAD_USER_INPUT', /email/);
    });
  });
});

describe('app.support_sign_in', () => {
  it('opens a session only with a live grant, for at most the TTL and never past the grant', async () => {
    const s = await newStaff();
    await asRole(app, { role: 'fortress_anonymous' }, async (c) => {
      await expectRaised(c, 'select * from app.support_sign_in($1, $2, 3600, null, null)', [s.id, a.slug], 'FORBIDDEN', /not granted support access/);
      await expectRaised(c, 'select * from app.support_sign_in($1, $2, 3600, null, null)', [s.id, 'no-such-tenant'], 'FORBIDDEN');
      await expectRaised(c, 'select * from app.support_sign_in($1, $2, 3601, null, null)', [s.id, a.slug], 'BAD_USER_INPUT', /ttlSeconds/);
    });
    await owner.query(`insert into support_grants (tenant_id, staff_id, reason, created_by, expires_at) values ($1, $2, 'x', $3, now() + interval '10 minutes')`, [
      a.tenantId, s.id, a.admin,
    ]);
    await asRole(app, { role: 'fortress_anonymous' }, async (c) => {
      const { rows } = await c.query(
        `select session_id, tenant_id, expires_at <= now() + interval '10 minutes' as within_grant, expires_at > now() + interval '9 minutes' as near_grant
           from app.support_sign_in($1, $2, 3600, '10.0.0.1', 'probe')`,
        [s.id, a.slug],
      );
      expect(rows[0]).toMatchObject({ tenant_id: a.tenantId, within_grant: true, near_grant: true });
      const { rows: short } = await c.query(`select expires_at <= now() + interval '60 seconds' as short from app.support_sign_in($1, $2, 60, null, null)`, [s.id, a.slug]);
      expect(short[0].short).toBe(true);
    });
    await owner.query('update support_staff set is_active = false where id = $1', [s.id]);
    await asRole(app, { role: 'fortress_anonymous' }, (c) =>
      expectRaised(c, 'select * from app.support_sign_in($1, $2, 3600, null, null)', [s.id, a.slug], 'UNAUTHENTICATED'),
    );
  });
});

describe('app.require_live_session for fortress_support', () => {
  it('passes a live session of the token\'s staff member; refuses none, a revoked or expired one, another staff member\'s, or a disabled member', async () => {
    const check = (c: pg.PoolClient, session: string, staff: string) =>
      c.query(`select app.require_live_session('fortress_support', $1, $2) as ok`, [session, staff]);
    const s = await newStaff();
    const other = await newStaff();
    const live = (await owner.query(`insert into support_sessions (staff_id, tenant_id, expires_at) values ($1, $2, now() + interval '5 minutes') returning id`, [s.id, a.tenantId])).rows[0].id;
    const revoked = (await owner.query(`insert into support_sessions (staff_id, tenant_id, expires_at, revoked_at) values ($1, $2, now() + interval '5 minutes', now()) returning id`, [s.id, a.tenantId])).rows[0].id;
    const c = await app.connect();
    try {
      await c.query('begin');
      expect((await check(c, live, s.id)).rows[0].ok).toBe(true);
      for (const [session, staff] of [['', s.id], [revoked, s.id], [live, other.id], [live, '']]) {
        await expectRaised(c, `select app.require_live_session('fortress_support', $1, $2)`, [session, staff], 'UNAUTHENTICATED');
      }
      await owner.query('update support_staff set is_active = false, disabled_at = now() where id = $1', [s.id]);
      await expectRaised(c, `select app.require_live_session('fortress_support', $1, $2)`, [live, s.id], 'UNAUTHENTICATED');
      // A user's session id is no support session.
      await expectRaised(c, `select app.require_live_session('fortress_support', $1, $2)`, [a.sessionX, a.x], 'UNAUTHENTICATED');
    } finally {
      await c.query('rollback');
      c.release();
    }
  });
});
