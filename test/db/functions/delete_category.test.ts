// app.delete_category(category): owners/admins of the tenant delete one of its
// categories; entries, journals and products that had it become
// uncategorised (nothing else about them changes); a category with
// subcategories is IN_USE. Runs as the owner, so it must keep to the caller's
// tenant and role itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, count, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised } from './helpers.js';
import { as, fund } from '../../ledger.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'delcat-a');
  b = await createTenant(owner, 'delcat-b');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const del = 'select category_name, category_parent_id, entries_cleared, transfers_cleared, products_cleared from app.delete_category($1)';
const category = async (fx: TenantFixture, name: string, parent: string | null = null) =>
  (await owner.query('insert into categories (tenant_id, name, parent_id) values ($1, $2, $3) returning id', [fx.tenantId, name, parent])).rows[0].id as string;
const exists = (id: string) => count(owner, 'select count(*) as n from categories where id = $1', [id]);

describe('app.delete_category', () => {
  it("clears the category from the tenant's entries, journals and products, then deletes it; amounts untouched", async () => {
    const cat = await category(a, 'Doomed');
    await fund(app, a, a.accountX, '10');
    const journal = await committedAs(app, as(a, 'x'), async (c) =>
      (await c.query('select transfer_id from app.post_transfer($1, $2, 2, $3, null, $4, null)', [a.accountX, a.accountY, 'BRL', cat])).rows[0].transfer_id);
    await owner.query('update products set category_id = $2 where id = $1', [a.product, cat]);
    const amounts = (await owner.query('select id, amount, status from transactions where transfer_id = $1 order by id', [journal])).rows;
    const rows = await committedAs(app, as(a, 'admin'), async (c) => (await c.query(del, [cat])).rows);
    expect(rows).toEqual([{ category_name: 'Doomed', category_parent_id: null, entries_cleared: 2, transfers_cleared: 1, products_cleared: 1 }]);
    expect(await exists(cat)).toBe(0);
    expect((await owner.query('select id, amount, status from transactions where transfer_id = $1 and category_id is null order by id', [journal])).rows).toEqual(amounts);
    expect((await owner.query('select category_id from transfers where id = $1', [journal])).rows[0].category_id).toBeNull();
    expect((await owner.query('select category_id from products where id = $1', [a.product])).rows[0].category_id).toBeNull();
  });

  it('refuses a category with subcategories (IN_USE), a missing one or another tenant’s (NOT_FOUND), a null id (BAD_USER_INPUT); nothing changes', async () => {
    const parent = await category(a, 'Parent');
    await category(a, 'Child', parent);
    await asRole(app, as(a, 'owner'), async (c) => {
      await expectRaised(c, del, [parent], 'IN_USE', /1 subcategories/);
      await expectRaised(c, del, [b.category], 'NOT_FOUND');
      await expectRaised(c, del, ['00000000-0000-4000-8000-000000000000'], 'NOT_FOUND');
      await expectRaised(c, del, [null], 'BAD_USER_INPUT');
    });
    expect(await exists(parent)).toBe(1);
    expect(await exists(b.category)).toBe(1);
    // B's entries keep their category (the function never reaches across tenants).
    expect(await count(owner, 'select count(*) as n from transactions where tenant_id = $1 and category_id = $2', [b.tenantId, b.category])).toBeGreaterThan(0);
  });

  it('owners/admins only: members and non-members are FORBIDDEN (control: the admin deletes the same category)', async () => {
    const cat = await category(a, 'Guarded');
    await asRole(app, as(a, 'x'), (c) => expectRaised(c, del, [cat], 'FORBIDDEN'));
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.invitee }, (c) => expectRaised(c, del, [cat], 'FORBIDDEN'));
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: b.owner }, (c) => expectRaised(c, del, [cat], 'FORBIDDEN'));
    expect(await exists(cat)).toBe(1);
    await committedAs(app, as(a, 'admin'), (c) => c.query(del, [cat]));
    expect(await exists(cat)).toBe(0);
  });

  it('is executable by fortress_user only', async () => {
    expect(await executors(owner, 'app.delete_category(uuid)')).toEqual(['fortress_user']);
    await asRole(app, { role: 'fortress_anonymous' }, (c) => expectSqlError(c, del, [a.category], '42501'));
    expect(await exists(a.category)).toBe(1);
  });
});
