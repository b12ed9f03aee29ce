// app.login_lookup(tenant slug, email): the one place a password hash leaves
// the database, so it returns as little as it can (sql/functions/auth.sql).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { executors, expectRaised, fakeHash } from './helpers.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;
const hashX = fakeHash();

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'lookup-a');
  b = await createTenant(owner, 'lookup-b');
  await owner.query('update users set password_hash = $2 where id = $1', [a.x, hashX]);
  await owner.query('update users set password_hash = $2 where id = $1', [a.owner, fakeHash()]);
  await owner.query('update users set password_hash = $2 where id = $1', [a.invitee, fakeHash()]);
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const lookup = (slug: string | null, email: string | null) =>
  asRole(app, { role: 'fortress_anonymous' }, async (c) => (await c.query('select * from app.login_lookup($1, $2)', [slug, email])).rows);

describe('app.login_lookup', () => {
  it('returns exactly the tenant, user, role and hash of an account that can sign in', async () => {
    expect(await lookup(a.slug, `x@${a.slug}.test`)).toEqual([{ tenant_id: a.tenantId, user_id: a.x, role: 'member', password_hash: hashX }]);
    expect((await lookup(a.slug, `owner@${a.slug}.test`))[0]).toMatchObject({ user_id: a.owner, role: 'owner' });
    // Slug and email in any case.
    expect(await lookup(a.slug.toUpperCase(), `X@${a.slug.toUpperCase()}.TEST`)).toHaveLength(1);
  });

  it('returns no row, and so no hash, for an account that cannot sign in', async () => {
    expect(await lookup(a.slug, `nobody@${a.slug}.test`), 'unknown email').toEqual([]);
    expect(await lookup('no-such-tenant', `x@${a.slug}.test`), 'unknown tenant').toEqual([]);
    expect(await lookup(a.slug, `y@${a.slug}.test`), 'no password').toEqual([]);
    expect(await lookup(a.slug, `invitee@${a.slug}.test`), 'a password but no membership').toEqual([]);
    await owner.query('update users set is_active = false where id = $1', [a.owner]);
    try {
      expect(await lookup(a.slug, `owner@${a.slug}.test`), 'inactive').toEqual([]);
    } finally {
      await owner.query('update users set is_active = true where id = $1', [a.owner]);
    }
    // Control: the same account, active again, is found.
    expect(await lookup(a.slug, `owner@${a.slug}.test`)).toHaveLength(1);
  });

  it("re-applies the tenant filter: an email is looked up in the named tenant only, though the owner's policy sees every tenant", async () => {
    const email = `shared-${a.slug}@example.test`;
    const inA = (await owner.query('insert into users (tenant_id, email, password_hash) values ($1, $2, $3) returning id', [a.tenantId, email, fakeHash()])).rows[0].id;
    const inB = (await owner.query('insert into users (tenant_id, email, password_hash) values ($1, $2, $3) returning id', [b.tenantId, email, fakeHash()])).rows[0].id;
    await owner.query(`insert into tenant_memberships (tenant_id, user_id, role) values ($1, $2, 'member'), ($3, $4, 'admin')`, [a.tenantId, inA, b.tenantId, inB]);
    expect(await lookup(a.slug, email)).toEqual([expect.objectContaining({ tenant_id: a.tenantId, user_id: inA, role: 'member' })]);
    expect(await lookup(b.slug, email)).toEqual([expect.objectContaining({ tenant_id: b.tenantId, user_id: inB, role: 'admin' })]);
    // A's member is not found under B's slug, though the row exists.
    expect(await lookup(b.slug, `x@${a.slug}.test`)).toEqual([]);
  });

  it('is executable by the anonymous role only', async () => {
    expect(await executors(owner, 'app.login_lookup(text,text)')).toEqual(['fortress_anonymous']);
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.x }, (c) =>
      expectSqlError(c, 'select * from app.login_lookup($1, $2)', [a.slug, `x@${a.slug}.test`], '42501'),
    );
    const c = await app.connect();
    try {
      await c.query('begin');
      await expectSqlError(c, 'select * from app.login_lookup($1, $2)', [a.slug, `x@${a.slug}.test`], '42501');
    } finally {
      await c.query('rollback');
      c.release();
    }
    // Control: as anonymous the same call answers.
    expect(await lookup(a.slug, `x@${a.slug}.test`)).toHaveLength(1);
  });

  it('validates its arguments', async () => {
    await asRole(app, { role: 'fortress_anonymous' }, async (c) => {
      await expectRaised(c, 'select * from app.login_lookup($1, $2)', [null, 'x@example.test'], 'BAD_USER_INPUT', /tenantSlug is required/);
      await expectRaised(c, 'select * from app.login_lookup($1, $2)', [a.slug, ' '], 'BAD_USER_INPUT', /email is required/);
      await expectRaised(c, 'select * from app.login_lookup($1, $2)', [a.slug, `${'x'.repeat(250)}@a.test`], 'BAD_USER_INPUT', /email is longer than 254/);
      await expectRaised(c, 'select * from app.login_lookup($1, $2)', ['s'.repeat(64), 'x@example.test'], 'BAD_USER_INPUT', /tenantSlug/);
    });
  });
});
