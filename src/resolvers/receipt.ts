// Receipts: a user attaches one to a ledger entry they can see.
import type { Prisma } from '../generated/prisma/client.js';
import type { Db } from '../db/request.js';
import type { UserViewer } from '../context.js';
import { notFound } from '../errors.js';
import { recordEvent } from './audit.js';

export interface AttachReceiptInput {
  transactionId: string;
  /** Decimal string, not negative (AttachReceiptInput's rule). */
  amount: string;
  currency: string;
  ocr?: Prisma.InputJsonValue | null;
  storageKey?: string | null;
}

/**
 * The receipt belongs to the viewer and documents `transactionId`, which the
 * viewer must be able to see (NOT_FOUND otherwise, as for a missing one; the
 * receipts insert policy refuses it too). Its merchant is the entry's.
 */
export async function attachReceipt(db: Db, viewer: UserViewer, input: AttachReceiptInput) {
  const entry = await db.transaction.findUnique({ where: { id: input.transactionId }, select: { id: true, merchantId: true } });
  if (!entry) throw notFound('No such ledger entry');
  const receipt = await db.receipt.create({
    data: {
      tenantId: viewer.tenantId,
      userId: viewer.userId,
      transactionId: entry.id,
      merchantId: entry.merchantId,
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
    payload: { transactionId: entry.id, amount: input.amount, currency: input.currency, storageKey: input.storageKey ?? null },
  });
  return receipt;
}
