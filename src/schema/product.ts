import { queryFromInfo } from '@pothos/plugin-prisma';
import type { Prisma, Product } from '../generated/prisma/client.js';
import { builder } from './builder.js';
import type { CompiledOrder, CompiledSource } from '../compiled/source.js';
import { LENGTH, RULES } from './limits.js';
import { DOC } from './docs.js';
import { containsText } from './search.js';
import { requireUser, type Context } from '../context.js';
import { createProduct, updateProduct } from '../resolvers/product.js';

export const ProductNode = builder.prismaNode('Product', {
  id: { field: 'id' },
  // Select mode: a row carries only the columns its selected fields read. In include mode every
  // column rides in the nested JSON Postgres builds and Prisma parses (BENCHMARKS.md, 2026-11-23).
  select: { id: true },
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
    active: t.exposeBoolean('active', { description: 'Whether it is for sale; false once withdrawn (products that were ordered are deactivated, never deleted).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: DOC.createdAt }),
    category: t.relation('category', { nullable: true, description: 'Its category; null when none.' }),
    // Stock per location: a handful of rows per product, so a plain list.
    inventory: t.relation('inventory', {
      description: 'Stock at each location, by location (at most 100).',
      query: { orderBy: { locationId: 'asc' }, take: 100 },
    }),
  }),
});

const ProductOrder = builder.enumType('ProductOrder', {
  description: 'Orders of `products`; each ends with the row id, so pages are stable under ties.',
  values: {
    NAME: { value: 'NAME', description: 'By name, A to Z (the default).' },
    PRICE_ASC: { value: 'PRICE_ASC', description: 'Cheapest first.' },
    PRICE_DESC: { value: 'PRICE_DESC', description: 'Dearest first.' },
    NEWEST: { value: 'NEWEST', description: 'Most recently created first.' },
  } as const,
});

const PRODUCT_ORDER: Record<'NAME' | 'PRICE_ASC' | 'PRICE_DESC' | 'NEWEST', Prisma.ProductOrderByWithRelationInput[]> = {
  NAME: [{ name: 'asc' }, { id: 'asc' }],
  PRICE_ASC: [{ price: 'asc' }, { id: 'asc' }],
  // Both keys descending: ix_products_tenant_price (tenant_id, price, id) read backwards.
  PRICE_DESC: [{ price: 'desc' }, { id: 'desc' }],
  NEWEST: [{ createdAt: 'desc' }, { id: 'desc' }],
};

interface ProductsArgs {
  search?: string | null;
  categoryId?: string | null;
  includeSubcategories?: boolean | null;
  minPrice?: string | null;
  maxPrice?: string | null;
  inStockAt?: string | null;
  includeInactive?: boolean | null;
}

// Statements the page and its totalCount share within a request (keyed by
// what they depend on): a category's subtree, a search's matches.
const perRequest = new WeakMap<Context, Map<string, Promise<string[]>>>();
function once(ctx: Context, key: string, load: () => Promise<string[]>) {
  let memo = perRequest.get(ctx);
  if (!memo) perRequest.set(ctx, (memo = new Map()));
  let ids = memo.get(key);
  if (!ids) memo.set(key, (ids = load()));
  return ids;
}

const categorySubtree = (ctx: Context, categoryId: string) =>
  once(ctx, `category:${categoryId}`, async () =>
    (await ctx.db.$queryRaw<{ id: string }[]>`select app.category_descendants(${categoryId}::uuid)::text as id`).map((r) => r.id));

/** Past this many matches a search filters by ILIKE instead of an id list (the index saves little then). */
const SEARCH_ID_LIMIT = 1_000;
/** Trigrams need 3 characters: shorter terms cannot use the indexes. */
const SEARCH_INDEXED_LENGTH = 3;

/**
 * The search condition. Under RLS, ILIKE (not leakproof) can never use an
 * index, so terms of 3+ characters go through app.search_products
 * (sql/functions/inventory.sql): the owner's trigram-indexed search of the
 * tenant, returning ids; the page then filters by them. Shorter terms, or
 * terms matching more than SEARCH_ID_LIMIT products, filter by ILIKE here.
 */
async function searchWhere(ctx: Context, search: string): Promise<Prisma.ProductWhereInput> {
  if (search.length >= SEARCH_INDEXED_LENGTH) {
    const ids = await once(ctx, `search:${search}`, async () =>
      (await ctx.db.$queryRaw<{ id: string }[]>`select app.search_products(${search}, ${SEARCH_ID_LIMIT + 1}::integer)::text as id`).map((r) => r.id));
    if (ids.length <= SEARCH_ID_LIMIT) return { id: { in: ids } };
  }
  return { OR: [{ name: containsText(search) }, { sku: containsText(search) }, { brand: containsText(search) }] };
}

/**
 * The filters of `products`, shared by the page and its totalCount; RLS adds
 * the tenant. Search is a case-insensitive substring of name, sku or brand.
 */
async function productsWhere(ctx: Context, args: ProductsArgs): Promise<Prisma.ProductWhereInput> {
  const where: Prisma.ProductWhereInput = {};
  if (!args.includeInactive) where.active = true;
  if (args.categoryId) where.categoryId = args.includeSubcategories ? { in: await categorySubtree(ctx, args.categoryId) } : args.categoryId;
  if (args.search) where.AND = [await searchWhere(ctx, args.search)];
  if (args.minPrice != null || args.maxPrice != null) where.price = { gte: args.minPrice ?? undefined, lte: args.maxPrice ?? undefined };
  if (args.inStockAt) where.inventory = { some: { locationId: args.inStockAt, available: { gt: 0 } } };
  return where;
}

builder.queryFields((t) => ({
  products: t.prismaConnection({
    type: 'Product',
    cursor: 'id',
    // productsWhere and PRODUCT_ORDER, read by the compiled read path (src/compiled/); a search,
    // a category subtree, a stock filter or withdrawn products are left to the resolver.
    extensions: {
      compiled: {
        where: [
          { field: 'active', op: 'equals', value: true, unless: 'includeInactive' },
          { field: 'categoryId', op: 'equals', arg: 'categoryId' },
          { field: 'price', op: 'gte', arg: 'minPrice' },
          { field: 'price', op: 'lte', arg: 'maxPrice' },
        ],
        orderBy: { arg: 'orderBy', orders: PRODUCT_ORDER as unknown as Record<string, CompiledOrder>, default: 'NAME' },
        fallbackWhen: ['search', 'inStockAt', 'includeInactive', 'includeSubcategories&categoryId'],
        scopes: 'signedIn',
      } satisfies CompiledSource,
    },
    description: `Products of the tenant that are for sale (\`active\`), filtered and ordered as asked. ${DOC.catalogue}`,
    // Withdrawn products are staff business: includeInactive needs owner/admin (FORBIDDEN otherwise).
    authScopes: (_root, args) => (args.includeInactive ? { admin: true } : { signedIn: true }),
    args: {
      search: t.arg.string({
        required: false,
        description: 'Case-insensitive substring of the name, sku or brand; % and _ match themselves. Indexed for 3 or more characters.',
        extensions: { maxLength: LENGTH.search },
      }),
      categoryId: t.arg({ type: 'UUID', required: false, description: 'Only products in this category (its `rowId`); its subcategories too with `includeSubcategories`.' }),
      includeSubcategories: t.arg.boolean({
        required: false,
        defaultValue: false,
        description: 'With `categoryId`: also products in its subcategories, at any depth (one more statement).',
      }),
      minPrice: t.arg({ type: 'Decimal', required: false, description: 'Only products priced at least this (inclusive), in their own currency.' }),
      maxPrice: t.arg({ type: 'Decimal', required: false, description: 'Only products priced at most this (inclusive), in their own currency.' }),
      inStockAt: t.arg({ type: 'UUID', required: false, description: 'Only products with units available (`available` > 0) at this location (its `rowId`).' }),
      includeInactive: t.arg.boolean({
        required: false,
        defaultValue: false,
        description: `Also withdrawn products (\`active: false\`). ${DOC.adminOnly}`,
      }),
      orderBy: t.arg({ type: ProductOrder, required: false, defaultValue: 'NAME', description: 'The order; NAME when omitted.' }),
    },
    totalCount: async (_root, args, ctx) => ctx.db.product.count({ where: await productsWhere(ctx, args) }),
    resolve: async (query, _root, args, ctx) =>
      ctx.db.product.findMany({ ...query, where: await productsWhere(ctx, args), orderBy: PRODUCT_ORDER[args.orderBy ?? 'NAME'] }),
  }),
  product: t.prismaField({
    type: 'Product',
    nullable: true,
    description: `${DOC.byRowId('product')} Withdrawn products too (order lines refer to them).`,
    args: { rowId: t.arg({ type: 'UUID', required: true, description: DOC.rowIdArg }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.product.findUnique({ ...query, where: { id: rowId } }),
  }),
  productBySku: t.prismaField({
    type: 'Product',
    nullable: true,
    description: 'One product by its SKU (exact match), withdrawn ones too; null when the tenant has none.',
    args: { sku: t.arg.string({ required: true, description: 'The SKU.', extensions: { maxLength: LENGTH.sku } }) },
    // sku is unique per tenant and RLS narrows to the current tenant.
    resolve: (query, _root, { sku }, ctx) => ctx.db.product.findFirst({ ...query, where: { sku } }),
  }),
}));

const PRICE_DOC = 'Decimal string, numeric(12,2): from 0 to 9999999999.99, at most 2 decimals';

const CreateProductInput = builder.inputType('CreateProductInput', {
  description: 'The product `createProduct` adds.',
  fields: (t) => ({
    sku: t.string({ required: true, description: 'Stock keeping unit, unique in the tenant (CONFLICT when taken): trimmed, 1 to 100 characters, no spaces.', validate: RULES.sku, extensions: { maxLength: LENGTH.sku } }),
    name: t.string({ required: true, description: 'Display name: trimmed, 1 to 200 characters.', validate: RULES.productName, extensions: { maxLength: LENGTH.name } }),
    price: t.field({ type: 'Decimal', required: true, description: `Price of one unit: ${PRICE_DOC}.`, validate: RULES.price }),
    currency: t.field({ type: 'Currency', required: false, description: 'Currency of the price; BRL when omitted.' }),
    description: t.string({ required: false, description: 'Longer text: trimmed, 1 to 2,000 characters.', validate: RULES.description, extensions: { maxLength: LENGTH.description } }),
    brand: t.string({ required: false, description: 'Brand: trimmed, 1 to 100 characters.', validate: RULES.name, extensions: { maxLength: LENGTH.name } }),
    categoryId: t.field({ type: 'UUID', required: false, description: 'Its category (its `rowId`); INVALID_REFERENCE when the tenant has none such.' }),
    taxCode: t.string({ required: false, description: 'Tax classification code: trimmed, 1 to 100 characters.', validate: RULES.code, extensions: { maxLength: LENGTH.entity } }),
    attributes: t.field({ type: 'JSON', required: false, description: DOC.json('Free-form attributes') }),
    active: t.boolean({ required: false, description: 'For sale at once (true when omitted); false adds it withdrawn.' }),
  }),
});

const UpdateProductInput = builder.inputType('UpdateProductInput', {
  description: 'The product `updateProduct` changes: a field left out stays as it is.',
  fields: (t) => ({
    rowId: t.field({ type: 'UUID', required: true, description: 'The product (its `rowId`); NOT_FOUND when there is none in the tenant.' }),
    sku: t.string({ required: false, description: 'New SKU, unique in the tenant (CONFLICT when taken); null keeps it.', validate: RULES.sku, extensions: { maxLength: LENGTH.sku } }),
    name: t.string({ required: false, description: 'New display name: trimmed, 1 to 200 characters; null keeps it.', validate: RULES.productName, extensions: { maxLength: LENGTH.name } }),
    price: t.field({ type: 'Decimal', required: false, description: `New price: ${PRICE_DOC}; null keeps it. Orders keep the price they were placed at.`, validate: RULES.price }),
    currency: t.field({ type: 'Currency', required: false, description: 'New currency of the price; null keeps it.' }),
    description: t.string({ required: false, description: 'New longer text; null clears it.', validate: RULES.description, extensions: { maxLength: LENGTH.description } }),
    brand: t.string({ required: false, description: 'New brand; null clears it.', validate: RULES.name, extensions: { maxLength: LENGTH.name } }),
    categoryId: t.field({ type: 'UUID', required: false, description: 'New category (its `rowId`); null clears it. INVALID_REFERENCE when the tenant has none such.' }),
    taxCode: t.string({ required: false, description: 'New tax code; null clears it.', validate: RULES.code, extensions: { maxLength: LENGTH.entity } }),
    attributes: t.field({ type: 'JSON', required: false, description: 'New attributes, replacing the old (JSON); null sets `{}`.' }),
    active: t.boolean({ required: false, description: 'false withdraws the product from sale (products are never deleted), true puts it back; null keeps it.' }),
  }),
});

const productPayload = (name: string, verb: string) =>
  builder.objectRef<{ product: Product }>(name).implement({
    description: `Result of \`${verb}\`.`,
    fields: (t) => ({ product: t.expose('product', { type: ProductNode, description: 'The product as it now is.' }) }),
  });
const CreateProductPayload = productPayload('CreateProductPayload', 'createProduct');
const UpdateProductPayload = productPayload('UpdateProductPayload', 'updateProduct');

builder.mutationFields((t) => ({
  createProduct: t.field({
    type: CreateProductPayload,
    description: `Adds a product to the catalogue. ${DOC.adminOnly} Audited and announced in the outbox (\`ProductCreated\`).`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateProductInput, required: true, description: 'The product to add.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await createProduct(ctx.db, requireUser(ctx), { ...input, attributes: input.attributes as Prisma.InputJsonValue | null | undefined });
      return { product: await ctx.db.product.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['product'] }), where: { id } }) };
    },
  }),
  updateProduct: t.field({
    type: UpdateProductPayload,
    description: `Changes a product; \`active: false\` withdraws it (there is no delete: order lines refer to products). ${DOC.adminOnly} Audited and announced in the outbox (\`ProductUpdated\`).`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateProductInput, required: true, description: 'The product and the fields to change.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await updateProduct(ctx.db, requireUser(ctx), { ...input, attributes: input.attributes as Prisma.InputJsonValue | null | undefined });
      return { product: await ctx.db.product.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['product'] }), where: { id } }) };
    },
  }),
}));
