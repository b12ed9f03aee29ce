import { describe, expect, it } from 'vitest';
import { count } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('tenants');

describeTenantIsolation(
  { table: 'tenants', row: (fx) => fx.tenantId, tenantColumn: 'id', update: `name = name || '!'` },
  ctx,
);

describe('tenants: inside a tenant', () => {
  it('a member sees their tenant but cannot rename it; the owner can', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'x', async (c) => {
      expect(await count(c, 'select count(*) as n from tenants')).toBe(1);
      expect((await c.query(`update tenants set name = 'x' where id = $1`, [a.tenantId])).rowCount).toBe(0);
    });
    await asUser(app, a, 'owner', async (c) => {
      expect((await c.query(`update tenants set name = 'renamed' where id = $1`, [a.tenantId])).rowCount).toBe(1);
    });
  });
});
