// support_grants and support_access_logs (issue 12): a tenant's owners/admins
// grant support access (at most 7 days), revoke it one-way, and read the
// access log; members, partners and support staff see and write neither
// (sql/rls/support_grants.sql, sql/rls/support_access_logs.sql).
import { describe, expect, it } from 'vitest';
import { asRole, count, expectSqlError } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('support-grants');

describeTenantIsolation(
  {
    table: 'support_grants',
    row: (fx) => fx.supportGrant,
    insert: (fx) => ({ tenant_id: fx.tenantId, staff_id: fx.supportStaff, reason: 'probe', created_by: fx.owner, expires_at: new Date(Date.now() + 3_600_000) }),
    update: `revoked_at = now(), revoked_by = app.current_user_id()`,
  },
  ctx,
);

describe('support_grants: owners/admins only', () => {
  it('members see no grant and cannot grant; the admin sees and grants (control)', async () => {
    const { app, a } = ctx;
    const grant = [a.tenantId, a.supportStaff, 'help', a.x];
    await asUser(app, a, 'x', async (c) => {
      expect(await count(c, 'select count(*) as n from support_grants')).toBe(0);
      expect((await c.query(`update support_grants set revoked_at = now(), revoked_by = $2 where id = $1`, [a.supportGrant, a.x])).rowCount).toBe(0);
      await expectSqlError(
        c,
        `insert into support_grants (tenant_id, staff_id, reason, created_by, expires_at) values ($1, $2, $3, $4, now() + interval '1 hour')`,
        grant,
        '42501',
      );
    });
    await asUser(app, a, 'admin', async (c) => {
      expect(await count(c, 'select count(*) as n from support_grants where id = $1', [a.supportGrant])).toBe(1);
      await c.query(
        `insert into support_grants (tenant_id, staff_id, reason, created_by, expires_at) values ($1, $2, $3, $4, now() + interval '1 hour')`,
        [a.tenantId, a.supportStaff, 'help', a.admin],
      );
    });
  });

  it('a grant lasts at most 7 days and must end after it starts', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'admin', async (c) => {
      const insert = `insert into support_grants (tenant_id, staff_id, reason, created_by, expires_at) values ($1, null, 'x', $2, now() + $3::interval)`;
      await expectSqlError(c, insert, [a.tenantId, a.admin, '7 days 1 second'], '23514');
      await expectSqlError(c, insert, [a.tenantId, a.admin, '0 seconds'], '23514');
      await expectSqlError(c, insert, [a.tenantId, a.admin, '-1 hour'], '23514');
      // Control: exactly 7 days is allowed.
      expect((await c.query(insert, [a.tenantId, a.admin, '7 days'])).rowCount).toBe(1);
    });
  });

  it('revocation is one-way, names the revoking admin, and the grant cannot be written as someone else', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'admin', async (c) => {
      // As another user: refused.
      await expectSqlError(c, `update support_grants set revoked_at = now(), revoked_by = $2 where id = $1`, [a.supportGrant, a.owner], '42501');
      await expectSqlError(
        c,
        `insert into support_grants (tenant_id, reason, created_by, expires_at) values ($1, 'x', $2, now() + interval '1 hour')`,
        [a.tenantId, a.owner],
        '42501',
      );
      expect((await c.query(`update support_grants set revoked_at = now(), revoked_by = $2 where id = $1`, [a.supportGrant, a.admin])).rowCount).toBe(1);
      // Revoked: no longer updatable (cannot be un-revoked).
      expect((await c.query(`update support_grants set revoked_at = null, revoked_by = null where id = $1`, [a.supportGrant])).rowCount).toBe(0);
      await expectSqlError(c, `update support_grants set reason = 'changed' where id = $1`, [a.supportGrant], '42501');
    });
  });

  it('partner clients and support staff hold no privilege on grants or the access log', async () => {
    const { app, owner, a } = ctx;
    for (const role of ['fortress_partner', 'fortress_support', 'fortress_anonymous'] as const) {
      await asRole(app, { role, tenantId: a.tenantId }, async (c) => {
        await expectSqlError(c, 'select 1 from support_grants', [], '42501');
        await expectSqlError(c, 'select 1 from support_access_logs', [], '42501');
      });
    }
    expect(await count(owner, 'select count(*) as n from support_grants where tenant_id = $1', [a.tenantId])).toBeGreaterThan(0);
    expect(await count(owner, 'select count(*) as n from support_access_logs where tenant_id = $1', [a.tenantId])).toBeGreaterThan(0);
  });
});

describe('support_access_logs: read by the tenant\'s owners/admins only, written by no app role', () => {
  it('the admin reads the tenant\'s log; members and the other tenant\'s admin do not', async () => {
    const { app, owner, a, b } = ctx;
    await asUser(app, a, 'admin', async (c) => expect(await count(c, 'select count(*) as n from support_access_logs')).toBe(1));
    await asUser(app, a, 'x', async (c) => expect(await count(c, 'select count(*) as n from support_access_logs')).toBe(0));
    await asUser(app, b, 'admin', async (c) => {
      expect(await count(c, 'select count(*) as n from support_access_logs where tenant_id = $1', [a.tenantId])).toBe(0);
      expect(await count(c, 'select count(*) as n from support_access_logs where tenant_id = $1', [b.tenantId])).toBe(1);
    });
    expect(await count(owner, 'select count(*) as n from support_access_logs where tenant_id = $1', [a.tenantId])).toBe(1);
  });

  it('no app role inserts, updates or deletes log rows', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'admin', async (c) => {
      await expectSqlError(
        c,
        `insert into support_access_logs (tenant_id, grant_id, staff_id, staff_email) values ($1, $2, $3, 'forged@x.test')`,
        [a.tenantId, a.supportGrant, a.supportStaff],
        '42501',
      );
      await expectSqlError(c, `update support_access_logs set operation_name = 'x'`, [], '42501');
      await expectSqlError(c, `delete from support_access_logs`, [], '42501');
    });
  });
});
