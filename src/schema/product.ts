import { builder } from './builder.js';
import { LENGTH } from './limits.js';
import { DOC } from './docs.js';
import { containsText } from './search.js';

builder.prismaNode('Product', {
  id: { field: 'id' },
  description: `A product of the tenant's catalogue. ${DOC.catalogue}`,
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    sku: t.exposeString('sku', { description: 'Stock keeping unit, unique in the tenant.' }),
    name: t.exposeString('name', { description: 'Display name.' }),
    description: t.exposeString('description', { nullable: true, description: 'Longer text, if any.' }),
    brand: t.exposeString('brand', { nullable: true, description: 'Brand, if any.' }),
    price: t.expose('price', { type: 'Decimal', description: 'Price of one unit in `currency`, numeric(12,2): at most 2 decimals, never negative.' }),
    currency: t.expose('currency', { type: 'Currency', description: 'Currency of the price.' }),
    taxCode: t.exposeString('taxCode', { nullable: true, description: 'Tax classification code, if any.' }),
    attributes: t.expose('attributes', { type: 'JSON', description: DOC.json('Free-form attributes') }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: DOC.createdAt }),
    category: t.relation('category', { nullable: true, description: 'Its category; null when none.' }),
    // Stock per location: a handful of rows per product, so a plain list.
    inventory: t.relation('inventory', {
      description: 'Stock at each location, by location (at most 100).',
      query: { orderBy: { locationId: 'asc' }, take: 100 },
    }),
  }),
});

/** The filters of `products`, shared by the page and its totalCount. */
const productsWhere = ({ categoryId, search }: { categoryId?: string | null; search?: string | null }) => ({
  categoryId: categoryId ?? undefined,
  ...(search ? { OR: [{ name: containsText(search) }, { sku: containsText(search) }] } : {}),
});

builder.queryFields((t) => ({
  products: t.prismaConnection({
    type: 'Product',
    cursor: 'id',
    description: `Products of the tenant, by name. ${DOC.catalogue}`,
    args: {
      categoryId: t.arg({ type: 'UUID', required: false, description: 'Only products in this category (its `rowId`), not in its subcategories.' }),
      search: t.arg.string({
        required: false,
        description: 'Case-insensitive match on name or sku; % and _ match themselves.',
        extensions: { maxLength: LENGTH.search },
      }),
    },
    totalCount: (_root, args, ctx) => ctx.db.product.count({ where: productsWhere(args) }),
    resolve: (query, _root, args, ctx) =>
      ctx.db.product.findMany({ ...query, where: productsWhere(args), orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
  }),
  product: t.prismaField({
    type: 'Product',
    nullable: true,
    description: DOC.byRowId('product'),
    args: { rowId: t.arg({ type: 'UUID', required: true, description: DOC.rowIdArg }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.product.findUnique({ ...query, where: { id: rowId } }),
  }),
  productBySku: t.prismaField({
    type: 'Product',
    nullable: true,
    description: 'One product by its SKU (exact match); null when the tenant has none.',
    args: { sku: t.arg.string({ required: true, description: 'The SKU.', extensions: { maxLength: LENGTH.sku } }) },
    // sku is unique per tenant and RLS narrows to the current tenant.
    resolve: (query, _root, { sku }, ctx) => ctx.db.product.findFirst({ ...query, where: { sku } }),
  }),
}));
