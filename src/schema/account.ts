import { queryFromInfo } from '@pothos/plugin-prisma';
import { AccountType } from '../generated/prisma/enums.js';
import type { Account } from '../generated/prisma/client.js';
import { builder } from './builder.js';
import { LENGTH, RULES } from './limits.js';
import { requireUser } from '../context.js';
import { openAccount } from '../resolvers/account.js';

export const AccountTypeEnum = builder.enumType(AccountType, { name: 'AccountType' });

const AccountNode = builder.prismaNode('Account', {
  id: { field: 'id' },
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID' }),
    name: t.exposeString('name'),
    type: t.expose('type', { type: AccountTypeEnum }),
    currency: t.expose('currency', { type: 'Currency' }),
    balance: t.expose('balance', { type: 'Decimal' }),
    metadata: t.expose('metadata', { type: 'JSON' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    user: t.relation('user', { nullable: true }),
    // Latest first. The page limit is applied per account inside the SQL
    // (relationJoins: a LATERAL subquery with LIMIT), never in memory.
    transactions: t.relatedConnection('transactions', {
      cursor: 'id',
      totalCount: true,
      query: { orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }] },
    }),
  }),
});

builder.queryFields((t) => ({
  accounts: t.prismaConnection({
    type: 'Account',
    cursor: 'id',
    description: "Accounts visible to the viewer: their own, or all of the tenant's for owners/admins.",
    args: {
      type: t.arg({ type: AccountTypeEnum, required: false }),
      userId: t.arg({ type: 'UUID', required: false }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.account.findMany({
        ...query,
        where: { type: args.type ?? undefined, userId: args.userId ?? undefined },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
  }),
  account: t.prismaField({
    type: 'Account',
    nullable: true,
    args: { rowId: t.arg({ type: 'UUID', required: true }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.account.findUnique({ ...query, where: { id: rowId } }),
  }),
}));

const OpenAccountInput = builder.inputType('OpenAccountInput', {
  fields: (t) => ({
    name: t.string({ required: true, validate: RULES.name, extensions: { maxLength: LENGTH.name } }),
    type: t.field({ type: AccountTypeEnum, required: true }),
    currency: t.field({ type: 'Currency', required: true }),
    userId: t.field({ type: 'UUID', required: false, description: 'Owners/admins only: open it for another user.' }),
  }),
});

const OpenAccountPayload = builder.objectRef<{ account: Account }>('OpenAccountPayload').implement({
  fields: (t) => ({ account: t.expose('account', { type: AccountNode }) }),
});

builder.mutationField('openAccount', (t) =>
  t.field({
    type: OpenAccountPayload,
    description: 'Opens an account (zero balance) for the viewer; audited and announced in the outbox.',
    args: { input: t.arg({ type: OpenAccountInput, required: true }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await openAccount(ctx.db, requireUser(ctx), input);
      // The payload's account is loaded with the selection under it (one query, relations included).
      return { account: await ctx.db.account.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['account'] }), where: { id } }) };
    },
  }),
);
