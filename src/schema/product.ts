import { builder } from './builder.js';
import { LENGTH } from './limits.js';
import { containsText } from './search.js';

builder.prismaNode('Product', {
  id: { field: 'id' },
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID' }),
    sku: t.exposeString('sku'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    brand: t.exposeString('brand', { nullable: true }),
    price: t.expose('price', { type: 'Decimal' }),
    currency: t.expose('currency', { type: 'Currency' }),
    taxCode: t.exposeString('taxCode', { nullable: true }),
    attributes: t.expose('attributes', { type: 'JSON' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    category: t.relation('category', { nullable: true }),
    // Stock per location: a handful of rows per product, so a plain list.
    inventory: t.relation('inventory', { query: { orderBy: { locationId: 'asc' }, take: 100 } }),
  }),
});

builder.queryFields((t) => ({
  products: t.prismaConnection({
    type: 'Product',
    cursor: 'id',
    args: {
      categoryId: t.arg({ type: 'UUID', required: false }),
      search: t.arg.string({
        required: false,
        description: 'Case-insensitive match on name or sku; % and _ match themselves.',
        extensions: { maxLength: LENGTH.search },
      }),
    },
    resolve: (query, _root, { categoryId, search }, ctx) =>
      ctx.db.product.findMany({
        ...query,
        where: {
          categoryId: categoryId ?? undefined,
          ...(search
            ? { OR: [{ name: containsText(search) }, { sku: containsText(search) }] }
            : {}),
        },
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
      }),
  }),
  product: t.prismaField({
    type: 'Product',
    nullable: true,
    args: { rowId: t.arg({ type: 'UUID', required: true }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.product.findUnique({ ...query, where: { id: rowId } }),
  }),
  productBySku: t.prismaField({
    type: 'Product',
    nullable: true,
    args: { sku: t.arg.string({ required: true, extensions: { maxLength: LENGTH.sku } }) },
    // sku is unique per tenant and RLS narrows to the current tenant.
    resolve: (query, _root, { sku }, ctx) => ctx.db.product.findFirst({ ...query, where: { sku } }),
  }),
}));
