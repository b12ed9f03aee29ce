import { TransactionStatus, TransactionType } from '../generated/prisma/enums.js';
import { builder } from './builder.js';

export const TransactionTypeEnum = builder.enumType(TransactionType, { name: 'TransactionType' });
export const TransactionStatusEnum = builder.enumType(TransactionStatus, { name: 'TransactionStatus' });

builder.prismaNode('Transaction', {
  id: { field: 'id' },
  description: 'A ledger entry. Insert-only: corrections are counter-entries.',
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID' }),
    type: t.expose('type', { type: TransactionTypeEnum }),
    status: t.expose('status', { type: TransactionStatusEnum }),
    amount: t.expose('amount', { type: 'Decimal' }),
    currency: t.expose('currency', { type: 'Currency' }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    reference: t.exposeString('reference', { nullable: true }),
    description: t.exposeString('description', { nullable: true }),
    metadata: t.expose('metadata', { type: 'JSON' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    account: t.relation('account'),
    // Null when the counterparty account belongs to someone the viewer may not see.
    counterpartyAccount: t.relation('counterpartyAccount', { nullable: true }),
    category: t.relation('category', { nullable: true }),
    merchant: t.relation('merchant', { nullable: true }),
    receipts: t.relation('receipts', { query: { orderBy: { createdAt: 'asc' }, take: 20 } }),
  }),
});

const TransactionFilter = builder.inputType('TransactionFilter', {
  fields: (t) => ({
    accountId: t.field({ type: 'UUID', required: false }),
    categoryId: t.field({ type: 'UUID', required: false }),
    type: t.field({ type: TransactionTypeEnum, required: false }),
    status: t.field({ type: TransactionStatusEnum, required: false }),
    occurredFrom: t.field({ type: 'DateTime', required: false, description: 'Inclusive.' }),
    occurredTo: t.field({ type: 'DateTime', required: false, description: 'Exclusive.' }),
  }),
});

builder.queryFields((t) => ({
  transactions: t.prismaConnection({
    type: 'Transaction',
    cursor: 'id',
    description: 'Ledger entries visible to the viewer, latest first.',
    args: { filter: t.arg({ type: TransactionFilter, required: false }) },
    resolve: (query, _root, { filter }, ctx) =>
      ctx.db.transaction.findMany({
        ...query,
        where: {
          accountId: filter?.accountId ?? undefined,
          categoryId: filter?.categoryId ?? undefined,
          type: filter?.type ?? undefined,
          status: filter?.status ?? undefined,
          occurredAt: { gte: filter?.occurredFrom ?? undefined, lt: filter?.occurredTo ?? undefined },
        },
        orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      }),
  }),
  transaction: t.prismaField({
    type: 'Transaction',
    nullable: true,
    args: { rowId: t.arg({ type: 'UUID', required: true }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.transaction.findUnique({ ...query, where: { id: rowId } }),
  }),
}));
