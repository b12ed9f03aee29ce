import { builder } from './builder.js';
import { DOC } from './docs.js';

builder.prismaNode('Inventory', {
  id: { field: 'id' },
  description: `Stock of one product at one location. ${DOC.catalogue}`,
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    quantity: t.exposeInt('quantity', { description: 'Units on hand (never negative).' }),
    reserved: t.exposeInt('reserved', { description: 'Units of `quantity` set aside, not for sale (at most `quantity`).' }),
    available: t.int({
      description: 'Units for sale: `quantity` - `reserved`.',
      select: { quantity: true, reserved: true },
      resolve: (row) => row.quantity - row.reserved,
    }),
    reorderThreshold: t.exposeInt('reorderThreshold', { description: 'Reorder level: restock when stock falls to it.' }),
    lastRestockAt: t.expose('lastRestockAt', { type: 'DateTime', nullable: true, description: 'Last restock; null if never.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: DOC.updatedAt }),
    product: t.relation('product', { description: 'The product stocked.' }),
    location: t.relation('location', { description: 'Where it is stocked.' }),
  }),
});

/** The filters of `inventory`, shared by the page and its totalCount. */
const inventoryWhere = (args: { locationId?: string | null; productId?: string | null }) => ({
  locationId: args.locationId ?? undefined,
  productId: args.productId ?? undefined,
});

builder.queryField('inventory', (t) =>
  t.prismaConnection({
    type: 'Inventory',
    cursor: 'id',
    description: `Stock of the tenant, by product and location. ${DOC.catalogue}`,
    args: {
      locationId: t.arg({ type: 'UUID', required: false, description: 'Only stock at this location (its `rowId`).' }),
      productId: t.arg({ type: 'UUID', required: false, description: 'Only stock of this product (its `rowId`).' }),
    },
    totalCount: (_root, args, ctx) => ctx.db.inventory.count({ where: inventoryWhere(args) }),
    resolve: (query, _root, args, ctx) =>
      ctx.db.inventory.findMany({
        ...query,
        where: inventoryWhere(args),
        orderBy: [{ productId: 'asc' }, { locationId: 'asc' }, { id: 'asc' }],
      }),
  }),
);
