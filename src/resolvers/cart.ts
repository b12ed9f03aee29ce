// Carts: every change goes through the cart functions of sql/functions/carts.sql
// (security invoker, under the carts and cart_items policies), which keep one
// open cart per user, lock it before touching its lines and move its expiry.
// Money shown on carts (live prices, line totals, the cart total) is computed
// by Postgres and read as text, never through a float; it is loaded in one
// statement per request level for every cart or line asked for (a small
// batcher below), not one per row.
import type { Db } from '../db/request.js';
import type { UserViewer } from '../context.js';

export interface AddCartItemInput {
  productId: string;
  quantity: number;
}

/** Adds units of a product to the viewer's open cart (opened, or replacing an expired one, as needed). */
export async function addCartItem(db: Db, _viewer: UserViewer, input: AddCartItemInput) {
  const [row] = await db.$queryRaw<{ cart_id: string; cart_item_id: string }[]>`
    select cart_id::text, cart_item_id::text from app.cart_add_item(${input.productId}::uuid, ${input.quantity}::integer)`;
  return { cartId: row!.cart_id, cartItemId: row!.cart_item_id };
}

/** Sets a line of the viewer's open cart to 1..999 units; returns the cart's id. */
export async function updateCartItem(db: Db, _viewer: UserViewer, input: { rowId: string; quantity: number }) {
  const [row] = await db.$queryRaw<{ cart_id: string }[]>`
    select app.cart_set_quantity(${input.rowId}::uuid, ${input.quantity}::integer)::text as cart_id`;
  return { cartId: row!.cart_id };
}

/** Removes a line of the viewer's open cart; returns the cart's id. */
export async function removeCartItem(db: Db, _viewer: UserViewer, input: { rowId: string }) {
  const [row] = await db.$queryRaw<{ cart_id: string }[]>`select app.cart_remove_item(${input.rowId}::uuid)::text as cart_id`;
  return { cartId: row!.cart_id };
}

/** A line's live price and total (Decimal strings, exact). */
export interface CartLinePrice {
  unitPrice: string;
  currency: string;
  lineTotal: string;
}

/** A cart's total at live prices; null total and currency when its lines mix currencies. */
export interface CartTotal {
  total: string | null;
  currency: string | null;
  itemCount: number;
}

type Fetch<V> = (db: Db, ids: string[]) => Promise<Map<string, V>>;

/**
 * Collects the ids asked for while graphql-js resolves one level of a result
 * (it calls the resolvers of a list's items in one synchronous pass), then
 * loads them in one statement. Nothing is cached between batches, so a second
 * mutation in the same request reads fresh values.
 */
function batcher<V>(fetch: Fetch<V>) {
  type Waiting = { id: string; resolve: (v: V | null) => void; reject: (e: unknown) => void };
  const queues = new WeakMap<Db, Waiting[]>();
  return (db: Db, id: string) =>
    new Promise<V | null>((resolve, reject) => {
      let queue = queues.get(db);
      if (!queue) {
        const batch: Waiting[] = (queue = []);
        queues.set(db, batch);
        setImmediate(() => {
          queues.delete(db);
          fetch(db, [...new Set(batch.map((w) => w.id))]).then(
            (found) => batch.forEach((w) => w.resolve(found.get(w.id) ?? null)),
            (e: unknown) => batch.forEach((w) => w.reject(e)),
          );
        });
      }
      queue.push({ id, resolve, reject });
    });
}

/** Live price, currency and line total of cart lines the viewer can see. */
export const cartLinePrice = batcher<CartLinePrice>(async (db, ids) => {
  const rows = await db.$queryRaw<{ id: string; unit_price: string; currency: string; line_total: string }[]>`
    select i.id::text, trim_scale(p.price)::text as unit_price, p.currency::text, trim_scale(i.quantity * p.price)::text as line_total
      from cart_items i join products p on p.tenant_id = i.tenant_id and p.id = i.product_id
     where i.id = any(${ids}::uuid[])`;
  return new Map(rows.map((r) => [r.id, { unitPrice: r.unit_price, currency: r.currency, lineTotal: r.line_total }]));
});

/** Totals of carts the viewer can see (app.cart_total). */
export const cartTotal = batcher<CartTotal>(async (db, ids) => {
  const rows = await db.$queryRaw<{ id: string; total: string | null; currency: string | null; item_count: number }[]>`
    select c.id::text, trim_scale(t.total)::text as total, t.currency, t.item_count
      from unnest(${ids}::uuid[]) as c (id) cross join lateral app.cart_total(c.id) t`;
  return new Map(rows.map((r) => [r.id, { total: r.total, currency: r.currency, itemCount: Number(r.item_count) }]));
});
