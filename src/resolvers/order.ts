// Orders: checkout, payment, cancellation, shipping and delivery all happen in
// the order functions of sql/functions/orders.sql (security definer; they
// re-check tenant, role and ownership, lock cart → order → stock → accounts,
// post the payment or refund through the ledger, and write the outbox event;
// the audit entry is the orders trigger), in the request transaction. Nothing
// here writes an order, a stock row or a ledger row itself.
import type { Db } from '../db/request.js';
import type { PartnerViewer, UserViewer } from '../context.js';

export interface CheckoutInput {
  cartId: string;
  locationId: string;
  /** A JSON object, at most 4 KB (the function checks: BAD_USER_INPUT). */
  shippingAddress?: unknown;
}

/** The caller's open cart → a created order at the location, every line reserved or none (OUT_OF_STOCK). */
export async function checkout(db: Db, _viewer: UserViewer, input: CheckoutInput) {
  const [row] = await db.$queryRaw<{ id: string }[]>`
    select app.checkout(${input.cartId}::uuid, ${input.locationId}::uuid, ${JSON.stringify(input.shippingAddress ?? null)}::jsonb)::text as id`;
  return { id: row!.id };
}

/** The payment of an order: the journal posted (null for a zero total) and whether this was a replay. */
export interface PaymentResult {
  orderId: string;
  transferId: string | null;
  replayed: boolean;
}

/** Pays a created order from an account (members: their own order, their own account). Idempotent per order. */
export async function payOrder(db: Db, _viewer: UserViewer, input: { rowId: string; accountId: string }): Promise<PaymentResult> {
  const [row] = await db.$queryRaw<{ transfer_id: string | null; replayed: boolean }[]>`
    select transfer_id::text, replayed from app.pay_order(${input.rowId}::uuid, ${input.accountId}::uuid)`;
  return { orderId: input.rowId, transferId: row!.transfer_id, replayed: row!.replayed };
}

/** Cancels a created order (members: their own) or a paid one (owners/admins; refunded). */
export async function cancelOrder(db: Db, _viewer: UserViewer, input: { rowId: string; reason?: string | null }) {
  const [row] = await db.$queryRaw<{ id: string }[]>`select app.cancel_order(${input.rowId}::uuid, ${input.reason ?? null})::text as id`;
  return { id: row!.id };
}

/** paid → shipped (stock leaves the location). Owners/admins. */
export async function shipOrder(db: Db, _viewer: UserViewer, input: { rowId: string }) {
  const [row] = await db.$queryRaw<{ id: string }[]>`select app.ship_order(${input.rowId}::uuid)::text as id`;
  return { id: row!.id };
}

/** shipped → delivered. Owners/admins. */
export async function deliverOrder(db: Db, _viewer: UserViewer, input: { rowId: string }) {
  const [row] = await db.$queryRaw<{ id: string }[]>`select app.deliver_order(${input.rowId}::uuid)::text as id`;
  return { id: row!.id };
}

export interface PlacePartnerOrderInput {
  customerId: string;
  locationId: string;
  items: { productId: string; quantity: number }[];
  /** A JSON object, at most 4 KB (the function checks: BAD_USER_INPUT). */
  shippingAddress?: unknown;
}

/**
 * A partner client (orders:write) places a created order for a customer of
 * its tenant: app.partner_place_order (sql/functions/partner.sql) checks the
 * client, its scopes and the customer, and reserves every line or none.
 */
export async function placePartnerOrder(db: Db, _partner: PartnerViewer, input: PlacePartnerOrderInput) {
  const items = input.items.map(({ productId, quantity }) => ({ productId, quantity }));
  const [row] = await db.$queryRaw<{ id: string }[]>`
    select app.partner_place_order(${input.customerId}::uuid, ${input.locationId}::uuid, ${JSON.stringify(items)}::jsonb,
                                   ${JSON.stringify(input.shippingAddress ?? null)}::jsonb)::text as id`;
  return { id: row!.id };
}
