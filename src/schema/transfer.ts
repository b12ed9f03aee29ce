// Transfers (the ledger's journals) and the mutations that post them: transfer,
// deposit, withdraw, reverseTransfer. Posting happens in SQL
// (sql/functions/ledger.sql via src/resolvers/ledger.ts); these fields only
// load what was posted, through the caller's own policies.
import { queryFromInfo } from '@pothos/plugin-prisma';
import type { GraphQLResolveInfo } from 'graphql';
import { TransferKind } from '../generated/prisma/enums.js';
import type { Account, Prisma, Transfer } from '../generated/prisma/client.js';
import { builder, prismaEnumType } from './builder.js';
import { DOC } from './docs.js';
import { AccountNode } from './account.js';
import { requireUser, type Context } from '../context.js';
import { deposit, reverseTransfer, transfer, withdraw, type PostResult } from '../resolvers/ledger.js';

const LEDGER_ERRORS =
  'Errors (nothing is written): INVALID_AMOUNT, CURRENCY_MISMATCH, ACCOUNT_CLOSED, INSUFFICIENT_FUNDS, IDEMPOTENCY_KEY_REUSED, and NOT_FOUND for an account the viewer may not use (the same answer whether it exists or not).';
const LENGTH = { description: 500, idempotencyKey: 200, reason: 500 } as const;

export const TransferKindEnum = prismaEnumType('TransferKind', TransferKind, 'What a transfer (journal) records.', {
  transfer: 'Money moved between two accounts of the tenant.',
  deposit: "Money entering the tenant: from its clearing account into an account.",
  withdrawal: "Money leaving the tenant: from an account to its clearing account.",
  reversal: 'The counter-journal of an earlier transfer (see `reverses`).',
  payment: "An order's payment: from the customer's account into the tenant's revenue account.",
});

const TransferNode = builder.prismaNode('Transfer', {
  id: { field: 'id' },
  description:
    "A journal: one movement of money, posted as a DEBIT entry on the source and a CREDIT entry on the destination that sum to zero. Written only by the ledger's mutations. Members see the transfers touching an account of their own; owners/admins see all of the tenant's.",
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    kind: t.expose('kind', { type: TransferKindEnum, description: 'What it records.' }),
    amount: t.expose('amount', { type: 'Decimal', description: 'Amount moved, in `currency`, numeric(20,6); always positive.' }),
    currency: t.expose('currency', { type: 'Currency', description: 'Currency of both accounts and both entries.' }),
    description: t.exposeString('description', { nullable: true, description: 'Free text given when it was posted, if any.' }),
    reason: t.exposeString('reason', { nullable: true, description: 'Why it was posted: the reason of a reversal; null otherwise.' }),
    idempotencyKey: t.exposeString('idempotencyKey', { nullable: true, description: 'The idempotency key it was posted with, if any.' }),
    fromAccountId: t.expose('fromAccountId', { type: 'UUID', description: 'The source account (its `rowId`).' }),
    toAccountId: t.expose('toAccountId', { type: 'UUID', description: 'The destination account (its `rowId`).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was posted.' }),
    fromAccount: t.relation('fromAccount', { nullable: true, description: 'The source account; null when the viewer may not see it.' }),
    toAccount: t.relation('toAccount', {
      nullable: true,
      description: "The destination account; null when the viewer may not see it (a member paying another member's account).",
    }),
    reverses: t.relation('reverses', { nullable: true, description: 'For a reversal, the transfer it cancels; null otherwise.' }),
    entries: t.relation('entries', {
      description: 'Its ledger entries the viewer may see (both for owners/admins), debit first.',
      query: { orderBy: [{ type: 'asc' }, { id: 'asc' }] },
    }),
  }),
});

/** The filters of `transfers`, shared by the page and its totalCount. */
const transfersWhere = (args: { accountId?: string | null; kind?: TransferKind | null }) => ({
  kind: args.kind ?? undefined,
  ...(args.accountId ? { OR: [{ fromAccountId: args.accountId }, { toAccountId: args.accountId }] } : {}),
});

builder.queryFields((t) => ({
  transfers: t.prismaConnection({
    type: 'Transfer',
    cursor: 'id',
    description:
      "Transfers (journals), latest first. Members see the transfers touching an account of their own; owners/admins see all of the tenant's.",
    args: {
      accountId: t.arg({ type: 'UUID', required: false, description: 'Only transfers from or to this account (its `rowId`).' }),
      kind: t.arg({ type: TransferKindEnum, required: false, description: 'Only transfers of this kind.' }),
    },
    totalCount: (_root, args, ctx) => ctx.db.transfer.count({ where: transfersWhere(args) }),
    resolve: (query, _root, args, ctx) =>
      ctx.db.transfer.findMany({ ...query, where: transfersWhere(args), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
  transfer: t.prismaField({
    type: 'Transfer',
    nullable: true,
    description: DOC.byRowId('transfer'),
    args: { rowId: t.arg({ type: 'UUID', required: true, description: DOC.rowIdArg }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.transfer.findUnique({ ...query, where: { id: rowId } }),
  }),
}));

/** The posted transfer, loaded with the selection under `path` (one query). */
const loadTransfer = (ctx: Context, info: GraphQLResolveInfo, posted: PostResult, path: string) =>
  ctx.db.transfer.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: [path] }), where: { id: posted.transferId } });
const loadAccount = (ctx: Context, info: GraphQLResolveInfo, id: string, path: string) =>
  ctx.db.account.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: [path] }), where: { id } });

type Selection = { select?: Record<string, unknown>; include?: Record<string, unknown> };

/**
 * The posted transfer (selection under `transfer`) and the payload's account
 * (selection under `accountPath`), which is the transfer's `relation` end, in
 * one query: the account rides along as that relation (a join), saving a
 * statement and a round trip while the posting's row locks are held. The same
 * rows through the same policies as loadTransfer + loadAccount, which stay the
 * fallback: when the transfer's own selection already loads that relation, or
 * the joined account is not `accountId` or not visible (so the error is theirs).
 */
async function loadPosted(
  ctx: Context, info: GraphQLResolveInfo, posted: PostResult, accountPath: string, relation: 'fromAccount' | 'toAccount', accountId: string,
) {
  const transferQuery = queryFromInfo({ context: ctx, info, path: ['transfer'] }) as Selection;
  const own = transferQuery.select ?? transferQuery.include;
  if (own && relation in own) {
    return { transfer: await loadTransfer(ctx, info, posted, 'transfer'), account: await loadAccount(ctx, info, accountId, accountPath) };
  }
  const accountQuery = queryFromInfo({ context: ctx, info, path: [accountPath] }) as Selection;
  const joined = accountQuery.select || accountQuery.include ? accountQuery : true;
  const idField = `${relation}Id` as const;
  const query = (
    transferQuery.select
      ? { select: { ...transferQuery.select, [idField]: true, [relation]: joined } }
      : { include: { ...transferQuery.include, [relation]: joined } }
  ) as Pick<Prisma.TransferFindUniqueOrThrowArgs, 'select' | 'include'>;
  const row = (await ctx.db.transfer.findUniqueOrThrow({ ...query, where: { id: posted.transferId } })) as unknown as Transfer &
    Record<typeof relation, Account | null>;
  const { [relation]: account, ...transfer } = row;
  return {
    transfer: transfer as Transfer,
    account: account && row[idField] === accountId ? account : await loadAccount(ctx, info, accountId, accountPath),
  };
}

const IDEMPOTENCY_KEY = {
  required: false,
  description:
    'Makes retries safe: the first request with this key posts, a retry with the same key and the same fields returns that transfer without posting again (also while the first is still running), the same key with other fields is IDEMPOTENCY_KEY_REUSED. Unique per tenant, up to 200 characters.',
  extensions: { maxLength: LENGTH.idempotencyKey },
} as const;

const TransferInput = builder.inputType('TransferInput', {
  description: 'The movement `transfer` posts.',
  fields: (t) => ({
    fromAccountId: t.field({ type: 'UUID', required: true, description: 'The source (`Account.rowId`): for members, one of their own accounts.' }),
    toAccountId: t.field({ type: 'UUID', required: true, description: 'The destination (`Account.rowId`): any open account of the tenant in the same currency.' }),
    amount: t.field({ type: 'Decimal', required: true, description: 'Amount to move: positive, at most 6 decimal places (INVALID_AMOUNT otherwise).' }),
    currency: t.field({ type: 'Currency', required: true, description: 'Currency of the amount; both accounts must hold it (no FX).' }),
    description: t.string({ required: false, description: 'Free text, up to 500 characters.', extensions: { maxLength: LENGTH.description } }),
    categoryId: t.field({ type: 'UUID', required: false, description: "A category of the tenant (`Category.rowId`) for both entries." }),
    idempotencyKey: t.string(IDEMPOTENCY_KEY),
  }),
});

const TransferPayload = builder.objectRef<{ transfer: Transfer; fromAccount: Account; replayed: boolean }>('TransferPayload').implement({
  description: "Result of `transfer`. Says nothing about the destination beyond success: a member cannot read another member's account.",
  fields: (t) => ({
    transfer: t.expose('transfer', { type: TransferNode, description: 'The transfer posted (or, for a retried idempotency key, the original).' }),
    fromAccount: t.expose('fromAccount', { type: AccountNode, description: 'The source account, with its new balance.' }),
    replayed: t.exposeBoolean('replayed', { description: 'True when this was a retry of an idempotency key and nothing new was posted.' }),
  }),
});

const ExternalInput = (name: 'DepositInput' | 'WithdrawInput', what: string) =>
  builder.inputType(name, {
    description: what,
    fields: (t) => ({
      accountId: t.field({ type: 'UUID', required: true, description: 'The account (`Account.rowId`); not a system account.' }),
      amount: t.field({ type: 'Decimal', required: true, description: 'Amount: positive, at most 6 decimal places (INVALID_AMOUNT otherwise).' }),
      currency: t.field({ type: 'Currency', required: true, description: "The account's currency (CURRENCY_MISMATCH otherwise)." }),
      description: t.string({ required: false, description: 'Free text, up to 500 characters.', extensions: { maxLength: LENGTH.description } }),
      idempotencyKey: t.string(IDEMPOTENCY_KEY),
    }),
  });
const DepositInput = ExternalInput('DepositInput', 'The money `deposit` brings into an account.');
const WithdrawInput = ExternalInput('WithdrawInput', 'The money `withdraw` takes out of an account.');

const ExternalPayload = (name: 'DepositPayload' | 'WithdrawPayload', what: string) =>
  builder.objectRef<{ transfer: Transfer; account: Account; replayed: boolean }>(name).implement({
    description: what,
    fields: (t) => ({
      transfer: t.expose('transfer', { type: TransferNode, description: 'The transfer posted against the clearing account (or the original, for a retried key).' }),
      account: t.expose('account', { type: AccountNode, description: 'The account, with its new balance.' }),
      replayed: t.exposeBoolean('replayed', { description: 'True when this was a retry of an idempotency key and nothing new was posted.' }),
    }),
  });
const DepositPayload = ExternalPayload('DepositPayload', 'Result of `deposit`.');
const WithdrawPayload = ExternalPayload('WithdrawPayload', 'Result of `withdraw`.');

const ReverseTransferInput = builder.inputType('ReverseTransferInput', {
  description: 'The transfer `reverseTransfer` cancels.',
  fields: (t) => ({
    rowId: t.field({ type: 'UUID', required: true, description: 'The transfer (`Transfer.rowId`).' }),
    reason: t.string({ required: true, description: 'Why: 1 to 500 characters, kept on the reversal.', extensions: { maxLength: LENGTH.reason } }),
  }),
});
const ReverseTransferPayload = builder.objectRef<{ transfer: Transfer }>('ReverseTransferPayload').implement({
  description: 'Result of `reverseTransfer`.',
  fields: (t) => ({ transfer: t.expose('transfer', { type: TransferNode, description: 'The reversal (its `reverses` is the original).' }) }),
});

builder.mutationFields((t) => ({
  transfer: t.field({
    type: TransferPayload,
    description: `Moves money between two accounts of the tenant in one currency: a DEBIT entry on the source, a CREDIT entry on the destination, both balances updated, atomically. Members move money from their own accounts to any open account of the tenant (paying another member); owners/admins between any of the tenant's accounts. A non-credit account never goes below zero, a credit account never below \`-creditLimit\`. ${LEDGER_ERRORS} Audited and announced in the outbox.`,
    args: { input: t.arg({ type: TransferInput, required: true, description: 'The movement.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const posted = await transfer(ctx.db, requireUser(ctx), input);
      const loaded = await loadPosted(ctx, info, posted, 'fromAccount', 'fromAccount', input.fromAccountId);
      return { transfer: loaded.transfer, fromAccount: loaded.account, replayed: posted.replayed };
    },
  }),
  deposit: t.field({
    type: DepositPayload,
    description: `Money entering the tenant: posted from the tenant's clearing account in that currency (created on first use) to the account. ${DOC.adminOnly} ${LEDGER_ERRORS}`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: DepositInput, required: true, description: 'The deposit.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const posted = await deposit(ctx.db, requireUser(ctx), input);
      const loaded = await loadPosted(ctx, info, posted, 'account', 'toAccount', input.accountId);
      return { ...loaded, replayed: posted.replayed };
    },
  }),
  withdraw: t.field({
    type: WithdrawPayload,
    description: `Money leaving the tenant: posted from the account to the tenant's clearing account in that currency. ${DOC.adminOnly} ${LEDGER_ERRORS}`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: WithdrawInput, required: true, description: 'The withdrawal.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const posted = await withdraw(ctx.db, requireUser(ctx), input);
      const loaded = await loadPosted(ctx, info, posted, 'account', 'fromAccount', input.accountId);
      return { ...loaded, replayed: posted.replayed };
    },
  }),
  reverseTransfer: t.field({
    type: ReverseTransferPayload,
    description: `Cancels a transfer with a counter-transfer (destination back to source, same amount); the original's entries become REVERSED. ALREADY_REVERSED when it was reversed before or is itself a reversal; INSUFFICIENT_FUNDS when the destination no longer holds the amount; NOT_FOUND for no such transfer. ${DOC.adminOnly}`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: ReverseTransferInput, required: true, description: 'The transfer and the reason.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const posted = await reverseTransfer(ctx.db, requireUser(ctx), input);
      return { transfer: await loadTransfer(ctx, info, posted, 'transfer') };
    },
  }),
}));
