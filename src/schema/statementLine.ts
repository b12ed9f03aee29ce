// An account's statement (a connection of StatementLine: an entry and the
// running balance after it) and its balance at an instant. The SQL is in
// src/resolvers/statement.ts; the entries of a page are then loaded with the
// selection under `entry` (one more query, relations included).
import { queryFromInfo } from '@pothos/plugin-prisma';
import { resolveCursorConnection, type DefaultConnectionArguments } from '@pothos/plugin-relay';
import { encodeCursorChunk, decodeCursorChunk } from '@pothos/core';
import type { Transaction } from '../generated/prisma/client.js';
import { builder } from './builder.js';
import { DOC } from './docs.js';
import { DEFAULT_PAGE_SIZE, LENGTH, MAX_PAGE_SIZE } from './limits.js';
import { TransactionNode, TransactionStatusEnum, TransactionTypeEnum } from './transaction.js';
import { badInput, notFound } from '../errors.js';
import { balanceAt, isStatementEntry, statementCount, statementPage, type StatementFilter } from '../resolvers/statement.js';

interface StatementLineShape {
  entry: Transaction;
  runningBalance: string | null;
}

const StatementLine = builder.objectRef<StatementLineShape>('StatementLine').implement({
  description: 'One entry of an account statement and the balance of the account just after it.',
  fields: (t) => ({
    entry: t.field({ type: TransactionNode, description: 'The ledger entry.', resolve: (line) => line.entry }),
    runningBalance: t.field({
      type: 'Decimal',
      nullable: true,
      description:
        "The account's balance just after this entry (Decimal in the account's currency): every posted or reversed entry up to it, by `occurredAt` then id, whatever the statement's filters or page (the newest entry's equals `Account.balance`). Null for a PENDING or FAILED entry, which never touched the balance.",
      resolve: (line) => line.runningBalance,
    }),
  }),
});

const StatementFilterInput = builder.inputType('StatementFilter', {
  description: 'Narrows `accountStatement`: an entry must match every field given. Running balances stay those of the whole account.',
  fields: (t) => ({
    occurredFrom: t.field({ type: 'DateTime', required: false, description: 'Only entries that occurred at or after this time (inclusive).' }),
    occurredTo: t.field({ type: 'DateTime', required: false, description: 'Only entries that occurred before this time (exclusive).' }),
    type: t.field({ type: TransactionTypeEnum, required: false, description: 'Only entries of this kind.' }),
    status: t.field({ type: TransactionStatusEnum, required: false, description: 'Only entries in this status.' }),
    categoryId: t.field({ type: 'UUID', required: false, description: 'Only entries of this category (its `rowId`) or of any of its subcategories.' }),
    merchantId: t.field({ type: 'UUID', required: false, description: 'Only entries of this merchant (its `rowId`).' }),
    search: t.string({
      required: false,
      description: 'Case-insensitive match inside the description; % and _ match themselves.',
      extensions: { maxLength: LENGTH.search },
    }),
  }),
});

// Cursors in the API's format (src/cursors.ts): the entry's id, as Pothos
// writes a prisma cursor. Paging is by (occurredAt, id) from that entry.
const toCursor = (line: StatementLineShape) => Buffer.from(`GPC:${encodeCursorChunk(line.entry.id)}`).toString('base64');
const fromCursor = (cursor: string) => {
  const decoded = Buffer.from(cursor, 'base64').toString('utf8');
  const value = decoded.startsWith('GPC:') ? decodeCursorChunk(decoded.slice(4)) : undefined;
  return typeof value === 'string' && /^[0-9a-f-]{36}$/i.test(value) ? value : undefined;
};

builder.queryFields((t) => ({
  accountStatement: t.connection(
    {
      type: StatementLine,
      // Cursors are Transaction ids in Pothos' format, checked as such before execution (src/inputLimits.ts).
      extensions: { cursorModel: 'Transaction' },
      description:
        "An account's entries, latest first (by `occurredAt`, then id), each with the running balance after it. Members: their own accounts; owners/admins: any of the tenant's (NOT_FOUND otherwise).",
      args: {
        accountId: t.arg({ type: 'UUID', required: true, description: 'The account (`Account.rowId`).' }),
        filter: t.arg({ type: StatementFilterInput, required: false, description: 'Narrows the list; no filter lists every entry.' }),
      },
      resolve: async (_root, args, ctx, info) => {
        const account = await ctx.db.account.findUnique({ where: { id: args.accountId }, select: { id: true } });
        if (!account) throw notFound('No such account');
        const filter: StatementFilter = { ...args.filter };
        const connection = await resolveCursorConnection<Promise<StatementLineShape[]>>(
          { args: args as DefaultConnectionArguments, toCursor, defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE },
          async ({ before, after, limit, inverted }) => {
            const cursor = after ?? before;
            const cursorId = cursor ? fromCursor(cursor) : null;
            if (cursor && (!cursorId || !(await isStatementEntry(ctx.db, account.id, filter, cursorId)))) {
              throw badInput('is not a cursor of this statement: page again from the start', after ? 'after' : 'before');
            }
            const rows = await statementPage(ctx.db, { accountId: account.id, filter, cursorId, backward: inverted, limit });
            const entries = await ctx.db.transaction.findMany({
              ...queryFromInfo({ context: ctx, info, path: ['edges', 'node', 'entry'] }),
              where: { id: { in: rows.map((r) => r.id) } },
            });
            const byId = new Map(entries.map((e) => [e.id, e]));
            return rows.flatMap((r): StatementLineShape[] => {
              const entry = byId.get(r.id);
              return entry ? [{ entry, runningBalance: r.running_balance }] : [];
            });
          },
        );
        return Object.assign(connection!, { totalCount: () => statementCount(ctx.db, account.id, filter) });
      },
    },
    {
      description: 'A page of an account statement.',
      fields: (c) => ({
        totalCount: c.int({
          description: DOC.totalCount,
          resolve: (conn) => (conn as unknown as { totalCount: () => Promise<number> }).totalCount(),
        }),
      }),
    },
    { description: 'An entry of the statement and its cursor.' },
  ),
  balanceAt: t.field({
    type: 'Decimal',
    nullable: true,
    description:
      "The balance of an account at an instant (Decimal in the account's currency): every posted or reversed entry that occurred at or before it, which equals the statement's running balance at that point. Null when the account does not exist or the viewer may not see it (members: their own accounts).",
    args: {
      accountId: t.arg({ type: 'UUID', required: true, description: 'The account (`Account.rowId`).' }),
      instant: t.arg({ type: 'DateTime', required: true, description: 'The moment; entries at exactly this time count.' }),
    },
    resolve: async (_root, { accountId, instant }, ctx) => {
      const account = await ctx.db.account.findUnique({ where: { id: accountId }, select: { id: true } });
      return account ? balanceAt(ctx.db, account.id, instant) : null;
    },
  }),
}));
