import { describe, expect, it } from 'vitest';
import { count, expectSqlError } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('audit');

describeTenantIsolation(
  {
    table: 'audit_logs',
    row: (fx) => fx.auditLog,
    insert: (fx) => ({ tenant_id: fx.tenantId, user_id: fx.owner, entity: 'probe', action: 'probe' }),
  },
  ctx,
);

describe('audit_logs: insert-only, read by admins', () => {
  it('a member writes entries as themselves but reads none; the owner reads them', async () => {
    const { app, a } = ctx;
    const sql = `insert into audit_logs (tenant_id, user_id, entity, action) values ($1, $2, 'x', 'y')`;
    await asUser(app, a, 'x', async (c) => {
      await c.query(sql, [a.tenantId, a.x]);
      await expectSqlError(c, sql, [a.tenantId, a.y], '42501');
      expect(await count(c, 'select count(*) as n from audit_logs')).toBe(0);
    });
    await asUser(app, a, 'owner', async (c) => {
      expect(await count(c, 'select count(*) as n from audit_logs where id = $1', [a.auditLog])).toBe(1);
      await expectSqlError(c, `update audit_logs set action = 'tampered' where id = $1`, [a.auditLog], '42501');
      await expectSqlError(c, 'delete from audit_logs where id = $1', [a.auditLog], '42501');
    });
  });
});
