// Accounts: opening, renaming, closing (movements are in ledger.ts).
import type { AccountType } from '../generated/prisma/enums.js';
import type { Db } from '../db/request.js';
import type { UserViewer } from '../context.js';
import { recordEvent } from './audit.js';
import { notFound } from '../errors.js';

/** Validated by OpenAccountInput: name trimmed, 1 to 100 characters. */
export interface OpenAccountInput {
  name: string;
  type: AccountType;
  currency: string;
  /** Owners/admins may open an account for another user; RLS rejects it for members. */
  userId?: string | null;
  /** Credit accounts only; owners/admins only when above zero (RLS refuses it for members). */
  creditLimit?: string | null;
}

export async function openAccount(db: Db, viewer: UserViewer, input: OpenAccountInput) {
  const { name } = input;
  const account = await db.account.create({
    data: {
      tenantId: viewer.tenantId,
      userId: input.userId ?? (input.type === 'corporate' ? null : viewer.userId),
      name,
      type: input.type,
      currency: input.currency,
      ...(input.creditLimit != null ? { creditLimit: input.creditLimit } : {}),
    },
    select: { id: true, userId: true },
  });
  await recordEvent(db, viewer, {
    aggregate: 'account',
    aggregateId: account.id,
    eventType: 'AccountOpened',
    payload: { name, type: input.type, currency: input.currency, userId: account.userId, creditLimit: input.creditLimit ?? '0' },
  });
  return account;
}

/** A new display name (validated by RenameAccountInput); the holder or an owner/admin, through RLS. */
export async function renameAccount(db: Db, viewer: UserViewer, input: { rowId: string; name: string }) {
  const { count } = await db.account.updateMany({ where: { id: input.rowId }, data: { name: input.name, updatedAt: new Date() } });
  if (count === 0) throw notFound('No such account');
  await recordEvent(db, viewer, { aggregate: 'account', aggregateId: input.rowId, eventType: 'AccountRenamed', payload: { name: input.name } });
  return { id: input.rowId };
}

/**
 * Closes an account at zero balance (BALANCE_NOT_ZERO otherwise); afterwards
 * no movement in or out (ACCOUNT_CLOSED). app.close_account writes the
 * AccountClosed event and the audit entry.
 */
export async function closeAccount(db: Db, _viewer: UserViewer, input: { rowId: string }) {
  await db.$executeRaw`select app.close_account(${input.rowId}::uuid)`;
  return { id: input.rowId };
}
