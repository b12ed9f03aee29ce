// Receipts: a user attaches one to a journal (transfer) or to one of its
// ledger entries, either of which they can see.
import type { Prisma } from '../generated/prisma/client.js';
import type { Db } from '../db/request.js';
import type { UserViewer } from '../context.js';
import { badInput, notFound } from '../errors.js';
import { recordEvent } from './audit.js';

export interface AttachReceiptInput {
  /** Exactly one of transactionId and transferId (AttachReceiptInput's rule). */
  transactionId?: string | null;
  transferId?: string | null;
  /** Decimal string, not negative (AttachReceiptInput's rule). */
  amount: string;
  currency: string;
  ocr?: Prisma.InputJsonValue | null;
  storageKey?: string | null;
}

/** What the receipt documents: the entry (if attached to one), its journal, and the merchant it takes over. */
async function documented(db: Db, input: AttachReceiptInput) {
  if (input.transactionId) {
    const entry = await db.transaction.findUnique({
      where: { id: input.transactionId },
      select: { id: true, transferId: true, merchantId: true },
    });
    if (!entry) throw notFound('No such ledger entry');
    return { transactionId: entry.id, transferId: entry.transferId, merchantId: entry.merchantId };
  }
  if (!input.transferId) throw badInput('Give transactionId or transferId', 'input.transactionId');
  const journal = await db.transfer.findUnique({ where: { id: input.transferId }, select: { id: true } });
  if (!journal) throw notFound('No such transfer');
  // The merchant of the journal's entries the viewer can see, the debit (the payer's side) first.
  const entry = await db.transaction.findFirst({
    where: { transferId: journal.id, merchantId: { not: null } },
    orderBy: [{ type: 'asc' }, { id: 'asc' }],
    select: { merchantId: true },
  });
  return { transactionId: null, transferId: journal.id, merchantId: entry?.merchantId ?? null };
}

/**
 * The receipt belongs to the viewer and documents `transactionId` (and that
 * entry's journal) or `transferId`, which the viewer must be able to see:
 * members an entry of their own account or a journal touching one (NOT_FOUND
 * otherwise, as for a missing one; the receipts insert policy refuses it too).
 */
export async function attachReceipt(db: Db, viewer: UserViewer, input: AttachReceiptInput) {
  const target = await documented(db, input);
  const receipt = await db.receipt.create({
    data: {
      tenantId: viewer.tenantId,
      userId: viewer.userId,
      ...target,
      amount: input.amount,
      currency: input.currency,
      ...(input.ocr != null ? { ocrData: input.ocr } : {}),
      imageS3Key: input.storageKey ?? null,
    },
    select: { id: true },
  });
  await recordEvent(db, viewer, {
    aggregate: 'receipt',
    aggregateId: receipt.id,
    eventType: 'ReceiptAttached',
    payload: {
      transactionId: target.transactionId,
      transferId: target.transferId,
      amount: input.amount,
      currency: input.currency,
      storageKey: input.storageKey ?? null,
    },
  });
  return receipt;
}
