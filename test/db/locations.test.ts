import { describe, expect, it } from 'vitest';
import { asUser, describeReferenceData, describeTenantIsolation, useTenants, type TableSpec } from './isolation.js';

const ctx = useTenants('locations');
const spec: TableSpec & { update: string } = {
  table: 'locations',
  row: (fx) => fx.location,
  insert: (fx) => ({ tenant_id: fx.tenantId, code: 'PROBE', name: 'probe' }),
  update: `name = name || '!'`,
};

describeTenantIsolation(spec, ctx);
describeReferenceData(spec, ctx);

describe('locations: store or warehouse', () => {
  it("locations are stores by default; admins set the kind, members cannot (control: the owner can)", async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'x', async (c) => {
      expect((await c.query('select kind from locations where id = $1', [a.location])).rows).toEqual([{ kind: 'store' }]);
      expect((await c.query(`update locations set kind = 'warehouse' where id = $1`, [a.location])).rowCount).toBe(0);
    });
    for (const who of ['admin', 'owner'] as const) {
      await asUser(app, a, who, async (c) => {
        expect((await c.query(`update locations set kind = 'warehouse' where id = $1`, [a.location])).rowCount).toBe(1);
        const { rows } = await c.query(`insert into locations (tenant_id, code, name, kind) values ($1, 'WH', 'Warehouse', 'warehouse') returning kind`, [
          a.tenantId,
        ]);
        expect(rows).toEqual([{ kind: 'warehouse' }]);
      });
    }
  });
});
