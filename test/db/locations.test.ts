import { describe, expect, it } from 'vitest';
import { count } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('locations');

describeTenantIsolation(
  { table: 'locations', row: (fx) => fx.location, insert: (fx) => ({ tenant_id: fx.tenantId, code: 'PROBE', name: 'probe' }), update: `name = name || '!'` },
  ctx,
);

describe('locations: readable by every user of the tenant, writable by admins', () => {
  it('a member reads it but cannot change it; the owner can', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'x', async (c) => {
      expect(await count(c, 'select count(*) as n from locations where id = $1', [a.location])).toBe(1);
      expect((await c.query(`update locations set name = name || '!' where id = $1`, [a.location])).rowCount).toBe(0);
      expect((await c.query('delete from locations where id = $1', [a.location])).rowCount).toBe(0);
    });
    await asUser(app, a, 'admin', async (c) => {
      expect((await c.query(`update locations set name = name || '!' where id = $1`, [a.location])).rowCount).toBe(1);
    });
  });
});
