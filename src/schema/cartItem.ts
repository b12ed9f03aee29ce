import { builder } from './builder.js';

builder.prismaNode('CartItem', {
  id: { field: 'id' },
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID' }),
    quantity: t.exposeInt('quantity'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    product: t.relation('product'),
  }),
});
