import { queryFromInfo } from '@pothos/plugin-prisma';
import { AccountType } from '../generated/prisma/enums.js';
import type { Account } from '../generated/prisma/client.js';
import { builder, prismaEnumType } from './builder.js';
import { DOC } from './docs.js';
import { LENGTH, RULES } from './limits.js';
import { requireUser } from '../context.js';
import { openAccount } from '../resolvers/account.js';

export const AccountTypeEnum = prismaEnumType('AccountType', AccountType, 'Kind of account.', {
  wallet: 'Stored-value wallet.',
  bank: 'Bank (checking) account.',
  credit: 'Credit account: a card or a credit line.',
  savings: 'Savings account.',
  corporate: 'Business account. Opened without `userId` it belongs to the tenant itself (no holder) and only owners/admins see it.',
});

/** The filters of `accounts`, shared by the page and its totalCount. */
const accountsWhere = (args: { type?: AccountType | null; userId?: string | null }) => ({
  type: args.type ?? undefined,
  userId: args.userId ?? undefined,
});

const AccountNode = builder.prismaNode('Account', {
  id: { field: 'id' },
  description: `A financial account. ${DOC.ownOrAdmin('accounts')}`,
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    name: t.exposeString('name', { description: 'Display name.' }),
    type: t.expose('type', { type: AccountTypeEnum, description: 'Kind of account.' }),
    currency: t.expose('currency', { type: 'Currency', description: 'Currency of the balance and of every entry.' }),
    balance: t.expose('balance', {
      type: 'Decimal',
      description: 'Balance in `currency`, numeric(20,6). 0 when opened; kept by the ledger, never written by clients.',
    }),
    metadata: t.expose('metadata', { type: 'JSON', description: DOC.json('Free-form metadata') }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the account was opened.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: DOC.updatedAt }),
    user: t.relation('user', { nullable: true, description: 'The holder; null for an account of the tenant itself (no holder).' }),
    // Latest first. The page limit is applied per account inside the SQL
    // (relationJoins: a LATERAL subquery with LIMIT), never in memory.
    transactions: t.relatedConnection('transactions', {
      cursor: 'id',
      description: 'Ledger entries of this account, latest first (by `occurredAt`).',
      totalCount: true,
      query: { orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }] },
    }),
  }),
});

builder.queryFields((t) => ({
  accounts: t.prismaConnection({
    type: 'Account',
    cursor: 'id',
    description: `Accounts, oldest first. ${DOC.ownOrAdmin('accounts')}`,
    args: {
      type: t.arg({ type: AccountTypeEnum, required: false, description: 'Only accounts of this kind.' }),
      userId: t.arg({ type: 'UUID', required: false, description: 'Only accounts held by this user (`User.rowId`).' }),
    },
    totalCount: (_root, args, ctx) => ctx.db.account.count({ where: accountsWhere(args) }),
    resolve: (query, _root, args, ctx) =>
      ctx.db.account.findMany({ ...query, where: accountsWhere(args), orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
  }),
  account: t.prismaField({
    type: 'Account',
    nullable: true,
    description: DOC.byRowId('account'),
    args: { rowId: t.arg({ type: 'UUID', required: true, description: DOC.rowIdArg }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.account.findUnique({ ...query, where: { id: rowId } }),
  }),
}));

const OpenAccountInput = builder.inputType('OpenAccountInput', {
  description: 'The account `openAccount` opens.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Display name: trimmed, 1 to 100 characters.', validate: RULES.name, extensions: { maxLength: LENGTH.name } }),
    type: t.field({ type: AccountTypeEnum, required: true, description: 'Kind of account.' }),
    currency: t.field({ type: 'Currency', required: true, description: 'Currency of the account, e.g. "BRL"; it cannot change later.' }),
    userId: t.field({
      type: 'UUID',
      required: false,
      description:
        'The holder (`User.rowId`). Default: the viewer, or no holder for CORPORATE. Owners/admins only for anyone but themselves (FORBIDDEN for members).',
    }),
  }),
});

const OpenAccountPayload = builder.objectRef<{ account: Account }>('OpenAccountPayload').implement({
  description: 'Result of `openAccount`.',
  fields: (t) => ({ account: t.expose('account', { type: AccountNode, description: 'The new account.' }) }),
});

builder.mutationField('openAccount', (t) =>
  t.field({
    type: OpenAccountPayload,
    description:
      'Opens an account with a zero balance. Any signed-in user opens one for themselves; owners/admins also for another user or, as CORPORATE without `userId`, for the tenant (FORBIDDEN for members). Audited and announced in the outbox.',
    args: { input: t.arg({ type: OpenAccountInput, required: true, description: 'The account to open.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await openAccount(ctx.db, requireUser(ctx), input);
      // The payload's account is loaded with the selection under it (one query, relations included).
      return { account: await ctx.db.account.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['account'] }), where: { id } }) };
    },
  }),
);
