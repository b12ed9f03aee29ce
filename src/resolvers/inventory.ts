// Stock changes go through the inventory functions (sql/functions/inventory.sql):
// no app role writes inventory directly. Each function re-checks the tenant
// and the caller's role (owners/admins), validates its arguments, locks the
// row, and writes the audit entry with the reason; the InventoryLow outbox
// event comes from the table's trigger. Each returns the inventory row's id.
import type { Db } from '../db/request.js';
import type { UserViewer } from '../context.js';

export interface StockRef {
  productId: string;
  locationId: string;
}

const one = (rows: { id: string }[]) => ({ id: rows[0]!.id });

/** Adds units at a location (creating the stock row on the first restock). Owners/admins. */
export async function restock(db: Db, _viewer: UserViewer, input: StockRef & { quantity: number; reason?: string | null }) {
  return one(await db.$queryRaw<{ id: string }[]>`
    select app.restock(${input.productId}::uuid, ${input.locationId}::uuid, ${input.quantity}::integer, ${input.reason ?? null}::text)::text as id`);
}

/** Corrects the stock on hand by a non-zero delta, with a reason; OUT_OF_STOCK below the reserved units. Owners/admins. */
export async function adjustStock(db: Db, _viewer: UserViewer, input: StockRef & { delta: number; reason: string }) {
  return one(await db.$queryRaw<{ id: string }[]>`
    select app.adjust_stock(${input.productId}::uuid, ${input.locationId}::uuid, ${input.delta}::integer, ${input.reason}::text)::text as id`);
}

/** Sets the reorder level of a stock row. Owners/admins. */
export async function setReorderThreshold(db: Db, _viewer: UserViewer, input: StockRef & { threshold: number }) {
  return one(await db.$queryRaw<{ id: string }[]>`
    select app.set_reorder_threshold(${input.productId}::uuid, ${input.locationId}::uuid, ${input.threshold}::integer)::text as id`);
}
