import { builder } from './builder.js';

builder.prismaNode('OrderItem', {
  id: { field: 'id' },
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID' }),
    quantity: t.exposeInt('quantity'),
    unitPrice: t.expose('unitPrice', { type: 'Decimal' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    product: t.relation('product'),
  }),
});
