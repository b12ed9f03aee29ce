import { describe, expect, it } from 'vitest';
import { count } from '../helpers.js';
import { asUser, describeReferenceData, describeTenantIsolation, useTenants, type TableSpec } from './isolation.js';

const ctx = useTenants('products');
const spec: TableSpec & { update: string } = {
  table: 'products',
  row: (fx) => fx.product,
  insert: (fx) => ({ tenant_id: fx.tenantId, sku: 'PROBE', name: 'probe', price: '1.00' }),
  update: `price = price + 1`,
};

describeTenantIsolation(spec, ctx);
describeReferenceData(spec, ctx);

describe('products: sku is unique within a tenant, not globally', () => {
  it('tenant B may reuse tenant A’s sku, A may not repeat it', async () => {
    const { app, a } = ctx;
    const sql = `insert into products (tenant_id, sku, name, price) values ($1, 'SKU-1', 'dup', '1.00')`;
    await asUser(app, a, 'owner', async (c) => {
      await c.query('savepoint s');
      await expect(c.query(sql, [a.tenantId])).rejects.toMatchObject({ code: '23505' });
      await c.query('rollback to savepoint s');
    });
    // Both fixture tenants already hold SKU-1: the same sku in two tenants is fine.
    expect(await count(ctx.owner, `select count(*) as n from products where sku = 'SKU-1' and tenant_id = any($1)`, [[a.tenantId, ctx.b.tenantId]])).toBe(2);
  });
});

describe('products: deactivated, not deleted', () => {
  it('new products are active; admins set active on insert and update, members cannot (control: the owner can)', async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'x', async (c) => {
      expect((await c.query('select active from products where id = $1', [a.product])).rows).toEqual([{ active: true }]);
      expect((await c.query('update products set active = false where id = $1', [a.product])).rowCount).toBe(0);
    });
    for (const who of ['admin', 'owner'] as const) {
      await asUser(app, a, who, async (c) => {
        expect((await c.query('update products set active = false where id = $1', [a.product])).rowCount).toBe(1);
        const { rows } = await c.query(
          `insert into products (tenant_id, sku, name, price, active) values ($1, 'SKU-OFF', 'Retired', '1.00', false) returning active`,
          [a.tenantId],
        );
        expect(rows).toEqual([{ active: false }]);
      });
    }
  });
});
