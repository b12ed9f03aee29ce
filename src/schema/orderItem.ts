import { builder } from './builder.js';
import { DOC } from './docs.js';

builder.prismaNode('OrderItem', {
  id: { field: 'id' },
  description: 'One product line of an order; visible with its order.',
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    quantity: t.exposeInt('quantity', { description: 'Units ordered (at least 1).' }),
    unitPrice: t.expose('unitPrice', {
      type: 'Decimal',
      description: "Price of one unit in the order's `currency`, numeric(12,2): the product's price when the line was added.",
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the line was added.' }),
    product: t.relation('product', { description: 'The product.' }),
  }),
});
