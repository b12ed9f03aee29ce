// Accounts: opening one (the ledger's postings come with the ledger issue).
import type { AccountType } from '../generated/prisma/enums.js';
import type { Db } from '../db/request.js';
import type { UserViewer } from '../context.js';
import { recordChange } from './audit.js';

/** Validated by OpenAccountInput: name trimmed, 1 to 100 characters. */
export interface OpenAccountInput {
  name: string;
  type: AccountType;
  currency: string;
  /** Owners/admins may open an account for another user; RLS rejects it for members. */
  userId?: string | null;
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
    },
    select: { id: true, userId: true },
  });
  await recordChange(db, viewer, {
    entity: 'account',
    entityId: account.id,
    action: 'create',
    eventType: 'account.opened',
    diff: { name, type: input.type, currency: input.currency, userId: account.userId },
  });
  return account;
}
