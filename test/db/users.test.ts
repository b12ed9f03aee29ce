import { describe, expect, it } from 'vitest';
import { count, expectSqlError } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('users');

describeTenantIsolation(
  {
    table: 'users',
    row: (fx) => fx.y,
    insert: (fx) => ({ tenant_id: fx.tenantId, email: `probe-${fx.slug}@x.test` }),
    update: `display_name = 'probe'`,
  },
  ctx,
);

describe('users: inside a tenant', () => {
  it('a member sees only themselves; the owner sees all five', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'x', async (c) => {
      expect((await c.query('select id from users')).rows.map((r) => r.id)).toEqual([a.x]);
    });
    await asUser(app, a, 'owner', async (c) => {
      expect(await count(c, 'select count(*) as n from users')).toBe(5);
    });
  });

  it('no app role can read password hashes or lockout counters', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'owner', async (c) => {
      await expectSqlError(c, 'select password_hash from users', [], '42501');
      await expectSqlError(c, 'select login_attempts, locked_until from users', [], '42501');
      expect(await count(c, 'select count(email) as n from users')).toBe(5);
    });
  });

  it('a member cannot create users; the owner can', async () => {
    const { app, a } = ctx;
    const sql = 'insert into users (tenant_id, email) values ($1, $2)';
    await asUser(app, a, 'x', async (c) => expectSqlError(c, sql, [a.tenantId, `new@${a.slug}.test`], '42501'));
    await asUser(app, a, 'owner', async (c) => c.query(sql, [a.tenantId, `new@${a.slug}.test`]));
  });

  it('emails are unique per tenant, case-insensitively, but may repeat across tenants', async () => {
    const { owner, a, b } = ctx;
    const sql = 'insert into users (tenant_id, email) values ($1, $2)';
    await expect(owner.query(sql, [a.tenantId, `X@${a.slug}.TEST`])).rejects.toMatchObject({ code: '23505' });
    const c = await owner.connect();
    try {
      await c.query('begin');
      await c.query(sql, [b.tenantId, `x@${a.slug}.test`]);
    } finally {
      await c.query('rollback');
      c.release();
    }
  });
});
