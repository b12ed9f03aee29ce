// The `support` root field (issue 12): support staff's only way to read a
// tenant, through the masked views of schema `support` (sql/support/views.sql).
// Every list is a connection (first/after, last/before, totalCount) over one
// view, paged by (time, id) with cursors in the API's format (ids, src/cursors.ts).
import { resolveCursorConnection, type DefaultConnectionArguments } from '@pothos/plugin-relay';
import { decodeCursorChunk, encodeCursorChunk, type ObjectRef } from '@pothos/core';
import { Prisma } from '../generated/prisma/client.js';
import { builder } from './builder.js';
import { DOC } from './docs.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './limits.js';
import { MaskedUser } from './maskedUser.js';
import { MaskedAccount } from './maskedAccount.js';
import { MaskedLedgerEntry, type MaskedLedgerEntryRow } from './maskedLedgerEntry.js';
import { MaskedOrder } from './maskedOrder.js';
import { MaskedAuditLog } from './maskedAuditLog.js';
import { requireSupport, type Context } from '../context.js';
import { supportCount, supportPage, type SupportView } from '../resolvers/support.js';

/** The `support` object carries nothing: its fields read the views in the request transaction. */
type SupportRoot = { support: true };

const SupportQuery = builder.objectRef<SupportRoot>('SupportQuery');

const toCursor = (row: { id: string }) => Buffer.from(`GPC:${encodeCursorChunk(row.id)}`).toString('base64');
const fromCursor = (cursor: string) => {
  const decoded = Buffer.from(cursor, 'base64').toString('utf8');
  const value = decoded.startsWith('GPC:') ? decodeCursorChunk(decoded.slice(4)) : undefined;
  return typeof value === 'string' ? value : null;
};

/** A page of `view` as a Relay connection with totalCount. */
async function page<Row extends { id: string }>(ctx: Context, view: SupportView, args: DefaultConnectionArguments, where?: Prisma.Sql) {
  requireSupport(ctx);
  const connection = await resolveCursorConnection<Promise<Row[]>>(
    { args, toCursor: (row: Row) => toCursor(row), defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE },
    ({ before, after, limit, inverted }) => {
      const cursor = after ?? before;
      return supportPage<Row>(ctx.db, view, { cursorId: cursor ? fromCursor(cursor) : null, backward: inverted, limit, where });
    },
  );
  return Object.assign(connection!, { totalCount: () => supportCount(ctx.db, view, where) });
}

const connectionOptions = (what: string) => ({
  description: `A page of ${what}.`,
  fields: (c: PothosSchemaTypes.ObjectFieldBuilder<PothosSchemaTypes.ExtendDefaultTypes<{}>, object>) => ({
    totalCount: c.int({
      description: DOC.totalCount,
      resolve: (conn) => (conn as unknown as { totalCount: () => Promise<number> }).totalCount(),
    }),
  }),
});

SupportQuery.implement({
  description:
    "What support staff may read of the tenant their token is for: masked views only, and only while the tenant's grant and their session live (empty lists otherwise). Every request is recorded in the tenant's support access log.",
  fields: (t) => {
    const list = <Row extends { id: string }>(type: ObjectRef<any, Row>, view: SupportView, model: string, what: string, order: string) =>
      t.connection(
        {
          type,
          extensions: { cursorModel: model },
          description: `${what}, ${order}.`,
          resolve: (_root, args, ctx) => page<Row>(ctx, view, args as DefaultConnectionArguments),
        },
        connectionOptions(what.toLowerCase()) as never,
        { description: `One of the ${what.toLowerCase()} and its cursor.` },
      );
    return {
      users: list(MaskedUser, 'users', 'User', 'Users of the tenant (masked)', 'latest first'),
      accounts: list(MaskedAccount, 'accounts', 'Account', 'Accounts of the tenant', 'latest first'),
      ledgerEntries: t.connection(
        {
          type: MaskedLedgerEntry,
          extensions: { cursorModel: 'Transaction' },
          description: 'Ledger entries of the tenant (descriptions and counterparties masked), latest first by `occurredAt`.',
          args: { accountId: t.arg({ type: 'UUID', required: false, description: 'Only the entries of this account (`MaskedAccount.rowId`).' }) },
          resolve: (_root, args, ctx) =>
            page<MaskedLedgerEntryRow>(ctx, 'ledgerEntries', args as DefaultConnectionArguments, args.accountId ? Prisma.sql`account_id = ${args.accountId}::uuid` : undefined),
        },
        connectionOptions('ledger entries') as never,
        { description: 'One of the ledger entries and its cursor.' },
      ),
      orders: list(MaskedOrder, 'orders', 'Order', 'Orders of the tenant (shipping address reduced to city and country)', 'latest first'),
      auditLogs: list(MaskedAuditLog, 'auditLogs', 'AuditLog', 'Audit trail of the tenant (no diff values)', 'latest first'),
    };
  },
});

builder.queryField('support', (t) =>
  t.field({
    type: SupportQuery,
    description:
      "Support staff only (a token from `supportLogin`; FORBIDDEN for users and partner clients): the tenant's masked views. A support token may call nothing but this and `supportLogout`.",
    skipTypeScopes: true,
    authScopes: { support: true },
    resolve: () => ({ support: true as const }),
  }),
);
