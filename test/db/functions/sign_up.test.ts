// app.sign_up(slug, name, email, hash): a new tenant whose first user owns it.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised, fakeHash } from './helpers.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'signup');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const call = 'select * from app.sign_up($1, $2, $3, $4)';
const slug = () => `signup-${randomBytes(4).toString('hex')}`;

describe('app.sign_up', () => {
  it('creates the tenant, its user (email in lower case, with the hash) and their owner membership, and returns both ids', async () => {
    const s = slug();
    const hash = fakeHash();
    const { rows } = await committedAs(app, { role: 'fortress_anonymous' }, (c) => c.query(call, [s, '  Zeta Foods ', 'Founder@Zeta.test', hash]));
    expect(rows).toEqual([{ tenant_id: expect.any(String), user_id: expect.any(String) }]);
    const [{ tenant_id, user_id }] = rows;
    const tenant = (await owner.query('select slug, name from tenants where id = $1', [tenant_id])).rows[0];
    expect(tenant).toEqual({ slug: s, name: 'Zeta Foods' });
    const user = (await owner.query('select tenant_id, email, password_hash, is_active from users where id = $1', [user_id])).rows[0];
    expect(user).toEqual({ tenant_id, email: 'founder@zeta.test', password_hash: hash, is_active: true });
    // One membership, in the new tenant only.
    const { rows: memberships } = await owner.query('select tenant_id, role from tenant_memberships where user_id = $1', [user_id]);
    expect(memberships).toEqual([{ tenant_id, role: 'owner' }]);
  });

  it("a taken slug is a unique violation (CONFLICT), and touches no other tenant's rows", async () => {
    await asRole(app, { role: 'fortress_anonymous' }, (c) => expectSqlError(c, call, [a.slug, 'Copycat', 'copy@cat.test', fakeHash()], '23505'));
    expect((await owner.query('select name from tenants where id = $1', [a.tenantId])).rows[0].name).toBe('Tenant signup');
    // Control: a free slug works in the same way.
    await asRole(app, { role: 'fortress_anonymous' }, async (c) => expect((await c.query(call, [slug(), 'Fresh', 'f@f.test', fakeHash()])).rows).toHaveLength(1));
  });

  it('is executable by the anonymous role only', async () => {
    expect(await executors(owner, 'app.sign_up(text,text,text,text)')).toEqual(['fortress_anonymous']);
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.owner }, (c) =>
      expectSqlError(c, call, [slug(), 'Sneaky', 's@s.test', fakeHash()], '42501'),
    );
  });

  it('validates its arguments', async () => {
    await asRole(app, { role: 'fortress_anonymous' }, async (c) => {
      await expectRaised(c, call, ['Bad Slug', 'Name', 'e@e.test', fakeHash()], 'BAD_USER_INPUT', /tenantSlug is malformed/);
      await expectRaised(c, call, [slug(), ' ', 'e@e.test', fakeHash()], 'BAD_USER_INPUT', /tenantName is required/);
      await expectRaised(c, call, [slug(), 'n'.repeat(101), 'e@e.test', fakeHash()], 'BAD_USER_INPUT', /tenantName is longer than 100/);
      await expectRaised(c, call, [slug(), 'Name', 'not-an-email', fakeHash()], 'BAD_USER_INPUT', /email is malformed/);
      await expectRaised(c, call, [slug(), 'Name', 'e@e.test', 'secret'], 'BAD_USER_INPUT', /passwordHash is malformed/);
      await expectRaised(c, call, [slug(), 'Name', 'e@e.test', null], 'BAD_USER_INPUT', /passwordHash is required/);
    });
  });
});
