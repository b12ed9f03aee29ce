import { queryFromInfo } from '@pothos/plugin-prisma';
import { TransactionStatus, TransactionType } from '../generated/prisma/enums.js';
import type { Transaction } from '../generated/prisma/client.js';
import { requireUser } from '../context.js';
import { categorizeTransaction } from '../resolvers/transaction.js';
import { builder, prismaEnumType } from './builder.js';
import type { CompiledSource } from '../compiled/source.js';
import { DOC } from './docs.js';

export const TransactionTypeEnum = prismaEnumType('TransactionType', TransactionType, 'Kind of ledger entry; it gives the direction of `amount`.', {
  debit: 'Money out of the account.',
  credit: 'Money into the account.',
  transfer: 'Money moved between two accounts of the tenant (see `counterpartyAccount`).',
  fee: 'A charge on the account.',
  reversal: 'A counter-entry cancelling an earlier entry.',
});
export const TransactionStatusEnum = prismaEnumType('TransactionStatus', TransactionStatus, 'Where a ledger entry stands.', {
  pending: 'Recorded, not yet applied to the balance; new entries start here.',
  posted: 'Applied to the account balance.',
  failed: 'Rejected; never applied.',
  reversed: 'Posted, then cancelled by a reversal.',
});

export const TransactionNode = builder.prismaNode('Transaction', {
  id: { field: 'id' },
  // Select mode: a row carries only the columns its selected fields read. In include mode every
  // column rides in the nested JSON Postgres builds and Prisma parses (BENCHMARKS.md, 2026-11-23).
  select: { id: true },
  description:
    "A ledger entry. Insert-only: corrections are counter-entries. Members see the entries of their own accounts; owners/admins see all of the tenant's.",
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    type: t.expose('type', { type: TransactionTypeEnum, description: 'Kind of entry; it gives the direction of `amount`.' }),
    status: t.expose('status', { type: TransactionStatusEnum, description: 'Where the entry stands.' }),
    amount: t.expose('amount', { type: 'Decimal', description: 'Amount in `currency`, numeric(20,6); never negative (`type` gives the direction).' }),
    currency: t.expose('currency', { type: 'Currency', description: 'Currency of the amount.' }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime', description: 'When it happened; the ledger is ordered by it.' }),
    reference: t.exposeString('reference', { nullable: true, description: 'External reference (e.g. from the bank), if any.' }),
    description: t.exposeString('description', { nullable: true, description: 'Free text, if any.' }),
    metadata: t.expose('metadata', { type: 'JSON', description: DOC.json('Free-form metadata') }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was recorded.' }),
    account: t.relation('account', { description: 'The account it belongs to.' }),
    // Null when the counterparty account belongs to someone the viewer may not see.
    counterpartyAccount: t.relation('counterpartyAccount', {
      nullable: true,
      description: 'The other account of a transfer; null when there is none or the viewer may not see it.',
    }),
    category: t.relation('category', { nullable: true, description: 'Its category; null when none.' }),
    merchant: t.relation('merchant', { nullable: true, description: 'The merchant; null when none.' }),
    transfer: t.relation('transfer', {
      nullable: true,
      description: 'The transfer (journal) this entry belongs to, posted by the ledger; null for entries recorded outside it (pending ones).',
    }),
    receipts: t.relation('receipts', {
      description: 'Receipts that document it and the viewer may see, oldest first (at most 20).',
      query: { orderBy: { createdAt: 'asc' }, take: 20 },
    }),
  }),
});

const TransactionFilter = builder.inputType('TransactionFilter', {
  description: 'Narrows `transactions`: an entry must match every field given.',
  fields: (t) => ({
    accountId: t.field({ type: 'UUID', required: false, description: 'Only entries of this account (its `rowId`).' }),
    categoryId: t.field({ type: 'UUID', required: false, description: 'Only entries of this category (its `rowId`), not of its subcategories.' }),
    type: t.field({ type: TransactionTypeEnum, required: false, description: 'Only entries of this kind.' }),
    status: t.field({ type: TransactionStatusEnum, required: false, description: 'Only entries in this status.' }),
    occurredFrom: t.field({ type: 'DateTime', required: false, description: 'Only entries that occurred at or after this time (inclusive).' }),
    occurredTo: t.field({ type: 'DateTime', required: false, description: 'Only entries that occurred before this time (exclusive).' }),
  }),
});

/** The filters of `transactions`, shared by the page and its totalCount. */
const transactionsWhere = (filter?: typeof TransactionFilter.$inferInput | null) => ({
  accountId: filter?.accountId ?? undefined,
  categoryId: filter?.categoryId ?? undefined,
  type: filter?.type ?? undefined,
  status: filter?.status ?? undefined,
  occurredAt: { gte: filter?.occurredFrom ?? undefined, lt: filter?.occurredTo ?? undefined },
});

builder.queryFields((t) => ({
  transactions: t.prismaConnection({
    type: 'Transaction',
    cursor: 'id',
    // transactionsWhere and the order below, read by the compiled read path (src/compiled/).
    extensions: {
      compiled: {
        where: [
          { field: 'accountId', op: 'equals', arg: 'filter.accountId' },
          { field: 'categoryId', op: 'equals', arg: 'filter.categoryId' },
          { field: 'type', op: 'equals', arg: 'filter.type' },
          { field: 'status', op: 'equals', arg: 'filter.status' },
          { field: 'occurredAt', op: 'gte', arg: 'filter.occurredFrom' },
          { field: 'occurredAt', op: 'lt', arg: 'filter.occurredTo' },
        ],
        orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      } satisfies CompiledSource,
    },
    description:
      "Ledger entries, latest first (by `occurredAt`). Members see the entries of their own accounts; owners/admins see all of the tenant's.",
    args: { filter: t.arg({ type: TransactionFilter, required: false, description: 'Narrows the list; no filter lists every visible entry.' }) },
    totalCount: (_root, { filter }, ctx) => ctx.db.transaction.count({ where: transactionsWhere(filter) }),
    resolve: (query, _root, { filter }, ctx) =>
      ctx.db.transaction.findMany({ ...query, where: transactionsWhere(filter), orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }] }),
  }),
  transaction: t.prismaField({
    type: 'Transaction',
    nullable: true,
    description: DOC.byRowId('ledger entry'),
    args: { rowId: t.arg({ type: 'UUID', required: true, description: DOC.rowIdArg }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.transaction.findUnique({ ...query, where: { id: rowId } }),
  }),
}));

// Categorising: metadata only. The column grant on transactions allows
// category_id and merchant_id and nothing else (sql/rls/transactions.sql).
const CategorizeTransactionInput = builder.inputType('CategorizeTransactionInput', {
  description: 'The ledger entry `categorizeTransaction` recategorises: a field left out stays as it is, null clears it.',
  fields: (t) => ({
    rowId: t.field({
      type: 'UUID',
      required: true,
      description: 'The entry (its `rowId`); NOT_FOUND when the viewer may not categorise it (members: entries of their own accounts).',
    }),
    categoryId: t.field({ type: 'UUID', required: false, description: 'Its category (`Category.rowId`); null clears it. INVALID_REFERENCE when there is no such category.' }),
    merchantId: t.field({ type: 'UUID', required: false, description: 'Its merchant (`Merchant.rowId`); null clears it. INVALID_REFERENCE when there is no such merchant.' }),
  }),
});

const CategorizeTransactionPayload = builder.objectRef<{ transaction: Transaction }>('CategorizeTransactionPayload').implement({
  description: 'Result of `categorizeTransaction`.',
  fields: (t) => ({ transaction: t.expose('transaction', { type: TransactionNode, description: 'The entry with its new category and merchant.' }) }),
});

builder.mutationField('categorizeTransaction', (t) =>
  t.field({
    type: CategorizeTransactionPayload,
    description:
      "Sets the category and merchant of a ledger entry; never its amount, status or account. Members categorise entries of their own accounts; owners/admins any of the tenant's. Audited and announced in the outbox.",
    args: { input: t.arg({ type: CategorizeTransactionInput, required: true, description: 'The entry and its new category and merchant.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await categorizeTransaction(ctx.db, requireUser(ctx), input);
      return {
        transaction: await ctx.db.transaction.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['transaction'] }), where: { id } }),
      };
    },
  }),
);
