import { builder } from './builder.js';

builder.prismaNode('Receipt', {
  id: { field: 'id' },
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID' }),
    amount: t.expose('amount', { type: 'Decimal' }),
    currency: t.expose('currency', { type: 'Currency' }),
    ocrData: t.expose('ocrData', { type: 'JSON' }),
    imageS3Key: t.exposeString('imageS3Key', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    user: t.relation('user'),
    transaction: t.relation('transaction', { nullable: true }),
    merchant: t.relation('merchant', { nullable: true }),
  }),
});

builder.queryFields((t) => ({
  receipts: t.prismaConnection({
    type: 'Receipt',
    cursor: 'id',
    resolve: (query, _root, _args, ctx) =>
      ctx.db.receipt.findMany({ ...query, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
  receipt: t.prismaField({
    type: 'Receipt',
    nullable: true,
    args: { rowId: t.arg({ type: 'UUID', required: true }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.receipt.findUnique({ ...query, where: { id: rowId } }),
  }),
}));
