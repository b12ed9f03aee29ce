// Merchants of a tenant: owners/admins write them (authScopes + the merchants policies).
import type { Prisma } from '../generated/prisma/client.js';
import type { Db } from '../db/request.js';
import type { UserViewer } from '../context.js';
import { notFound } from '../errors.js';
import { recordEvent } from './audit.js';

export interface MerchantFields {
  name?: string | null;
  merchantCode?: string | null;
  category?: string | null;
  metadata?: Prisma.InputJsonValue | null;
}

/** Validated by CreateMerchantInput; a merchantCode already used in the tenant is CONFLICT (unique index). */
export async function createMerchant(db: Db, viewer: UserViewer, input: MerchantFields & { name: string }) {
  const data = {
    tenantId: viewer.tenantId,
    name: input.name,
    merchantCode: input.merchantCode ?? null,
    category: input.category ?? null,
    ...(input.metadata != null ? { metadata: input.metadata } : {}),
  };
  const merchant = await db.merchant.create({ data, select: { id: true } });
  await recordEvent(db, viewer, {
    aggregate: 'merchant',
    aggregateId: merchant.id,
    eventType: 'MerchantCreated',
    payload: { name: data.name, merchantCode: data.merchantCode, category: data.category },
  });
  return merchant;
}

/**
 * Changes the fields given: an omitted field stays, null clears merchantCode
 * and category (name cannot be cleared; metadata null means `{}`).
 */
export async function updateMerchant(db: Db, viewer: UserViewer, input: MerchantFields & { rowId: string }) {
  const data: Prisma.MerchantUpdateInput = {};
  if (input.name != null) data.name = input.name;
  if (input.merchantCode !== undefined) data.merchantCode = input.merchantCode;
  if (input.category !== undefined) data.category = input.category;
  if (input.metadata !== undefined) data.metadata = input.metadata ?? {};
  const merchant = await db.merchant.update({ where: { id: input.rowId }, data, select: { id: true } });
  await recordEvent(db, viewer, {
    aggregate: 'merchant',
    aggregateId: merchant.id,
    eventType: 'MerchantUpdated',
    payload: { name: input.name, merchantCode: input.merchantCode, category: input.category } as Prisma.InputJsonValue,
  });
  return merchant;
}

/**
 * Deletes a merchant: owners/admins only (authScopes + the merchants delete
 * policy). Ledger entries and receipts that named it lose their merchant
 * (metadata only; each cleared entry and receipt is audited by its table's
 * trigger). This needs no definer function: an owner/admin may change the
 * merchant of any entry and receipt of the tenant (column grants + policies).
 * The merchant is locked first, so an entry categorised with it meanwhile
 * either came first (and is cleared) or finds it gone (INVALID_REFERENCE).
 * One the caller cannot see (or change) is NOT_FOUND.
 */
export async function deleteMerchant(db: Db, viewer: UserViewer, input: { rowId: string }) {
  const [merchant] = await db.$queryRaw<{ name: string; merchant_code: string | null }[]>`
    select m.name, m.merchant_code from merchants m where m.id = ${input.rowId}::uuid for update`;
  if (!merchant) throw notFound('No such merchant');
  const entries = await db.transaction.updateMany({ where: { merchantId: input.rowId }, data: { merchantId: null } });
  const receipts = await db.receipt.updateMany({ where: { merchantId: input.rowId }, data: { merchantId: null } });
  await db.merchant.delete({ where: { id: input.rowId }, select: { id: true } });
  const deleted = { id: input.rowId, name: merchant.name, entriesCleared: entries.count, receiptsCleared: receipts.count };
  await recordEvent(db, viewer, {
    aggregate: 'merchant',
    aggregateId: deleted.id,
    eventType: 'MerchantDeleted',
    payload: { name: merchant.name, merchantCode: merchant.merchant_code, entriesCleared: entries.count, receiptsCleared: receipts.count },
  });
  return deleted;
}
