// Sales per product per day: one aggregate over the order lines of paid,
// shipped and delivered orders, by the day (UTC) each order was paid, in
// Postgres numeric (returned as text, like src/resolvers/statement.ts), so no
// amount passes through a float. It runs on the request transaction: RLS
// keeps it to the caller's tenant (the GraphQL field is for owners/admins).
import { Prisma } from '../generated/prisma/client.js';
import type { Db } from '../db/request.js';


export interface SalesQuery {
  /** Start of the period, inclusive (compared with `paid_at`). */
  from: Date;
  /** End of the period, exclusive. */
  to: Date;
  productId?: string | null;
  locationId?: string | null;
}

export interface SalesRow {
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  product_id: string;
  currency: string;
  quantity: number;
  revenue: string;
  order_count: number;
}

/**
 * One row per (UTC day, product, currency), days ascending, then product id:
 * units sold, the sum of the lines' `line_total` (snapshot price × quantity)
 * and how many orders. Answered by ix_orders_tenant_paid (tenant_id, paid_at).
 */
export function productSalesSql(q: SalesQuery) {
  const productId = q.productId ?? null;
  const locationId = q.locationId ?? null;
  return Prisma.sql`select to_char((o.paid_at at time zone 'UTC')::date, 'YYYY-MM-DD') as day, i.product_id::text as product_id,
          i.currency::text as currency, sum(i.quantity)::int as quantity, trim_scale(sum(i.line_total))::text as revenue,
          count(distinct o.id)::int as order_count
     from orders o
     join order_items i on i.tenant_id = o.tenant_id and i.order_id = o.id
    where o.status in ('paid', 'shipped', 'delivered')
      and o.paid_at >= ${q.from}::timestamptz and o.paid_at < ${q.to}::timestamptz
      and (${productId}::uuid is null or i.product_id = ${productId}::uuid)
      and (${locationId}::uuid is null or o.location_id = ${locationId}::uuid)
    group by 1, 2, 3
    order by 1, 2, 3`;
}

export async function productSales(db: Db, q: SalesQuery) {
  return db.$queryRaw<SalesRow[]>(productSalesSql(q));
}
