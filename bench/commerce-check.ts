// The stock invariants around the checkout benchmark (M2), checked as the
// owner over the bench tenants: no stock row is negative or over-reserved,
// every row's `reserved` is exactly the units its created and paid orders
// hold (the dataset's own orders have no location and hold none), on-hand
// quantities did not move (a checkout reserves, it does not ship), every
// order placed by checkout totals its lines and was announced once
// (OrderCreated), and no cart was checked out without its order.
import pg from 'pg';

const BENCH = `(select id from tenants where slug like 'bench-%')`;

/** Units on hand per bench tenant (as text) and how many orders checkout has placed so far. */
export interface StockSnapshot {
  quantities: Map<string, string>;
  orders: number;
}

async function withOwner<T>(ownerUrl: string, f: (c: pg.Client) => Promise<T>) {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end();
  }
}

const placedOrders = async (c: pg.Client) =>
  (await c.query(`select count(*)::int as n from orders where tenant_id in ${BENCH} and location_id is not null`)).rows[0].n as number;

export function stockSnapshot(ownerUrl: string): Promise<StockSnapshot> {
  return withOwner(ownerUrl, async (c) => {
    const { rows } = await c.query(`select t.slug, coalesce(sum(i.quantity), 0)::text as q
      from tenants t left join inventory i on i.tenant_id = t.id where t.id in ${BENCH} group by t.slug order by t.slug`);
    return { quantities: new Map(rows.map((r) => [r.slug as string, r.q as string])), orders: await placedOrders(c) };
  });
}

export async function stockCheck(ownerUrl: string, before: StockSnapshot) {
  const after = await stockSnapshot(ownerUrl);
  return withOwner(ownerUrl, async (c) => {
    const lines: string[] = [];
    let ok = true;
    const moved = [...after.quantities].filter(([slug, q]) => before.quantities.get(slug) !== q);
    lines.push(`units on hand per tenant unchanged: ${moved.length ? 'NO' : 'yes'} (${after.quantities.size} tenants)`);
    for (const [slug, q] of moved) lines.push(`  ${slug}: ${before.quantities.get(slug)} -> ${q}`);
    ok &&= moved.length === 0;

    lines.push(`orders placed by checkout: ${after.orders - before.orders} in this run (${after.orders} on this dataset)`);

    const { rows: bad } = await c.query(`select count(*)::int as n from inventory
      where tenant_id in ${BENCH} and (quantity < 0 or reserved < 0 or reserved > quantity)`);
    lines.push(`stock rows negative or reserved beyond quantity: ${bad[0].n}`);
    ok &&= bad[0].n === 0;

    // Set-based (one grouped join, not a subquery per stock row): the full dataset has 20,000 stock rows.
    const { rows: held } = await c.query(`with lines as (
        select o.tenant_id, o.location_id, oi.product_id, sum(oi.quantity) as units
          from orders o join order_items oi on oi.tenant_id = o.tenant_id and oi.order_id = o.id
         where o.tenant_id in ${BENCH} and o.status in ('created', 'paid') and o.location_id is not null
         group by 1, 2, 3)
      select count(*)::int as n from inventory i
        left join lines l on l.tenant_id = i.tenant_id and l.location_id = i.location_id and l.product_id = i.product_id
       where i.tenant_id in ${BENCH} and i.reserved <> coalesce(l.units, 0)`);
    const { rows: total } = await c.query(`select coalesce(sum(reserved), 0)::bigint::text as r from inventory where tenant_id in ${BENCH}`);
    lines.push(`stock rows whose reserved differs from their created/paid order lines: ${held[0].n} (units reserved in all: ${total[0].r})`);
    ok &&= held[0].n === 0;

    const { rows: totals } = await c.query(`select count(*)::int as n from orders o
      where o.tenant_id in ${BENCH} and o.location_id is not null
        and o.total_amount <> (select coalesce(sum(i.line_total), 0) from order_items i where i.tenant_id = o.tenant_id and i.order_id = o.id)`);
    lines.push(`checkout orders whose total differs from their lines: ${totals[0].n}`);
    ok &&= totals[0].n === 0;

    // Grouped once: events_outbox has no index on aggregate_id, and a count per order would scan
    // each tenant's events once per order.
    const { rows: events } = await c.query(`with created as (
        select e.aggregate_id, count(*) as n from events_outbox e
         where e.tenant_id in ${BENCH} and e.aggregate = 'order' and e.event_type = 'OrderCreated' group by 1)
      select count(*)::int as n from orders o left join created e on e.aggregate_id = o.id
       where o.tenant_id in ${BENCH} and o.location_id is not null and coalesce(e.n, 0) <> 1`);
    lines.push(`checkout orders without exactly one OrderCreated event: ${events[0].n}`);
    ok &&= events[0].n === 0;

    const { rows: carts } = await c.query(`select count(*)::int as n from carts k
      where k.tenant_id in ${BENCH} and k.status = 'checked_out'
        and not exists (select 1 from orders o where o.tenant_id = k.tenant_id and o.cart_id = k.id)`);
    lines.push(`checked-out carts without an order: ${carts[0].n}`);
    ok &&= carts[0].n === 0;
    return { ok, lines };
  });
}
