// Ledger entries' metadata. Amounts, status and accounts are the ledger's
// (src/resolvers/ledger.ts); here only the category and merchant change.
import type { Db } from '../db/request.js';
import type { UserViewer } from '../context.js';
import { recordEvent } from './audit.js';

/**
 * Sets or clears (null) the category and merchant of an entry; an omitted
 * field stays. Members categorise entries of their own accounts, owners/admins
 * any of the tenant's (the update policy); an entry the caller cannot update is
 * NOT_FOUND. The column grant allows nothing else: an UPDATE of amount,
 * status or account fails in the database whatever the code does.
 */
export async function categorizeTransaction(
  db: Db,
  viewer: UserViewer,
  input: { rowId: string; categoryId?: string | null; merchantId?: string | null },
) {
  const data = { categoryId: input.categoryId, merchantId: input.merchantId };
  const entry = await db.transaction.update({ where: { id: input.rowId }, data, select: { id: true } });
  await recordEvent(db, viewer, {
    aggregate: 'transaction',
    aggregateId: entry.id,
    eventType: 'TransactionCategorized',
    payload: { categoryId: input.categoryId, merchantId: input.merchantId },
  });
  return entry;
}
