import { builder } from './builder.js';
import { DOC } from './docs.js';

builder.prismaNode('CartItem', {
  id: { field: 'id' },
  description: 'One product line of a cart; visible with its cart.',
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    quantity: t.exposeInt('quantity', { description: 'Units of the product (at least 1).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the line was added.' }),
    product: t.relation('product', { description: 'The product.' }),
  }),
});
