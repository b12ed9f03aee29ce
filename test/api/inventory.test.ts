// Stock through the API: restock, adjustStock and setReorderThreshold
// (owners/admins, through the inventory functions: audited with the reason,
// OUT_OF_STOCK below the reserved units, InventoryLow once per crossing),
// the lowStock filter (owners/admins) and tenant isolation of stock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { count, errorCodes, gql, graphql, ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';

let app: Awaited<ReturnType<typeof testApp>>;
let owner: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;

const Restock = graphql(`
  mutation InventoryTestRestock($input: RestockInput!) {
    restock(input: $input) { inventory { rowId quantity reserved available reorderThreshold lastRestockAt product { rowId } location { rowId } } }
  }
`);
const Adjust = graphql(`
  mutation InventoryTestAdjust($input: AdjustStockInput!) {
    adjustStock(input: $input) { inventory { rowId quantity reserved available } }
  }
`);
const SetThreshold = graphql(`
  mutation InventoryTestSetThreshold($input: SetReorderThresholdInput!) {
    setReorderThreshold(input: $input) { inventory { rowId reorderThreshold available } }
  }
`);
const Stock = graphql(`
  query InventoryTestStock($lowStock: Boolean, $productId: UUID, $locationId: UUID) {
    inventory(lowStock: $lowStock, productId: $productId, locationId: $locationId, first: 50) {
      totalCount
      edges { node { rowId available reorderThreshold product { sku } } }
    }
  }
`);

beforeAll(async () => {
  app = await testApp();
  owner = ownerPool();
  a = await createTenant(owner, 'inv-api-a');
  b = await createTenant(owner, 'inv-api-b');
});
afterAll(async () => {
  await app.close();
  await owner.end();
});

const lowEvents = (inventoryId: string) =>
  count(owner, `select count(*) as n from events_outbox where aggregate_id = $1 and event_type = 'InventoryLow'`, [inventoryId]);

describe('stock mutations', () => {
  it('restock creates and then adds to a stock row; audited with the reason', async () => {
    const token = await a.token('admin');
    const input = { productId: a.product, locationId: a.emptyLocation, quantity: 4, reason: 'delivery' };
    const first = await gql(app.yoga, Restock, { token, variables: { input } });
    expect(first.errors).toBeUndefined();
    expect(first.data!.restock.inventory).toMatchObject({ quantity: 4, reserved: 0, available: 4, product: { rowId: a.product }, location: { rowId: a.emptyLocation } });
    expect(first.data!.restock.inventory.lastRestockAt).not.toBeNull();
    const second = await gql(app.yoga, Restock, { token, variables: { input: { ...input, quantity: 6, reason: null } } });
    expect(second.data!.restock.inventory).toMatchObject({ rowId: first.data!.restock.inventory.rowId, quantity: 10, available: 10 });
    const audit = await owner.query(`select action, diff->>'reason' as reason from audit_logs where entity = 'inventory' and entity_id = $1 order by created_at`, [
      first.data!.restock.inventory.rowId,
    ]);
    expect(audit.rows).toEqual([{ action: 'restock', reason: 'delivery' }, { action: 'restock', reason: null }]);
  });

  it('adjustStock corrects the stock; below the reserved units is OUT_OF_STOCK with the numbers in extensions', async () => {
    const token = await a.token('owner');
    // The fixture row: quantity 10, reserved 2.
    const ok = await gql(app.yoga, Adjust, { token, variables: { input: { productId: a.product, locationId: a.location, delta: -3, reason: 'broken' } } });
    expect(ok.data!.adjustStock.inventory).toEqual({ rowId: a.inventory, quantity: 7, reserved: 2, available: 5 });
    const short = await gql(app.yoga, Adjust, { token, variables: { input: { productId: a.product, locationId: a.location, delta: -6, reason: 'count' } } });
    expect(errorCodes(short)).toEqual(['OUT_OF_STOCK']);
    expect(short.errors![0]!.message).toBe('Only 5 available, 2 reserved');
    expect(short.errors![0]!.extensions).toMatchObject({ available: 5, reserved: 2 });
    expect((await owner.query('select quantity from inventory where id = $1', [a.inventory])).rows[0].quantity).toBe(7);
  });

  it('bad input is BAD_USER_INPUT naming the field; a missing stock row or another tenant’s product is NOT_FOUND', async () => {
    const token = await a.token('admin');
    const field = (r: { errors?: { extensions?: { field?: unknown; code?: string } }[] }) => [r.errors?.[0]?.extensions?.code, r.errors?.[0]?.extensions?.field];
    const ref = { productId: a.product, locationId: a.location };
    expect(field(await gql(app.yoga, Restock, { token, variables: { input: { ...ref, quantity: 0 } } }))).toEqual(['BAD_USER_INPUT', 'input.quantity']);
    expect(field(await gql(app.yoga, Adjust, { token, variables: { input: { ...ref, delta: 0, reason: 'x' } } }))).toEqual(['BAD_USER_INPUT', 'input.delta']);
    expect(field(await gql(app.yoga, Adjust, { token, variables: { input: { ...ref, delta: 1, reason: ' ' } } }))).toEqual(['BAD_USER_INPUT', 'input.reason']);
    expect(field(await gql(app.yoga, SetThreshold, { token, variables: { input: { ...ref, threshold: -1 } } }))).toEqual(['BAD_USER_INPUT', 'input.threshold']);
    const fresh = (await owner.query(`insert into locations (tenant_id, code, name) values ($1, 'NEW', 'New') returning id`, [a.tenantId])).rows[0].id;
    expect(errorCodes(await gql(app.yoga, Adjust, { token, variables: { input: { productId: a.product, locationId: fresh, delta: 1, reason: 'x' } } }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await gql(app.yoga, Restock, { token, variables: { input: { productId: b.product, locationId: a.location, quantity: 1 } } }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await gql(app.yoga, Restock, { token, variables: { input: { productId: b.product, locationId: b.location, quantity: 1 } } }))).toEqual(['NOT_FOUND']);
    expect((await owner.query('select quantity from inventory where id = $1', [b.inventory])).rows[0].quantity).toBe(10);
  });

  it('members get FORBIDDEN for every stock mutation (control: the admin succeeds)', async () => {
    const member = await a.token('x');
    const ref = { productId: a.product, locationId: a.location };
    expect(errorCodes(await gql(app.yoga, Restock, { token: member, variables: { input: { ...ref, quantity: 1 } } }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await gql(app.yoga, Adjust, { token: member, variables: { input: { ...ref, delta: 1, reason: 'x' } } }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await gql(app.yoga, SetThreshold, { token: member, variables: { input: { ...ref, threshold: 1 } } }))).toEqual(['FORBIDDEN']);
    const ok = await gql(app.yoga, SetThreshold, { token: await a.token('admin'), variables: { input: { ...ref, threshold: 1 } } });
    expect(ok.data!.setReorderThreshold.inventory.reorderThreshold).toBe(1);
  });
});

describe('low stock', () => {
  it('lowStock lists rows at or below their reorder level (owners/admins); InventoryLow is announced once per crossing', async () => {
    const t = await createTenant(owner, 'inv-low');
    const admin = await t.token('admin');
    const ref = { productId: t.product, locationId: t.location };
    // The fixture row: available 8, threshold 0.
    const low = async () => (await gql(app.yoga, Stock, { token: admin, variables: { lowStock: true } })).data!.inventory;
    expect((await low()).totalCount).toBe(0);
    await gql(app.yoga, SetThreshold, { token: admin, variables: { input: { ...ref, threshold: 5 } } });
    expect(await lowEvents(t.inventory)).toBe(0);
    await gql(app.yoga, Adjust, { token: admin, variables: { input: { ...ref, delta: -3, reason: 'sold off the books' } } }); // available 5
    const listed = await low();
    expect(listed.totalCount).toBe(1);
    expect(listed.edges[0]!.node).toEqual({ rowId: t.inventory, available: 5, reorderThreshold: 5, product: { sku: 'SKU-1' } });
    expect(await lowEvents(t.inventory)).toBe(1);
    await gql(app.yoga, Adjust, { token: admin, variables: { input: { ...ref, delta: -1, reason: 'again' } } }); // still low
    expect(await lowEvents(t.inventory)).toBe(1);
    // Without the filter every row is listed (control), and members may read stock but not ask for lowStock.
    expect((await gql(app.yoga, Stock, { token: await t.token('x'), variables: {} })).data!.inventory.totalCount).toBe(1);
    expect(errorCodes(await gql(app.yoga, Stock, { token: await t.token('x'), variables: { lowStock: true } }))).toEqual(['FORBIDDEN']);
  });

  it("tenant B sees none of A's stock (control: A does)", async () => {
    const ofA = (token: string) => gql(app.yoga, Stock, { token, variables: { productId: a.product } });
    expect((await ofA(await b.token('owner'))).data!.inventory.totalCount).toBe(0);
    expect((await ofA(await a.token('x'))).data!.inventory.totalCount).toBeGreaterThan(0);
  });
});
