import { queryFromInfo } from '@pothos/plugin-prisma';
import { AccountStatus, AccountType, SystemAccountKind } from '../generated/prisma/enums.js';
import type { Account } from '../generated/prisma/client.js';
import { builder, prismaEnumType } from './builder.js';
import type { CompiledSource } from '../compiled/source.js';
import { DOC } from './docs.js';
import { LENGTH, RULES } from './limits.js';
import { requireUser } from '../context.js';
import { closeAccount, openAccount, renameAccount } from '../resolvers/account.js';

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

export const AccountStatusEnum = prismaEnumType('AccountStatus', AccountStatus, 'Whether money may move in or out of an account.', {
  open: 'Open: money moves in and out.',
  closed: 'Closed (at a zero balance): no movement in or out (ACCOUNT_CLOSED).',
});

export const SystemAccountKindEnum = prismaEnumType('SystemAccountKind', SystemAccountKind, "Role of one of the tenant's own system accounts.", {
  clearing: 'The other side of deposits and withdrawals: money entering or leaving the tenant (one per currency).',
  revenue: 'What commerce earns (one per currency).',
});

export const AccountNode = builder.prismaNode('Account', {
  id: { field: 'id' },
  // Select mode: a row carries only the columns its selected fields read. In include mode every
  // column rides in the nested JSON Postgres builds and Prisma parses (BENCHMARKS.md, 2026-11-23).
  select: { id: true },
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
    creditLimit: t.expose('creditLimit', {
      type: 'Decimal',
      description: 'How far below zero the balance may go: 0 except for CREDIT accounts (set by owners/admins).',
    }),
    status: t.expose('status', { type: AccountStatusEnum, description: 'Open, or closed (no movement in or out).' }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true, description: 'When it was closed; null while open.' }),
    systemKind: t.expose('systemKind', {
      type: SystemAccountKindEnum,
      nullable: true,
      description: "For the tenant's own system accounts (no holder, owners/admins see them), their role; null for every other account.",
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
    // What the resolver below asks Prisma for, read by the compiled read path (src/compiled/).
    extensions: {
      compiled: {
        where: [
          { field: 'type', op: 'equals', arg: 'type' },
          { field: 'userId', op: 'equals', arg: 'userId' },
        ],
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      } satisfies CompiledSource,
    },
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
    // findUnique by id, read by the compiled read path (src/compiled/).
    extensions: { compiled: { unique: { field: 'id', arg: 'rowId' } } satisfies CompiledSource },
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
    creditLimit: t.field({
      type: 'Decimal',
      required: false,
      description: 'For CREDIT accounts only: how far below zero the balance may go (default 0; BAD_USER_INPUT for other types or a negative limit). Above 0 owners/admins only (FORBIDDEN for members).',
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

const RenameAccountInput = builder.inputType('RenameAccountInput', {
  description: 'The account `renameAccount` renames.',
  fields: (t) => ({
    rowId: t.field({ type: 'UUID', required: true, description: 'The account (`Account.rowId`).' }),
    name: t.string({ required: true, description: 'New display name: trimmed, 1 to 100 characters.', validate: RULES.name, extensions: { maxLength: LENGTH.name } }),
  }),
});
const RenameAccountPayload = builder.objectRef<{ account: Account }>('RenameAccountPayload').implement({
  description: 'Result of `renameAccount`.',
  fields: (t) => ({ account: t.expose('account', { type: AccountNode, description: 'The renamed account.' }) }),
});
const CloseAccountInput = builder.inputType('CloseAccountInput', {
  description: 'The account `closeAccount` closes.',
  fields: (t) => ({ rowId: t.field({ type: 'UUID', required: true, description: 'The account (`Account.rowId`).' }) }),
});
const CloseAccountPayload = builder.objectRef<{ account: Account }>('CloseAccountPayload').implement({
  description: 'Result of `closeAccount`.',
  fields: (t) => ({ account: t.expose('account', { type: AccountNode, description: 'The closed account.' }) }),
});

builder.mutationFields((t) => ({
  renameAccount: t.field({
    type: RenameAccountPayload,
    description: "Renames an account: the holder, or owners/admins for any of the tenant's. NOT_FOUND for an account the viewer may not see. Audited and announced in the outbox.",
    args: { input: t.arg({ type: RenameAccountInput, required: true, description: 'The account and its new name.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await renameAccount(ctx.db, requireUser(ctx), input);
      return { account: await ctx.db.account.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['account'] }), where: { id } }) };
    },
  }),
  closeAccount: t.field({
    type: CloseAccountPayload,
    description:
      "Closes an account whose balance is zero (BALANCE_NOT_ZERO otherwise); afterwards no money moves in or out (ACCOUNT_CLOSED). The holder, or owners/admins for any of the tenant's; system accounts never close. NOT_FOUND for an account the viewer may not see. Audited and announced in the outbox.",
    args: { input: t.arg({ type: CloseAccountInput, required: true, description: 'The account.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await closeAccount(ctx.db, requireUser(ctx), input);
      return { account: await ctx.db.account.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['account'] }), where: { id } }) };
    },
  }),
}));
