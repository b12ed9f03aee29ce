import { builder } from './builder.js';

builder.prismaNode('Inventory', {
  id: { field: 'id' },
  description: 'Stock of one product at one location.',
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID' }),
    quantity: t.exposeInt('quantity'),
    reserved: t.exposeInt('reserved'),
    available: t.int({
      description: 'quantity - reserved',
      select: { quantity: true, reserved: true },
      resolve: (row) => row.quantity - row.reserved,
    }),
    reorderThreshold: t.exposeInt('reorderThreshold'),
    lastRestockAt: t.expose('lastRestockAt', { type: 'DateTime', nullable: true }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    product: t.relation('product'),
    location: t.relation('location'),
  }),
});

builder.queryField('inventory', (t) =>
  t.prismaConnection({
    type: 'Inventory',
    cursor: 'id',
    args: {
      locationId: t.arg({ type: 'UUID', required: false }),
      productId: t.arg({ type: 'UUID', required: false }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.inventory.findMany({
        ...query,
        where: { locationId: args.locationId ?? undefined, productId: args.productId ?? undefined },
        orderBy: [{ productId: 'asc' }, { locationId: 'asc' }, { id: 'asc' }],
      }),
  }),
);
