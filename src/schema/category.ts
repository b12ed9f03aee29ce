import { queryFromInfo } from '@pothos/plugin-prisma';
import type { Category } from '../generated/prisma/client.js';
import { builder } from './builder.js';
import { LENGTH, RULES } from './limits.js';
import { requireUser } from '../context.js';
import { createCategory } from '../resolvers/category.js';

const CategoryNode = builder.prismaNode('Category', {
  id: { field: 'id' },
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID' }),
    name: t.exposeString('name'),
    rules: t.expose('rules', { type: 'JSON' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    parent: t.relation('parent', { nullable: true }),
    children: t.relatedConnection('children', { cursor: 'id', query: { orderBy: [{ name: 'asc' }, { id: 'asc' }] } }),
    products: t.relatedConnection('products', { cursor: 'id', query: { orderBy: [{ name: 'asc' }, { id: 'asc' }] } }),
  }),
});

builder.queryFields((t) => ({
  categories: t.prismaConnection({
    type: 'Category',
    cursor: 'id',
    description: 'Categories of the tenant. `parentId` lists one level; `rootsOnly` lists the top of the tree.',
    args: {
      parentId: t.arg({ type: 'UUID', required: false }),
      rootsOnly: t.arg.boolean({ required: false }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.category.findMany({
        ...query,
        where: { parentId: args.rootsOnly ? null : (args.parentId ?? undefined) },
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
      }),
  }),
  category: t.prismaField({
    type: 'Category',
    nullable: true,
    args: { rowId: t.arg({ type: 'UUID', required: true }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.category.findUnique({ ...query, where: { id: rowId } }),
  }),
}));

const CreateCategoryInput = builder.inputType('CreateCategoryInput', {
  fields: (t) => ({
    name: t.string({ required: true, validate: RULES.name, extensions: { maxLength: LENGTH.name } }),
    parentId: t.field({ type: 'UUID', required: false }),
  }),
});

const CreateCategoryPayload = builder.objectRef<{ category: Category }>('CreateCategoryPayload').implement({
  fields: (t) => ({ category: t.expose('category', { type: CategoryNode }) }),
});

builder.mutationField('createCategory', (t) =>
  t.field({
    type: CreateCategoryPayload,
    description: 'Owners/admins only (FORBIDDEN for members).',
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateCategoryInput, required: true }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await createCategory(ctx.db, requireUser(ctx), input);
      return { category: await ctx.db.category.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['category'] }), where: { id } }) };
    },
  }),
);
