import { queryFromInfo } from '@pothos/plugin-prisma';
import type { Inventory, Prisma } from '../generated/prisma/client.js';
import { builder } from './builder.js';
import type { CompiledSource } from '../compiled/source.js';
import { DOC } from './docs.js';
import { LENGTH, RULES } from './limits.js';
import { requireUser, type Context } from '../context.js';
import { adjustStock, restock, setReorderThreshold } from '../resolvers/inventory.js';

export const InventoryNode = builder.prismaNode('Inventory', {
  id: { field: 'id' },
  // Select mode: a row carries only the columns its selected fields read. In include mode every
  // column rides in the nested JSON Postgres builds and Prisma parses (BENCHMARKS.md, 2026-11-23).
  select: { id: true },
  description:
    "Stock of one product at one location. Every user of the tenant reads it; it changes only through the inventory and order mutations (restock, checkout, shipping…), never by a direct write.",
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    quantity: t.exposeInt('quantity', { description: 'Units on hand (never negative).' }),
    reserved: t.exposeInt('reserved', { description: 'Units of `quantity` set aside, not for sale (at most `quantity`).' }),
    available: t.exposeInt('available', { description: 'Units for sale: `quantity` - `reserved` (computed by the database).' }),
    reorderThreshold: t.exposeInt('reorderThreshold', { description: 'Reorder level: restock when stock falls to it.' }),
    lastRestockAt: t.expose('lastRestockAt', { type: 'DateTime', nullable: true, description: 'Last restock; null if never.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: DOC.updatedAt }),
    product: t.relation('product', { description: 'The product stocked.' }),
    location: t.relation('location', { description: 'Where it is stocked.' }),
  }),
});

/** The filters of `inventory`, shared by the page and its totalCount. */
const inventoryWhere = (ctx: Context, args: { locationId?: string | null; productId?: string | null; lowStock?: boolean | null }): Prisma.InventoryWhereInput => ({
  locationId: args.locationId ?? undefined,
  productId: args.productId ?? undefined,
  // A column reference (available <= reorder_threshold), the predicate of the partial index ix_inventory_tenant_low.
  ...(args.lowStock ? { available: { lte: ctx.db.inventory.fields.reorderThreshold } } : {}),
});

builder.queryField('inventory', (t) =>
  t.prismaConnection({
    type: 'Inventory',
    cursor: 'id',
    description: 'Stock of the tenant, by product and location. Every user of the tenant reads it, and partner clients with INVENTORY_READ; `lowStock` is for owners/admins and those partner clients.',
    authScopes: (_root, args) => (args.lowStock ? { admin: true, partnerScope: 'inventory:read' } : { signedIn: true }),
    // inventoryWhere and the order below, read by the compiled read path (src/compiled/); lowStock is left to the resolver.
    extensions: {
      compiled: {
        where: [
          { field: 'locationId', op: 'equals', arg: 'locationId' },
          { field: 'productId', op: 'equals', arg: 'productId' },
        ],
        orderBy: [{ productId: 'asc' }, { locationId: 'asc' }, { id: 'asc' }],
        fallbackWhen: ['lowStock'],
        scopes: 'signedIn',
      } satisfies CompiledSource,
    },
    args: {
      locationId: t.arg({ type: 'UUID', required: false, description: 'Only stock at this location (its `rowId`).' }),
      productId: t.arg({ type: 'UUID', required: false, description: 'Only stock of this product (its `rowId`).' }),
      lowStock: t.arg.boolean({
        required: false,
        defaultValue: false,
        description: `Only rows at or below their reorder level (\`available\` <= \`reorderThreshold\`): what to restock. ${DOC.adminOnly} Also partner clients with INVENTORY_READ.`,
      }),
    },
    totalCount: (_root, args, ctx) => ctx.db.inventory.count({ where: inventoryWhere(ctx, args) }),
    resolve: (query, _root, args, ctx) =>
      ctx.db.inventory.findMany({
        ...query,
        where: inventoryWhere(ctx, args),
        orderBy: [{ productId: 'asc' }, { locationId: 'asc' }, { id: 'asc' }],
      }),
  }),
);

const STOCK_REF = {
  productId: 'The product (its `rowId`); NOT_FOUND when the tenant has none such.',
  locationId: 'The location (its `rowId`); NOT_FOUND when the tenant has none such.',
};

const RestockInput = builder.inputType('RestockInput', {
  description: 'The units `restock` adds.',
  fields: (t) => ({
    productId: t.field({ type: 'UUID', required: true, description: STOCK_REF.productId }),
    locationId: t.field({ type: 'UUID', required: true, description: STOCK_REF.locationId }),
    quantity: t.int({ required: true, description: 'Units received: 1 to 1,000,000.', validate: RULES.restockQuantity }),
    reason: t.string({ required: false, description: 'Why (a delivery note…), kept in the audit trail: trimmed, 1 to 500 characters.', validate: RULES.reason, extensions: { maxLength: LENGTH.reason } }),
  }),
});

const AdjustStockInput = builder.inputType('AdjustStockInput', {
  description: 'The correction `adjustStock` makes.',
  fields: (t) => ({
    productId: t.field({ type: 'UUID', required: true, description: STOCK_REF.productId }),
    locationId: t.field({ type: 'UUID', required: true, description: `${STOCK_REF.locationId} NOT_FOUND too when the product has no stock there (restock creates it).` }),
    delta: t.int({ required: true, description: 'Units to add (positive) or remove (negative), not 0, at most 1,000,000 either way. OUT_OF_STOCK when it would leave fewer units than are reserved.', validate: RULES.stockDelta }),
    reason: t.string({ required: true, description: 'Why (breakage, a stock count…), kept in the audit trail: trimmed, 1 to 500 characters.', validate: RULES.reason, extensions: { maxLength: LENGTH.reason } }),
  }),
});

const SetReorderThresholdInput = builder.inputType('SetReorderThresholdInput', {
  description: 'The reorder level `setReorderThreshold` sets.',
  fields: (t) => ({
    productId: t.field({ type: 'UUID', required: true, description: STOCK_REF.productId }),
    locationId: t.field({ type: 'UUID', required: true, description: `${STOCK_REF.locationId} NOT_FOUND too when the product has no stock there.` }),
    threshold: t.int({ required: true, description: 'The new reorder level: 0 to 1,000,000 units.', validate: RULES.reorderThreshold }),
  }),
});

const inventoryPayload = (name: string, verb: string) =>
  builder.objectRef<{ inventory: Inventory }>(name).implement({
    description: `Result of \`${verb}\`.`,
    fields: (t) => ({ inventory: t.expose('inventory', { type: InventoryNode, description: 'The stock row as it now is.' }) }),
  });
const RestockPayload = inventoryPayload('RestockPayload', 'restock');
const AdjustStockPayload = inventoryPayload('AdjustStockPayload', 'adjustStock');
const SetReorderThresholdPayload = inventoryPayload('SetReorderThresholdPayload', 'setReorderThreshold');

const LOW = 'Crossing to `available` <= `reorderThreshold` announces `InventoryLow` in the outbox, once per crossing.';

builder.mutationFields((t) => ({
  restock: t.field({
    type: RestockPayload,
    description: `Adds units of a product at a location, creating its stock row on the first restock. ${DOC.adminOnly} Audited with the reason.`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: RestockInput, required: true, description: 'What arrived where.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await restock(ctx.db, requireUser(ctx), input);
      return { inventory: await ctx.db.inventory.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['inventory'] }), where: { id } }) };
    },
  }),
  adjustStock: t.field({
    type: AdjustStockPayload,
    description: `Corrects the units on hand of a product at a location (breakage, counts). ${DOC.adminOnly} Audited with the reason. ${LOW}`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: AdjustStockInput, required: true, description: 'The stock row, the change and why.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await adjustStock(ctx.db, requireUser(ctx), input);
      return { inventory: await ctx.db.inventory.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['inventory'] }), where: { id } }) };
    },
  }),
  setReorderThreshold: t.field({
    type: SetReorderThresholdPayload,
    description: `Sets the reorder level of a product at a location. ${DOC.adminOnly} Audited. ${LOW}`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: SetReorderThresholdInput, required: true, description: 'The stock row and its new level.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await setReorderThreshold(ctx.db, requireUser(ctx), input);
      return { inventory: await ctx.db.inventory.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['inventory'] }), where: { id } }) };
    },
  }),
}));
