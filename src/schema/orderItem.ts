import { builder } from './builder.js';
import { DOC } from './docs.js';

builder.prismaNode('OrderItem', {
  id: { field: 'id' },
  // Select mode: a row carries only the columns its selected fields read. In include mode every
  // column rides in the nested JSON Postgres builds and Prisma parses (BENCHMARKS.md, 2026-11-23).
  select: { id: true },
  description: 'One product line of an order, as the product was at checkout; visible with its order.',
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    quantity: t.exposeInt('quantity', { description: 'Units ordered (at least 1).' }),
    unitPrice: t.expose('unitPrice', {
      type: 'Decimal',
      description: 'Price of one unit in `currency`, numeric(12,2): the product\'s price at checkout.',
    }),
    productName: t.exposeString('productName', { description: "The product's name at checkout (later renames do not change it)." }),
    sku: t.exposeString('sku', { description: "The product's SKU at checkout." }),
    currency: t.expose('currency', { type: 'Currency', description: 'Currency of `unitPrice` and `lineTotal`.' }),
    lineTotal: t.expose('lineTotal', { type: 'Decimal', description: '`unitPrice` × `quantity`, numeric(20,6) (computed by the database).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the line was added.' }),
    product: t.relation('product', { description: 'The product.' }),
  }),
});
