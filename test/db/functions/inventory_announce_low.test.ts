// app.inventory_announce_low(): the trigger that writes one InventoryLow
// outbox event each time a stock row crosses into "low" (available <=
// reorder_threshold), whatever moved it, and none while it stays low.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import pg from 'pg';
import { authenticatorPool, count, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors } from './helpers.js';
import { as } from '../../ledger.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'low-a');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const lowEvents = (inventoryId: string) =>
  count(owner, `select count(*) as n from events_outbox where aggregate = 'inventory' and aggregate_id = $1 and event_type = 'InventoryLow'`, [inventoryId]);
/** A product of its own stocked at the fixture location: quantity, reserved, threshold. */
async function stockRow(fx: TenantFixture, quantity: number, reserved: number, threshold: number) {
  const sku = `LOW-${Math.random().toString(36).slice(2, 10)}`;
  const product = (await owner.query(`insert into products (tenant_id, sku, name, price) values ($1, $2, 'Low', '1.00') returning id`, [fx.tenantId, sku])).rows[0].id as string;
  const id = (
    await owner.query(
      'insert into inventory (tenant_id, product_id, location_id, quantity, reserved, reorder_threshold) values ($1, $2, $3, $4, $5, $6) returning id',
      [fx.tenantId, product, fx.location, quantity, reserved, threshold],
    )
  ).rows[0].id as string;
  return { product, id };
}
const adjust = (fx: TenantFixture, product: string, delta: number) =>
  committedAs(app, as(fx, 'admin'), (c) => c.query('select app.adjust_stock($1, $2, $3, $4)', [product, fx.location, delta, 'test']));

describe('app.inventory_announce_low', () => {
  it('announces once when adjust_stock crosses the threshold, not on a further drop, again after a restock and a new crossing', async () => {
    const { product, id } = await stockRow(a, 10, 0, 5);
    await adjust(a, product, -4); // 6: above
    expect(await lowEvents(id)).toBe(0);
    await adjust(a, product, -1); // 5: crossed
    expect(await lowEvents(id)).toBe(1);
    const [event] = (await owner.query(`select tenant_id, aggregate, payload from events_outbox where aggregate_id = $1 and event_type = 'InventoryLow'`, [id])).rows;
    expect(event).toEqual({
      tenant_id: a.tenantId, aggregate: 'inventory',
      payload: { inventoryId: id, productId: product, locationId: a.location, available: 5, reorderThreshold: 5 },
    });
    await adjust(a, product, -2); // 3: still low
    expect(await lowEvents(id)).toBe(1);
    await committedAs(app, as(a, 'admin'), (c) => c.query('select app.restock($1, $2, 10, null)', [product, a.location])); // 13: above
    expect(await lowEvents(id)).toBe(1);
    await adjust(a, product, -9); // 4: crossed again
    expect(await lowEvents(id)).toBe(2);
  });

  it('a threshold raised to the available units announces; lowering it back and a reservation crossing announce per crossing', async () => {
    const { product, id } = await stockRow(a, 8, 0, 0);
    await committedAs(app, as(a, 'admin'), (c) => c.query('select app.set_reorder_threshold($1, $2, 8)', [product, a.location]));
    expect(await lowEvents(id)).toBe(1);
    await committedAs(app, as(a, 'admin'), (c) => c.query('select app.set_reorder_threshold($1, $2, 2)', [product, a.location]));
    expect(await lowEvents(id)).toBe(1);
    // A checkout reserving units (the order functions, as the owner here) crosses too.
    await owner.query('update inventory set reserved = reserved + 6 where id = $1', [id]);
    expect(await lowEvents(id)).toBe(2);
  });

  it('shipping (quantity and reserved down together) leaves available unchanged and announces nothing', async () => {
    const { id } = await stockRow(a, 10, 4, 5);
    await owner.query('update inventory set quantity = quantity - 4, reserved = reserved - 4 where id = $1', [id]);
    expect(await lowEvents(id)).toBe(0);
    // Control: the same row does announce when available falls to the threshold.
    await owner.query('update inventory set reserved = reserved + 1 where id = $1', [id]);
    expect(await lowEvents(id)).toBe(1);
  });

  it('a row inserted at or below its threshold announces; one above does not', async () => {
    const low = await stockRow(a, 0, 0, 0);
    const fine = await stockRow(a, 1, 0, 0);
    expect(await lowEvents(low.id)).toBe(1);
    expect(await lowEvents(fine.id)).toBe(0);
  });

  it('20 concurrent adjust_stock(-1) crossing the threshold once write exactly one event', async () => {
    const t = await createTenant(owner, 'low-race');
    const { product, id } = await stockRow(t, 30, 0, 15);
    const pool = new pg.Pool({ connectionString: inject('authenticatorUrl'), max: 20 });
    try {
      await Promise.all(
        Array.from({ length: 20 }, () =>
          committedAs(pool, as(t, 'admin'), (c) => c.query('select app.adjust_stock($1, $2, -1, $3)', [product, t.location, 'race']))),
      );
    } finally {
      await pool.end();
    }
    expect((await owner.query('select quantity, available from inventory where id = $1', [id])).rows[0]).toEqual({ quantity: 10, available: 10 });
    expect(await lowEvents(id)).toBe(1);
    expect(await count(owner, `select count(*) as n from audit_logs where entity_id = $1 and action = 'adjust'`, [id])).toBe(20);
  });

  it('is a trigger function nobody may call', async () => {
    expect(await executors(owner, 'app.inventory_announce_low()')).toEqual([]);
  });
});
