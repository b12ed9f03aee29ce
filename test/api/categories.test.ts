// Category trees, merchants and categorising entries through the API: tree
// reads, rename/move with cycles refused (by the server's mutation and by the
// database trigger), owner/admin-only writes, and categorisation changing
// metadata only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { errorCodes, gql, graphql, ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';

let app: Awaited<ReturnType<typeof testApp>>;
let owner: pg.Pool;
let t: TenantFixture;
let other: TenantFixture;

beforeAll(async () => {
  app = await testApp();
  owner = ownerPool();
  t = await createTenant(owner, 'cattree');
  other = await createTenant(owner, 'cattree-other');
});
afterAll(async () => {
  await app.close();
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
