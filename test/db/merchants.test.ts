import { describe, expect, it } from 'vitest';
import { count } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('merchants');

describeTenantIsolation(
  { table: 'merchants', row: (fx) => fx.merchant, insert: (fx) => ({ tenant_id: fx.tenantId, name: 'probe' }), update: `name = name || '!'` },
  ctx,
);

describe('merchants: readable by every user of the tenant, writable by admins', () => {
  it('a member reads it but cannot change it; the owner can', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'x', async (c) => {
      expect(await count(c, 'select count(*) as n from merchants where id = $1', [a.merchant])).toBe(1);
      expect((await c.query(`update merchants set name = name || '!' where id = $1`, [a.merchant])).rowCount).toBe(0);
      expect((await c.query('delete from merchants where id = $1', [a.merchant])).rowCount).toBe(0);
    });
    await asUser(app, a, 'admin', async (c) => {
      expect((await c.query(`update merchants set name = name || '!' where id = $1`, [a.merchant])).rowCount).toBe(1);
    });
  });
});
