// Category trees, merchants and categorising entries through the API: tree
// reads, rename/move with cycles refused (by the server's mutation and by the
// database trigger), deleting categories and merchants (what referred to them
// loses them, amounts never change; a category with subcategories is IN_USE),
// owner/admin-only writes, and categorisation changing metadata only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { authenticatorPool, count, errorCodes, globalId, gql, graphql, ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { as, fund, ledgerCounts } from '../ledger.js';
import { committedAs } from '../db/functions/helpers.js';

let app: Awaited<ReturnType<typeof testApp>>;
let owner: pg.Pool;
let sqlApp: pg.Pool;
let t: TenantFixture;
let other: TenantFixture;

beforeAll(async () => {
  app = await testApp();
  owner = ownerPool();
  sqlApp = authenticatorPool();
  t = await createTenant(owner, 'cattree');
  other = await createTenant(owner, 'cattree-other');
});
afterAll(async () => {
  await app.close();
  await sqlApp.end();
  await owner.end();
});

const CreateCat = graphql(`
  mutation CategoriesTestCreate($input: CreateCategoryInput!) {
    createCategory(input: $input) { category { rowId name parent { rowId } } }
  }
`);
const RenameCat = graphql(`
  mutation CategoriesTestRename($input: RenameCategoryInput!) {
    renameCategory(input: $input) { category { rowId name } }
  }
`);
const MoveCat = graphql(`
  mutation CategoriesTestMove($input: MoveCategoryInput!) {
    moveCategory(input: $input) { category { rowId parent { rowId name } } }
  }
`);
const Tree = graphql(`
  query CategoriesTestTree($rowId: UUID!) {
    category(rowId: $rowId) { name children(first: 10) { totalCount edges { node { rowId name children(first: 10) { edges { node { name } } } } } } }
  }
`);
const CreateMerch = graphql(`
  mutation CategoriesTestCreateMerchant($input: CreateMerchantInput!) {
    createMerchant(input: $input) { merchant { rowId name merchantCode category metadata } }
  }
`);
const UpdateMerch = graphql(`
  mutation CategoriesTestUpdateMerchant($input: UpdateMerchantInput!) {
    updateMerchant(input: $input) { merchant { rowId name merchantCode category } }
  }
`);
const Categorize = graphql(`
  mutation CategoriesTestCategorize($input: CategorizeTransactionInput!) {
    categorizeTransaction(input: $input) { transaction { rowId amount status category { rowId } merchant { rowId } } }
  }
`);

async function create(token: string, name: string, parentId?: string) {
  const r = await gql(app.yoga, CreateCat, { token, variables: { input: { name, parentId } } });
  expect(r.errors).toBeUndefined();
  return r.data!.createCategory.category.rowId as string;
}

describe('category trees', () => {
  it('builds a tree, renames and moves a subtree; the tree reads back', async () => {
    const token = await t.token('admin');
    const root = await create(token, 'Household');
    const food = await create(token, 'Food', root);
    const fruit = await create(token, 'Fruit', food);
    const other = await create(token, 'Other');

    const renamed = await gql(app.yoga, RenameCat, { token, variables: { input: { rowId: fruit, name: '  Fruit & veg ' } } });
    expect(renamed.errors).toBeUndefined();
    expect(renamed.data!.renameCategory.category.name).toBe('Fruit & veg');

    const moved = await gql(app.yoga, MoveCat, { token, variables: { input: { rowId: food, parentId: other } } });
    expect(moved.errors).toBeUndefined();
    expect(moved.data!.moveCategory.category.parent).toEqual({ rowId: other, name: 'Other' });

    const tree = await gql(app.yoga, Tree, { token, variables: { rowId: other } });
    expect(tree.data!.category!.children.totalCount).toBe(1);
    expect(tree.data!.category!.children.edges[0]!.node.children.edges.map((e) => e.node.name)).toEqual(['Fruit & veg']);

    // Back to the top of the tree.
    const top = await gql(app.yoga, MoveCat, { token, variables: { input: { rowId: food, parentId: null } } });
    expect(top.data!.moveCategory.category.parent).toBeNull();

    // Audited and announced.
    const { rows } = await owner.query(`select event_type from events_outbox where tenant_id = $1 and aggregate_id = $2 order by id`, [t.tenantId, food]);
    expect(rows.map((r) => r.event_type)).toEqual(['CategoryCreated', 'CategoryMoved', 'CategoryMoved']);
  });

  it('refuses a cycle: under itself or under its own descendant (CATEGORY_CYCLE), nothing changes; control: a legal move works', async () => {
    const token = await t.token('owner');
    const a = await create(token, 'A');
    const b = await create(token, 'B', a);
    const c = await create(token, 'C', b);
    for (const parentId of [a, b, c]) {
      const r = await gql(app.yoga, MoveCat, { token, variables: { input: { rowId: a, parentId } } });
      expect(errorCodes(r)).toEqual(['CATEGORY_CYCLE']);
    }
    const { rows } = await owner.query('select parent_id from categories where id = $1', [a]);
    expect(rows[0].parent_id).toBeNull();
    const ok = await gql(app.yoga, MoveCat, { token, variables: { input: { rowId: c, parentId: a } } });
    expect(ok.errors).toBeUndefined();
  });

  it('the database refuses a cycle from any writer, the owner role included', async () => {
    const token = await t.token('owner');
    const a = await create(token, 'DbA');
    const b = await create(token, 'DbB', a);
    await expect(owner.query('update categories set parent_id = $1 where id = $2', [b, a])).rejects.toMatchObject({
      code: 'P0001',
      message: expect.stringMatching(/^FORTRESS:CATEGORY_CYCLE: /),
    });
    await owner.query('update categories set parent_id = null where id = $1', [b]); // control
  });

  it('members may not create, rename or move categories (FORBIDDEN), nothing written; they read the tree', async () => {
    const admin = await t.token('admin');
    const cat = await create(admin, 'Members cannot touch');
    const member = await t.token('x');
    expect(errorCodes(await gql(app.yoga, CreateCat, { token: member, variables: { input: { name: 'nope' } } }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await gql(app.yoga, RenameCat, { token: member, variables: { input: { rowId: cat, name: 'nope' } } }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await gql(app.yoga, MoveCat, { token: member, variables: { input: { rowId: cat, parentId: t.category } } }))).toEqual([
      'FORBIDDEN',
    ]);
    const { rows } = await owner.query('select name, parent_id from categories where id = $1', [cat]);
    expect(rows[0]).toEqual({ name: 'Members cannot touch', parent_id: null });
    const read = await gql(app.yoga, Tree, { token: member, variables: { rowId: cat } });
    expect(read.data!.category!.name).toBe('Members cannot touch');
  });

  it("another tenant's category is NOT_FOUND for rename and INVALID_REFERENCE as a parent (it exists)", async () => {
    const token = await t.token('owner');
    expect(errorCodes(await gql(app.yoga, RenameCat, { token, variables: { input: { rowId: other.category, name: 'x' } } }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await gql(app.yoga, MoveCat, { token, variables: { input: { rowId: t.category, parentId: other.category } } }))).toEqual([
      'INVALID_REFERENCE',
    ]);
    expect((await owner.query('select name from categories where id = $1', [other.category])).rows[0].name).toBe('Food');
  });

  it('names follow the declared rule (BAD_USER_INPUT naming the field)', async () => {
    const r = await gql(app.yoga, RenameCat, { token: await t.token('owner'), variables: { input: { rowId: t.category, name: '   ' } } });
    expect(errorCodes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions!.field).toBe('input.name');
  });
});

describe('merchants', () => {
  it('owners/admins create and update merchants; a taken code is CONFLICT; members are FORBIDDEN', async () => {
    const token = await t.token('admin');
    const made = await gql(app.yoga, CreateMerch, {
      token,
      variables: { input: { name: 'Corner shop', merchantCode: 'CS-1', category: '5411', metadata: { city: 'Lisbon' } } },
    });
    expect(made.errors).toBeUndefined();
    const merchant = made.data!.createMerchant.merchant;
    expect(merchant).toMatchObject({ name: 'Corner shop', merchantCode: 'CS-1', category: '5411', metadata: { city: 'Lisbon' } });

    const updated = await gql(app.yoga, UpdateMerch, { token, variables: { input: { rowId: merchant.rowId, name: 'Corner Shop', category: null } } });
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateMerchant.merchant).toMatchObject({ name: 'Corner Shop', merchantCode: 'CS-1', category: null });

    const dup = await gql(app.yoga, CreateMerch, { token, variables: { input: { name: 'Dup', merchantCode: 'CS-1' } } });
    expect(errorCodes(dup)).toEqual(['CONFLICT']);

    const member = await t.token('x');
    expect(errorCodes(await gql(app.yoga, CreateMerch, { token: member, variables: { input: { name: 'nope' } } }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await gql(app.yoga, UpdateMerch, { token: member, variables: { input: { rowId: merchant.rowId, name: 'nope' } } }))).toEqual([
      'FORBIDDEN',
    ]);
    expect((await owner.query('select name from merchants where id = $1', [merchant.rowId])).rows[0].name).toBe('Corner Shop');
  });
});

describe('categorising entries', () => {
  it('a member categorises an entry of their own account; only category and merchant change', async () => {
    const admin = await t.token('admin');
    const cat = await create(admin, 'Groceries');
    const before = (await owner.query('select amount::text, status, account_id, type from transactions where id = $1', [t.transactionX])).rows[0];
    const r = await gql(app.yoga, Categorize, { token: await t.token('x'), variables: { input: { rowId: t.transactionX, categoryId: cat, merchantId: null } } });
    expect(r.errors).toBeUndefined();
    expect(r.data!.categorizeTransaction.transaction).toMatchObject({ category: { rowId: cat }, merchant: null, amount: '10.25', status: 'POSTED' });
    const after = (await owner.query('select amount::text, status, account_id, type from transactions where id = $1', [t.transactionX])).rows[0];
    expect(after).toEqual(before);
  });

  it("a member cannot categorise another member's entry (NOT_FOUND, unchanged); control: an admin can", async () => {
    const input = { rowId: t.transactionY, categoryId: null };
    expect(errorCodes(await gql(app.yoga, Categorize, { token: await t.token('x'), variables: { input } }))).toEqual(['NOT_FOUND']);
    expect((await owner.query('select category_id from transactions where id = $1', [t.transactionY])).rows[0].category_id).toBe(t.category);
    const r = await gql(app.yoga, Categorize, { token: await t.token('admin'), variables: { input } });
    expect(r.errors).toBeUndefined();
    expect(r.data!.categorizeTransaction.transaction.category).toBeNull();
  });

  it("another tenant's category is INVALID_REFERENCE", async () => {
    const r = await gql(app.yoga, Categorize, { token: await t.token('x'), variables: { input: { rowId: t.transactionX, categoryId: other.category } } });
    expect(errorCodes(r)).toEqual(['INVALID_REFERENCE']);
  });
});

const DeleteCat = graphql(`
  mutation CategoriesTestDelete($input: DeleteCategoryInput!) {
    deleteCategory(input: $input) { deletedCategoryId deletedRowId parent { rowId name } entriesCleared transfersCleared productsCleared }
  }
`);
const DeleteMerch = graphql(`
  mutation CategoriesTestDeleteMerchant($input: DeleteMerchantInput!) {
    deleteMerchant(input: $input) { deletedMerchantId deletedRowId entriesCleared receiptsCleared }
  }
`);

/** What a delete must never touch: every entry's amount, type, status and account, every balance. */
const money = async (tenantId: string) =>
  (
    await owner.query(
      `select (select string_agg(id || ':' || amount || ':' || type || ':' || status || ':' || account_id, ',' order by id) from transactions where tenant_id = $1) as entries,
              (select string_agg(id || ':' || balance, ',' order by id) from accounts where tenant_id = $1) as balances`,
      [tenantId],
    )
  ).rows[0];

describe('deleting categories', () => {
  it('entries, transfers and products lose the category, nothing else changes; audited and announced', async () => {
    const admin = await t.token('admin');
    const parent = await create(admin, 'Leisure');
    const leaf = await create(admin, 'Cinema', parent);
    await owner.query('update transactions set category_id = $2 where id = $1', [t.transactionX, leaf]);
    await fund(sqlApp, t, t.accountX, '40');
    const journal = await committedAs(sqlApp, as(t, 'x'), async (c) =>
      (await c.query('select transfer_id from app.post_transfer($1, $2, 9.5, $3, null, $4, null)', [t.accountX, t.accountY, 'BRL', leaf])).rows[0].transfer_id);
    const product = (await owner.query(`insert into products (tenant_id, sku, name, category_id, price) values ($1, 'SKU-CIN', 'Popcorn', $2, '3.50') returning id`, [
      t.tenantId, leaf,
    ])).rows[0].id;
    const before = await money(t.tenantId);

    const r = await gql(app.yoga, DeleteCat, { token: admin, variables: { input: { rowId: leaf } } });
    expect(r.errors).toBeUndefined();
    // transactionX and the journal's two entries; the journal; the product.
    expect(r.data!.deleteCategory).toEqual({
      deletedCategoryId: globalId('Category', leaf), deletedRowId: leaf, parent: { rowId: parent, name: 'Leisure' },
      entriesCleared: 3, transfersCleared: 1, productsCleared: 1,
    });
    expect(await count(owner, 'select count(*) as n from categories where id = $1', [leaf])).toBe(0);
    expect(await count(owner, 'select count(*) as n from categories where id = $1', [parent])).toBe(1);
    const left = await owner.query(
      `select (select count(*) from transactions where id = $1 or transfer_id = $2)::int as entries,
              (select count(*) from transactions where (id = $1 or transfer_id = $2) and category_id is null)::int as uncategorised,
              (select category_id from transfers where id = $2) as journal_category,
              (select category_id from products where id = $3) as product_category`,
      [t.transactionX, journal, product],
    );
    expect(left.rows[0]).toEqual({ entries: 3, uncategorised: 3, journal_category: null, product_category: null });
    expect(await money(t.tenantId)).toEqual(before);

    const audit = await owner.query(
      `select entity, entity_id, action, user_id, diff from audit_logs
        where tenant_id = $1 and ((entity_id = any($2) and action in ('update', 'delete')) or diff -> 'category_id' ->> 'from' = $3::text)
        order by entity, entity_id`,
      [t.tenantId, [leaf, journal], leaf],
    );
    const cleared = { category_id: { from: leaf, to: null } };
    expect(audit.rows).toEqual([
      { entity: 'category', entity_id: leaf, action: 'delete', user_id: t.admin, diff: expect.objectContaining({ name: 'Cinema', parent_id: parent }) },
      { entity: 'product', entity_id: product, action: 'update', user_id: t.admin, diff: cleared },
      ...[...Array(3)].map(() => ({ entity: 'transaction', entity_id: expect.any(String), action: 'update', user_id: t.admin, diff: cleared })),
      { entity: 'transfer', entity_id: journal, action: 'update', user_id: t.admin, diff: cleared },
    ]);
    const events = await owner.query(`select event_type, aggregate, payload from events_outbox where aggregate_id = $1 order by id`, [leaf]);
    expect(events.rows.map((e) => e.event_type)).toEqual(['CategoryCreated', 'CategoryDeleted']);
    expect(events.rows[1]).toMatchObject({
      aggregate: 'category',
      payload: { name: 'Cinema', parentId: parent, entriesCleared: 3, transfersCleared: 1, productsCleared: 1 },
    });
  });

  it('a category with subcategories is IN_USE and nothing changes; control: once its child is gone, it goes', async () => {
    const token = await t.token('owner');
    const top = await create(token, 'Sport');
    const child = await create(token, 'Tennis', top);
    await owner.query('update transactions set category_id = $2 where id = $1', [t.transactionY, top]);
    const before = await ledgerCounts(owner, t.tenantId);
    const refused = await gql(app.yoga, DeleteCat, { token, variables: { input: { rowId: top } } });
    expect(errorCodes(refused)).toEqual(['IN_USE']);
    expect(refused.errors![0]!.message).toMatch(/1 subcategories: move or delete them first/);
    expect(await ledgerCounts(owner, t.tenantId)).toEqual(before);
    expect((await owner.query('select category_id from transactions where id = $1', [t.transactionY])).rows[0].category_id).toBe(top);
    expect(await count(owner, 'select count(*) as n from categories where id = any($1)', [[top, child]])).toBe(2);

    expect((await gql(app.yoga, DeleteCat, { token, variables: { input: { rowId: child } } })).data!.deleteCategory.parent).toEqual({ rowId: top, name: 'Sport' });
    const ok = await gql(app.yoga, DeleteCat, { token, variables: { input: { rowId: top } } });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.deleteCategory).toMatchObject({ parent: null, entriesCleared: 1, transfersCleared: 0, productsCleared: 0 });
    expect((await owner.query('select category_id from transactions where id = $1', [t.transactionY])).rows[0].category_id).toBeNull();
  });

  it("members are FORBIDDEN and another tenant's category is NOT_FOUND; nothing is deleted (controls: both exist)", async () => {
    const cat = await create(await t.token('admin'), 'Members keep out');
    expect(errorCodes(await gql(app.yoga, DeleteCat, { token: await t.token('x'), variables: { input: { rowId: cat } } }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await gql(app.yoga, DeleteCat, { token: await t.token('owner'), variables: { input: { rowId: other.category } } }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(await count(owner, 'select count(*) as n from categories where id = any($1)', [[cat, other.category]])).toBe(2);
    expect(await count(owner, `select count(*) as n from events_outbox where event_type = 'CategoryDeleted' and aggregate_id = any($1)`, [[cat, other.category]])).toBe(0);
  });
});

describe('deleting merchants', () => {
  it('entries and receipts lose the merchant, nothing else changes; audited and announced; members FORBIDDEN; another tenant NOT_FOUND', async () => {
    const admin = await t.token('admin');
    const made = await gql(app.yoga, CreateMerch, { token: admin, variables: { input: { name: 'Kiosk', merchantCode: 'K-1' } } });
    const merchant = made.data!.createMerchant.merchant.rowId;
    await owner.query('update transactions set merchant_id = $2 where id = $1', [t.transactionY, merchant]);
    await owner.query(`insert into receipts (tenant_id, user_id, transaction_id, merchant_id, amount, currency) values ($1, $2, $3, $4, '1', 'BRL')`, [
      t.tenantId, t.y, t.transactionY, merchant,
    ]);

    expect(errorCodes(await gql(app.yoga, DeleteMerch, { token: await t.token('x'), variables: { input: { rowId: merchant } } }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await gql(app.yoga, DeleteMerch, { token: admin, variables: { input: { rowId: other.merchant } } }))).toEqual(['NOT_FOUND']);
    expect(await count(owner, 'select count(*) as n from merchants where id = any($1)', [[merchant, other.merchant]])).toBe(2);

    const before = await money(t.tenantId);
    const r = await gql(app.yoga, DeleteMerch, { token: admin, variables: { input: { rowId: merchant } } });
    expect(r.errors).toBeUndefined();
    expect(r.data!.deleteMerchant).toEqual({ deletedMerchantId: globalId('Merchant', merchant), deletedRowId: merchant, entriesCleared: 1, receiptsCleared: 1 });
    expect(await count(owner, 'select count(*) as n from merchants where id = $1', [merchant])).toBe(0);
    expect(await count(owner, 'select count(*) as n from transactions where merchant_id = $1', [merchant])).toBe(0);
    expect((await owner.query('select merchant_id from transactions where id = $1', [t.transactionY])).rows[0].merchant_id).toBeNull();
    expect(await money(t.tenantId)).toEqual(before);
    const audit = await owner.query(`select entity, action, user_id from audit_logs where tenant_id = $1 and (entity_id = $2 or diff -> 'merchant_id' ->> 'from' = $2::text) order by entity, action`, [
      t.tenantId, merchant,
    ]);
    expect(audit.rows).toEqual([
      { entity: 'merchant', action: 'create', user_id: t.admin },
      { entity: 'merchant', action: 'delete', user_id: t.admin },
      { entity: 'receipt', action: 'update', user_id: t.admin },
      { entity: 'transaction', action: 'update', user_id: t.admin },
    ]);
    const events = await owner.query(`select event_type, payload from events_outbox where aggregate_id = $1 order by id`, [merchant]);
    expect(events.rows.map((e) => e.event_type)).toEqual(['MerchantCreated', 'MerchantDeleted']);
    expect(events.rows[1].payload).toEqual({ name: 'Kiosk', merchantCode: 'K-1', entriesCleared: 1, receiptsCleared: 1 });
  });
});
