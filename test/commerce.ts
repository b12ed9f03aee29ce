// Plumbing for the order tests (SQL and API): products, stock, members and
// carts written by the schema owner (the cart functions are tested on their
// own), the order functions called as a tenant's user, and what stock and
// orders look like afterwards, read as the owner.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { TenantFixture } from './fixtures.js';
import { committedAs } from './db/functions/helpers.js';
import { signToken } from './helpers.js';

const suffix = () => randomBytes(4).toString('hex');
const one = async (owner: pg.Pool, sql: string, params: unknown[]) => (await owner.query(sql, params)).rows[0].id as string;

/** A product of the tenant (a unique SKU unless given). */
export const newProduct = (
  owner: pg.Pool,
  fx: TenantFixture,
  opts: { price?: string; currency?: string; name?: string; sku?: string; active?: boolean } = {},
) =>
  one(
    owner,
    `insert into products (tenant_id, sku, name, price, currency, active) values ($1, $2, $3, $4, $5, $6) returning id`,
    [fx.tenantId, opts.sku ?? `SKU-${suffix()}`, opts.name ?? 'Product', opts.price ?? '1.00', opts.currency ?? 'BRL', opts.active ?? true],
  );

/** A location of the tenant holding no stock. */
export const newLocation = (owner: pg.Pool, fx: TenantFixture) =>
  one(owner, `insert into locations (tenant_id, code, name) values ($1, $2, 'Store') returning id`, [fx.tenantId, `L-${suffix()}`]);

/** Sets a stock row (quantity, reserved) as the owner. */
export const setStock = (owner: pg.Pool, fx: TenantFixture, product: string, location: string, quantity: number, reserved = 0) =>
  owner.query(
    `insert into inventory (tenant_id, product_id, location_id, quantity, reserved) values ($1, $2, $3, $4, $5)
     on conflict (tenant_id, product_id, location_id) do update set quantity = excluded.quantity, reserved = excluded.reserved`,
    [fx.tenantId, product, location, quantity, reserved],
  );

/** { quantity, reserved, available } of a stock row. */
export async function stockOf(owner: pg.Pool, product: string, location: string) {
  const { rows } = await owner.query<{ quantity: number; reserved: number; available: number }>(
    'select quantity, reserved, available from inventory where product_id = $1 and location_id = $2',
    [product, location],
  );
  return rows[0];
}

/** A new member of the tenant, and a token for them. */
export async function newMember(owner: pg.Pool, fx: TenantFixture, role: 'member' | 'admin' = 'member') {
  const id = await one(owner, 'insert into users (tenant_id, email, display_name) values ($1, $2, $3) returning id', [
    fx.tenantId, `m-${suffix()}@${fx.slug}.test`, 'member',
  ]);
  await owner.query('insert into tenant_memberships (tenant_id, user_id, role) values ($1, $2, $3)', [fx.tenantId, id, role]);
  return { id, token: () => signToken(id, fx.tenantId, role) };
}

/**
 * The user's open cart with these lines, written by the owner. A user has at
 * most one open cart: an earlier open one is marked abandoned first.
 */
export async function newCart(owner: pg.Pool, fx: TenantFixture, userId: string, lines: [product: string, quantity: number][]) {
  await owner.query(`update carts set status = 'abandoned' where tenant_id = $1 and user_id = $2 and status = 'open'`, [fx.tenantId, userId]);
  const cart = await one(owner, 'insert into carts (tenant_id, user_id) values ($1, $2) returning id', [fx.tenantId, userId]);
  for (const [product, quantity] of lines) {
    await owner.query('insert into cart_items (tenant_id, cart_id, product_id, quantity) values ($1, $2, $3, $4)', [fx.tenantId, cart, product, quantity]);
  }
  return cart;
}

export const ADDRESS = { line1: '1 Main St', city: 'Springfield', postalCode: '12345' };

/** app.checkout as the user (committed); the order's id. */
export const checkoutAs = (app: pg.Pool, fx: TenantFixture, userId: string, cart: string, location: string, address: object = ADDRESS) =>
  committedAs(app, { role: 'fortress_user', tenantId: fx.tenantId, userId }, async (c) =>
    (await c.query<{ id: string }>('select app.checkout($1, $2, $3) as id', [cart, location, JSON.stringify(address)])).rows[0]!.id);

/** app.pay_order as the user (committed). */
export const payAs = (app: pg.Pool, fx: TenantFixture, userId: string, order: string, account: string) =>
  committedAs(app, { role: 'fortress_user', tenantId: fx.tenantId, userId }, async (c) =>
    (await c.query<{ transfer_id: string | null; replayed: boolean }>('select * from app.pay_order($1, $2)', [order, account])).rows[0]!);

/** A one-line order of `quantity` units, placed by `userId` at `location` (committed). */
export async function placeOrder(owner: pg.Pool, app: pg.Pool, fx: TenantFixture, userId: string, product: string, location: string, quantity = 1) {
  const cart = await newCart(owner, fx, userId, [[product, quantity]]);
  return checkoutAs(app, fx, userId, cart, location);
}

/** An order row as the owner reads it (amounts as trimmed strings). */
export async function orderRow(owner: pg.Pool, id: string) {
  const { rows } = await owner.query(
    `select status::text, trim_scale(total_amount)::text as total, currency, location_id, payment_transfer_id, refund_transfer_id,
            paid_at is not null as paid, shipped_at is not null as shipped, delivered_at is not null as delivered,
            cancelled_at is not null as cancelled, cancel_reason
       from orders where id = $1`,
    [id],
  );
  return rows[0];
}

/** The order aggregate's outbox event types, oldest first. */
export const orderEvents = async (owner: pg.Pool, id: string) =>
  (await owner.query<{ event_type: string }>(`select event_type from events_outbox where aggregate = 'order' and aggregate_id = $1 order by occurred_at, id`, [id]))
    .rows.map((r) => r.event_type);
