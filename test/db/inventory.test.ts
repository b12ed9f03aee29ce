import { describe, expect, it } from 'vitest';
import { asUser, describeReferenceData, describeTenantIsolation, useTenants, type TableSpec } from './isolation.js';

const ctx = useTenants('inventory');
const spec: TableSpec & { update: string } = {
  table: 'inventory',
  row: (fx) => fx.inventory,
  insert: (fx) => ({ tenant_id: fx.tenantId, product_id: fx.product, location_id: fx.emptyLocation, quantity: 1 }),
  update: `quantity = quantity + 1`,
};

describeTenantIsolation(spec, ctx);
describeReferenceData(spec, ctx);

describe('inventory: stock can never go negative or be over-reserved', () => {
  it('rejects reserved > quantity and negative quantities', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'owner', async (c) => {
      for (const set of ['reserved = quantity + 1', 'quantity = -1']) {
        await c.query('savepoint s');
        await expect(c.query(`update inventory set ${set} where id = $1`, [a.inventory])).rejects.toMatchObject({ code: '23514' });
        await c.query('rollback to savepoint s');
      }
    });
  });
});
