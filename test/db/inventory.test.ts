import { describe, expect, it } from 'vitest';
import { count } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('inventory');

describeTenantIsolation(
  { table: 'inventory', row: (fx) => fx.inventory, insert: (fx) => ({ tenant_id: fx.tenantId, product_id: fx.product, location_id: fx.emptyLocation, quantity: 1 }), update: `quantity = quantity + 1` },
  ctx,
);

describe('inventory: readable by every user of the tenant, writable by admins', () => {
  it('a member reads it but cannot change it; the owner can', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'x', async (c) => {
      expect(await count(c, 'select count(*) as n from inventory where id = $1', [a.inventory])).toBe(1);
      expect((await c.query(`update inventory set quantity = quantity + 1 where id = $1`, [a.inventory])).rowCount).toBe(0);
      expect((await c.query('delete from inventory where id = $1', [a.inventory])).rowCount).toBe(0);
    });
    await asUser(app, a, 'admin', async (c) => {
      expect((await c.query(`update inventory set quantity = quantity + 1 where id = $1`, [a.inventory])).rowCount).toBe(1);
    });
  });
});

describe('inventory: stock can never go negative or be over-reserved', () => {
  it('rejects reserved > quantity and negative quantities', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'admin', async (c) => {
      for (const set of ['reserved = quantity + 1', 'quantity = -1']) {
        await c.query('savepoint s');
        await expect(c.query(`update inventory set ${set} where id = $1`, [a.inventory])).rejects.toMatchObject({ code: '23514' });
        await c.query('rollback to savepoint s');
      }
    });
  });
});
