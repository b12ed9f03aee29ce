import { queryFromInfo } from '@pothos/plugin-prisma';
import type { Category } from '../generated/prisma/client.js';
import type { CompiledSource } from '../compiled/source.js';
import { builder } from './builder.js';
import { LENGTH, RULES } from './limits.js';
import { DOC } from './docs.js';
import { requireUser } from '../context.js';
import { createCategory, deleteCategory, moveCategory, renameCategory } from '../resolvers/category.js';

export const CategoryNode = builder.prismaNode('Category', {
  id: { field: 'id' },
  // Select mode: a row carries only the columns its selected fields read. In include mode every
  // column rides in the nested JSON Postgres builds and Prisma parses (BENCHMARKS.md, 2026-11-23).
  select: { id: true },
  description: `A category of ledger entries and products, in a tree. ${DOC.catalogue}`,
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    name: t.exposeString('name', { description: 'Display name.' }),
    rules: t.expose('rules', { type: 'JSON', description: DOC.json('Categorisation rules') }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: DOC.createdAt }),
    parent: t.relation('parent', { nullable: true, description: 'The category above; null at the top of the tree.' }),
    children: t.relatedConnection('children', {
      cursor: 'id',
      description: 'Direct subcategories, by name.',
      totalCount: true,
      query: { orderBy: [{ name: 'asc' }, { id: 'asc' }] },
    }),
    products: t.relatedConnection('products', {
      cursor: 'id',
      description: 'Products in this category (not its subcategories), by name.',
      totalCount: true,
      query: { orderBy: [{ name: 'asc' }, { id: 'asc' }] },
    }),
  }),
});

/** The filters of `categories`, shared by the page and its totalCount. */
const categoriesWhere = (args: { parentId?: string | null; rootsOnly?: boolean | null }) => ({
  parentId: args.rootsOnly ? null : (args.parentId ?? undefined),
});

builder.queryFields((t) => ({
  categories: t.prismaConnection({
    type: 'Category',
    cursor: 'id',
    description: `Categories of the tenant, by name. ${DOC.catalogue}`,
    // categoriesWhere and the order below, read by the compiled read path (src/compiled/); rootsOnly is left to the resolver.
    extensions: {
      compiled: {
        where: [{ field: 'parentId', op: 'equals', arg: 'parentId' }],
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
        fallbackWhen: ['rootsOnly'],
      } satisfies CompiledSource,
    },
    args: {
      parentId: t.arg({ type: 'UUID', required: false, description: 'Only the direct subcategories of this category (its `rowId`).' }),
      rootsOnly: t.arg.boolean({ required: false, description: 'Only the top of the tree (categories without a parent); overrides `parentId`.' }),
    },
    totalCount: (_root, args, ctx) => ctx.db.category.count({ where: categoriesWhere(args) }),
    resolve: (query, _root, args, ctx) =>
      ctx.db.category.findMany({ ...query, where: categoriesWhere(args), orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
  }),
  category: t.prismaField({
    type: 'Category',
    nullable: true,
    description: DOC.byRowId('category'),
    args: { rowId: t.arg({ type: 'UUID', required: true, description: DOC.rowIdArg }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.category.findUnique({ ...query, where: { id: rowId } }),
  }),
}));

const CreateCategoryInput = builder.inputType('CreateCategoryInput', {
  description: 'The category `createCategory` adds.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Display name: trimmed, 1 to 100 characters.', validate: RULES.name, extensions: { maxLength: LENGTH.name } }),
    parentId: t.field({
      type: 'UUID',
      required: false,
      description: 'The category above (its `rowId`); omit it for a top-level category. INVALID_REFERENCE when there is no such category.',
    }),
  }),
});

const CreateCategoryPayload = builder.objectRef<{ category: Category }>('CreateCategoryPayload').implement({
  description: 'Result of `createCategory`.',
  fields: (t) => ({ category: t.expose('category', { type: CategoryNode, description: 'The new category.' }) }),
});

builder.mutationField('createCategory', (t) =>
  t.field({
    type: CreateCategoryPayload,
    description: `Adds a category to the tenant. ${DOC.adminOnly} Audited and announced in the outbox.`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateCategoryInput, required: true, description: 'The category to add.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await createCategory(ctx.db, requireUser(ctx), input);
      return { category: await ctx.db.category.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['category'] }), where: { id } }) };
    },
  }),
);

const RenameCategoryInput = builder.inputType('RenameCategoryInput', {
  description: 'The category `renameCategory` renames and its new name.',
  fields: (t) => ({
    rowId: t.field({ type: 'UUID', required: true, description: 'The category (its `rowId`); NOT_FOUND when there is none in the tenant.' }),
    name: t.string({ required: true, description: 'New display name: trimmed, 1 to 100 characters.', validate: RULES.name, extensions: { maxLength: LENGTH.name } }),
  }),
});

const RenameCategoryPayload = builder.objectRef<{ category: Category }>('RenameCategoryPayload').implement({
  description: 'Result of `renameCategory`.',
  fields: (t) => ({ category: t.expose('category', { type: CategoryNode, description: 'The renamed category.' }) }),
});

const MoveCategoryInput = builder.inputType('MoveCategoryInput', {
  description: 'The category `moveCategory` moves and where to.',
  fields: (t) => ({
    rowId: t.field({ type: 'UUID', required: true, description: 'The category to move (its `rowId`), with its subcategories; NOT_FOUND when there is none in the tenant.' }),
    parentId: t.field({
      type: 'UUID',
      required: false,
      description:
        'The new category above (its `rowId`); null or omitted moves it to the top of the tree. CATEGORY_CYCLE when it is the category itself or one of its subcategories; INVALID_REFERENCE when there is no such category.',
    }),
  }),
});

const MoveCategoryPayload = builder.objectRef<{ category: Category }>('MoveCategoryPayload').implement({
  description: 'Result of `moveCategory`.',
  fields: (t) => ({ category: t.expose('category', { type: CategoryNode, description: 'The moved category.' }) }),
});

builder.mutationFields((t) => ({
  renameCategory: t.field({
    type: RenameCategoryPayload,
    description: `Renames a category. ${DOC.adminOnly} Audited and announced in the outbox.`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: RenameCategoryInput, required: true, description: 'The category and its new name.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await renameCategory(ctx.db, requireUser(ctx), input);
      return { category: await ctx.db.category.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['category'] }), where: { id } }) };
    },
  }),
  moveCategory: t.field({
    type: MoveCategoryPayload,
    description: `Moves a category, with its subcategories, under another one or to the top of the tree; never under itself (CATEGORY_CYCLE, refused by the database too). ${DOC.adminOnly} Audited and announced in the outbox.`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: MoveCategoryInput, required: true, description: 'The category and its new parent.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await moveCategory(ctx.db, requireUser(ctx), input);
      return { category: await ctx.db.category.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['category'] }), where: { id } }) };
    },
  }),
}));

const DeleteCategoryInput = builder.inputType('DeleteCategoryInput', {
  description: 'The category `deleteCategory` removes.',
  fields: (t) => ({
    rowId: t.field({
      type: 'UUID',
      required: true,
      description: 'The category (its `rowId`); NOT_FOUND when there is none in the tenant, IN_USE while it has subcategories.',
    }),
  }),
});

type DeletedCategory = Awaited<ReturnType<typeof deleteCategory>>;

const DeleteCategoryPayload = builder.objectRef<DeletedCategory>('DeleteCategoryPayload').implement({
  description: 'Result of `deleteCategory`: what was deleted and how many rows lost their category.',
  fields: (t) => ({
    deletedCategoryId: t.globalID({
      description: 'Global id of the deleted category (to drop it from client caches).',
      resolve: (p) => ({ type: 'Category', id: p.id }),
    }),
    deletedRowId: t.field({ type: 'UUID', description: 'The deleted category\'s `rowId`.', resolve: (p) => p.id }),
    parent: t.prismaField({
      type: 'Category',
      nullable: true,
      description: 'The category it was under, as it now is; null when it was at the top of the tree.',
      resolve: (query, p, _args, ctx) => {
        // Read even when there is no parent to load: in select mode the query is never empty, and
        // the unused-query check (an error under test) would take a top-level category's null for a
        // forgotten spread.
        const selection = { ...query };
        return p.parentId ? ctx.db.category.findUnique({ ...selection, where: { id: p.parentId } }) : null;
      },
    }),
    entriesCleared: t.exposeInt('entriesCleared', { description: 'Ledger entries that had this category and now have none (amounts untouched).' }),
    transfersCleared: t.exposeInt('transfersCleared', { description: 'Transfers (journals) that had this category and now have none.' }),
    productsCleared: t.exposeInt('productsCleared', { description: 'Products that had this category and now have none.' }),
  }),
});

builder.mutationField('deleteCategory', (t) =>
  t.field({
    type: DeleteCategoryPayload,
    description: `Deletes a category. Ledger entries, transfers and products that had it become uncategorised (metadata only: amounts and balances never change); a category that still has subcategories is IN_USE (move or delete them first). ${DOC.adminOnly} Audited and announced in the outbox (\`CategoryDeleted\`).`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: DeleteCategoryInput, required: true, description: 'The category to delete.' }) },
    resolve: (_root, { input }, ctx) => deleteCategory(ctx.db, requireUser(ctx), input),
  }),
);
