import { describe, expect, it } from 'vitest';
import { count } from '../helpers.js';
import { asUser, describeReferenceData, describeTenantIsolation, useTenants, type TableSpec } from './isolation.js';

const ctx = useTenants('categories');
const spec: TableSpec & { update: string } = {
  table: 'categories',
  row: (fx) => fx.category,
  insert: (fx) => ({ tenant_id: fx.tenantId, name: 'probe' }),
  update: `name = name || '!'`,
};

describeTenantIsolation(spec, ctx);
describeReferenceData(spec, ctx);

describe('categories: deleting', () => {
  it("a member's direct DELETE affects nothing, the row exists (control); an admin's reaches it (rolled back)", async () => {
    const { app, owner, a } = ctx;
    const id = (await owner.query(`insert into categories (tenant_id, name) values ($1, 'unused') returning id`, [a.tenantId])).rows[0].id;
    await asUser(app, a, 'x', async (c) => {
      expect(await count(c, 'select count(*) as n from categories where id = $1', [id])).toBe(1);
      expect((await c.query('delete from categories where id = $1', [id])).rowCount).toBe(0);
    });
    expect(await count(owner, 'select count(*) as n from categories where id = $1', [id])).toBe(1);
    await asUser(app, a, 'admin', async (c) => expect((await c.query('delete from categories where id = $1', [id])).rowCount).toBe(1));
    expect(await count(owner, 'select count(*) as n from categories where id = $1', [id])).toBe(1);
  });
});
