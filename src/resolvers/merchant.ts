// Merchants of a tenant: owners/admins write them (authScopes + the merchants policies).
import type { Prisma } from '../generated/prisma/client.js';
import type { Db } from '../db/request.js';
import type { UserViewer } from '../context.js';
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
