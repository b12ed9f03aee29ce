import { queryFromInfo } from '@pothos/plugin-prisma';
import { z } from 'zod';
import type { Prisma, Receipt } from '../generated/prisma/client.js';
import { builder } from './builder.js';
import { DOC } from './docs.js';
import { LENGTH, RULES } from './limits.js';
import { requireUser } from '../context.js';
import { attachReceipt } from '../resolvers/receipt.js';

const ReceiptNode = builder.prismaNode('Receipt', {
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
      description: 'The ledger entry it documents; null when it was attached to a whole transfer, not matched, or the viewer may not see that entry.',
    }),
    transfer: t.relation('transfer', {
      nullable: true,
      description: 'The transfer (journal) it documents, also when it was attached to one of its entries; null when not matched or the viewer may not see that transfer.',
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

// Transfers gain their receipts here, beside the receipt's side of the link.
builder.prismaObjectField('Transfer', 'receipts', (t) =>
  t.relatedConnection('receipts', {
    cursor: 'id',
    description: `Receipts that document this transfer or one of its entries, latest first. ${DOC.ownOrAdmin('receipts')}`,
    totalCount: true,
    query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
  }),
);

const AttachReceiptFields = builder.inputType('AttachReceiptInput', {
  description: 'The receipt `attachReceipt` records: give exactly one of `transactionId` and `transferId`.',
  fields: (t) => ({
    transactionId: t.field({
      type: 'UUID',
      required: false,
      description:
        "The ledger entry it documents (`Transaction.rowId`); the receipt documents the entry's transfer too. NOT_FOUND when the viewer cannot see it. Not together with `transferId`.",
    }),
    transferId: t.field({
      type: 'UUID',
      required: false,
      description:
        'The transfer (journal) it documents (`Transfer.rowId`): members, one touching an account of their own; owners/admins, any of the tenant\'s. NOT_FOUND otherwise. Not together with `transactionId`.',
    }),
    amount: t.field({ type: 'Decimal', required: true, description: 'Total on the receipt in `currency`; not negative.', validate: RULES.nonNegativeDecimal }),
    currency: t.field({ type: 'Currency', required: true, description: 'Currency of the amount (may differ from the entry\'s).' }),
    ocr: t.field({ type: 'JSON', required: false, description: 'What text recognition read from the image (JSON); omitted means `{}`.' }),
    storageKey: t.string({
      required: false,
      description: "Object-storage key of the image: letters, digits and !_.*'()/- only, no `..` segment, at most 1,024 characters.",
      validate: RULES.storageKey,
      extensions: { maxLength: LENGTH.storageKey },
    }),
  }),
});
// Across fields: exactly one of transactionId and transferId (the other fields pass through as they are).
const AttachReceiptInput = AttachReceiptFields.validate(
  z.custom<typeof AttachReceiptFields.$inferInput>().superRefine((input, ctx) => {
    if (input.transactionId && input.transferId) {
      ctx.addIssue({ code: 'custom', path: ['transferId'], message: 'give transactionId or transferId, not both' });
    } else if (!input.transactionId && !input.transferId) {
      ctx.addIssue({ code: 'custom', path: ['transactionId'], message: 'give transactionId or transferId' });
    }
  }),
);

const AttachReceiptPayload = builder.objectRef<{ receipt: Receipt }>('AttachReceiptPayload').implement({
  description: 'Result of `attachReceipt`.',
  fields: (t) => ({ receipt: t.expose('receipt', { type: ReceiptNode, description: 'The new receipt.' }) }),
});

builder.mutationField('attachReceipt', (t) =>
  t.field({
    type: AttachReceiptPayload,
    description:
      "Records a receipt of the viewer for a transfer (journal) or one of its ledger entries that they can see (members: entries of their own accounts and the transfers touching one; owners/admins: any of the tenant's). Its merchant is the entry's (for a transfer, that of its entries the viewer can see, the debit first). BAD_USER_INPUT unless exactly one of `transactionId` and `transferId` is given. Audited and announced in the outbox.",
    args: { input: t.arg({ type: AttachReceiptInput, required: true, description: 'The receipt to record.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await attachReceipt(ctx.db, requireUser(ctx), { ...input, ocr: input.ocr as Prisma.InputJsonValue | null | undefined });
      return { receipt: await ctx.db.receipt.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['receipt'] }), where: { id } }) };
    },
  }),
);
