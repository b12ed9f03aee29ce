import { builder } from './builder.js';
import { LENGTH } from './limits.js';
import { requireUser } from '../context.js';
import { createCategory } from '../resolvers/catalog.js';

builder.prismaNode('Category', {
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

builder.queryField('categories', (t) =>
  t.prismaConnection({
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
);

builder.queryField('category', (t) =>
  t.prismaField({
    type: 'Category',
    nullable: true,
    args: { rowId: t.arg({ type: 'UUID', required: true }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.category.findUnique({ ...query, where: { id: rowId } }),
  }),
);

const CreateCategoryInput = builder.inputType('CreateCategoryInput', {
  fields: (t) => ({
    name: t.string({ required: true, extensions: { maxLength: LENGTH.name } }),
    parentId: t.field({ type: 'UUID', required: false }),
  }),
});

builder.mutationField('createCategory', (t) =>
  t.prismaField({
    type: 'Category',
    description: 'Owners/admins only (FORBIDDEN for members).',
    args: { input: t.arg({ type: CreateCategoryInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await createCategory(ctx.db, requireUser(ctx), input);
      return ctx.db.category.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
);
