// Products of the tenant's catalogue: owners/admins write them (authScopes +
// the products policies); the audit entry comes from the table's trigger
// (sql/functions/audit.sql), the outbox event from here. Products are never
// deleted, because order lines refer to them: `active: false` withdraws one.
import type { Prisma } from '../generated/prisma/client.js';
import type { Db } from '../db/request.js';
import type { UserViewer } from '../context.js';
import { recordEvent } from './audit.js';

export interface ProductFields {
  sku?: string | null;
  name?: string | null;
  description?: string | null;
  brand?: string | null;
  categoryId?: string | null;
  /** Decimal string, numeric(12,2). */
  price?: string | null;
  currency?: string | null;
  taxCode?: string | null;
  attributes?: Prisma.InputJsonValue | null;
  active?: boolean | null;
}

/** The changed fields as the outbox payload says them (price as a Decimal string, never a float). */
const eventPayload = (data: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(data).filter(([key]) => key !== 'tenantId' && key !== 'attributes')) as Prisma.InputJsonValue;

/**
 * Validated by CreateProductInput. A sku already used in the tenant is
 * CONFLICT (ux_products_tenant_sku); a category the tenant does not have is
 * INVALID_REFERENCE (the composite foreign key).
 */
export async function createProduct(db: Db, viewer: UserViewer, input: ProductFields & { sku: string; name: string; price: string }) {
  const data: Prisma.ProductUncheckedCreateInput = {
    tenantId: viewer.tenantId,
    sku: input.sku,
    name: input.name,
    price: input.price,
    description: input.description ?? null,
    brand: input.brand ?? null,
    categoryId: input.categoryId ?? null,
    taxCode: input.taxCode ?? null,
    ...(input.currency != null ? { currency: input.currency } : {}),
    ...(input.attributes != null ? { attributes: input.attributes } : {}),
    ...(input.active != null ? { active: input.active } : {}),
  };
  const product = await db.product.create({ data, select: { id: true, currency: true, active: true } });
  await recordEvent(db, viewer, {
    aggregate: 'product',
    aggregateId: product.id,
    eventType: 'ProductCreated',
    payload: eventPayload({ ...data, currency: product.currency, active: product.active }),
  });
  return product;
}

/**
 * Changes the fields given: an omitted field stays; null clears the optional
 * ones (description, brand, categoryId, taxCode), keeps the required ones
 * (sku, name, price, currency, active), and sets attributes to `{}`.
 * A product the caller cannot see is NOT_FOUND.
 */
export async function updateProduct(db: Db, viewer: UserViewer, input: ProductFields & { rowId: string }) {
  const data: Prisma.ProductUncheckedUpdateInput & Record<string, unknown> = {};
  for (const key of ['sku', 'name', 'price', 'currency', 'active'] as const) if (input[key] != null) data[key] = input[key];
  for (const key of ['description', 'brand', 'categoryId', 'taxCode'] as const) if (input[key] !== undefined) data[key] = input[key];
  if (input.attributes !== undefined) data.attributes = input.attributes ?? {};
  const product = await db.product.update({ where: { id: input.rowId }, data: { ...data, updatedAt: new Date() }, select: { id: true } });
  await recordEvent(db, viewer, { aggregate: 'product', aggregateId: product.id, eventType: 'ProductUpdated', payload: eventPayload(data) });
  return product;
}
