import { builder } from './builder.js';
import { DOC } from './docs.js';

builder.prismaNode('Receipt', {
  id: { field: 'id' },
  description: `A receipt a user uploaded. ${DOC.ownOrAdmin('receipts')}`,
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    amount: t.expose('amount', { type: 'Decimal', description: 'Total on the receipt in `currency`, numeric(20,6) (never negative).' }),
    currency: t.expose('currency', { type: 'Currency', description: 'Currency of the amount.' }),
    ocrData: t.expose('ocrData', { type: 'JSON', description: DOC.json('What text recognition read from the image') }),
    imageS3Key: t.exposeString('imageS3Key', { nullable: true, description: 'Storage key of the image; null when there is none.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was uploaded.' }),
    user: t.relation('user', { description: 'Who uploaded it.' }),
    transaction: t.relation('transaction', {
      nullable: true,
      description: 'The ledger entry it documents; null when not matched or the viewer may not see that entry.',
    }),
    merchant: t.relation('merchant', { nullable: true, description: 'Where it was issued; null if unknown.' }),
  }),
});

builder.queryFields((t) => ({
  receipts: t.prismaConnection({
    type: 'Receipt',
    cursor: 'id',
    description: `Receipts, latest first. ${DOC.ownOrAdmin('receipts')}`,
    totalCount: (_root, _args, ctx) => ctx.db.receipt.count(),
    resolve: (query, _root, _args, ctx) =>
      ctx.db.receipt.findMany({ ...query, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
  receipt: t.prismaField({
    type: 'Receipt',
    nullable: true,
    description: DOC.byRowId('receipt'),
    args: { rowId: t.arg({ type: 'UUID', required: true, description: DOC.rowIdArg }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.receipt.findUnique({ ...query, where: { id: rowId } }),
  }),
}));
