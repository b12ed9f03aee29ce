// app.partner_place_order(customer, location, items, address): a live partner
// client with orders:write places a created order for a customer of its
// tenant, reserving every line or none, recorded with the client
// (sql/functions/partner.sql). It re-applies tenant, client and scope itself:
// as a definer function it could see every tenant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, count, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised } from './helpers.js';
import { ADDRESS, newLocation, newProduct, orderEvents, orderRow, setStock, stockOf } from '../../commerce.js';
import { PARTNER_SCOPES } from '../../../src/auth/tokens.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'ppo-a');
  b = await createTenant(owner, 'ppo-b');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const PLACE = 'select app.partner_place_order($1, $2, $3, $4)::text as id';
const partner = (fx: TenantFixture, scopes: readonly string[] = PARTNER_SCOPES, client = fx.partnerClient) =>
  ({ role: 'fortress_partner' as const, tenantId: fx.tenantId, partnerClientId: client, partnerScopes: [...scopes] });
const lines = (...l: [string, number][]) => JSON.stringify(l.map(([productId, quantity]) => ({ productId, quantity })));

describe('app.partner_place_order', () => {
  it("creates the customer's order with exact lines and total, reserves the stock, names the client and announces it", async () => {
    const loc = await newLocation(owner, a);
    const p1 = await newProduct(owner, a, { price: '9999999999.99', sku: 'PPO-GOLD', name: 'Gold' });
    const p2 = await newProduct(owner, a, { price: '0.01', sku: 'PPO-STK', name: 'Sticker' });
    await setStock(owner, a, p1, loc, 1000);
    await setStock(owner, a, p2, loc, 5, 1);
    const id = await committedAs(app, partner(a, ['orders:write']), async (c) => {
      const placed = (await c.query(PLACE, [a.y, loc, lines([p1, 999], [p2, 3]), JSON.stringify(ADDRESS)])).rows[0].id as string;
      // It reads back the order it placed, with orders:write alone.
      expect(await count(c, 'select count(*) as n from orders where id = $1', [placed])).toBe(1);
      expect(await count(c, 'select count(*) as n from order_items where order_id = $1', [placed])).toBe(2);
      // Not the tenant's other orders: that needs orders:read (control: the order exists).
      expect(await count(c, 'select count(*) as n from orders where id = $1', [a.orderX])).toBe(0);
      return placed;
    });
    expect(await orderRow(owner, id)).toMatchObject({ status: 'created', total: '9989999999990.04', currency: 'BRL', location_id: loc });
    const { rows } = await owner.query('select user_id, partner_client_id, shipping_address from orders where id = $1', [id]);
    expect(rows[0]).toEqual({ user_id: a.y, partner_client_id: a.partnerClient, shipping_address: ADDRESS });
    expect(await stockOf(owner, p1, loc)).toEqual({ quantity: 1000, reserved: 999, available: 1 });
    expect(await stockOf(owner, p2, loc)).toEqual({ quantity: 5, reserved: 4, available: 1 });
    expect(await orderEvents(owner, id)).toEqual(['OrderCreated']);
    const event = (await owner.query(`select payload from events_outbox where aggregate_id = $1`, [id])).rows[0].payload;
    expect(event).toMatchObject({ userId: a.y, partnerClientId: a.partnerClient, totalAmount: '9989999999990.04' });
    expect(await count(owner, 'select count(*) as n from orders where id = $1', [a.orderX])).toBe(1);
  });

  it('all or nothing: a short line is OUT_OF_STOCK with the items, and nothing is reserved', async () => {
    const loc = await newLocation(owner, a);
    const ok = await newProduct(owner, a);
    const short = await newProduct(owner, a, { sku: 'PPO-SHORT' });
    await setStock(owner, a, ok, loc, 5);
    await setStock(owner, a, short, loc, 1);
    await asRole(app, partner(a), async (c) => {
      await expectRaised(c, PLACE, [a.x, loc, lines([ok, 2], [short, 2]), '{}'], 'OUT_OF_STOCK', /PPO-SHORT/);
    });
    expect(await stockOf(owner, ok, loc)).toMatchObject({ reserved: 0 });
    // Control: what is there can be ordered.
    await asRole(app, partner(a), async (c) => expect((await c.query(PLACE, [a.x, loc, lines([ok, 2], [short, 1]), '{}'])).rows).toHaveLength(1));
  });

  it('needs orders:write in client and token, and a live client (FORBIDDEN otherwise)', async () => {
    const loc = await newLocation(owner, a);
    const p = await newProduct(owner, a);
    await setStock(owner, a, p, loc, 5);
    const args = [a.x, loc, lines([p, 1]), '{}'];
    await asRole(app, partner(a, PARTNER_SCOPES.filter((s) => s !== 'orders:write')), (c) => expectRaised(c, PLACE, args, 'FORBIDDEN'));
    await owner.query(`update partner_clients set scopes = '{orders:read}' where id = $1`, [a.partnerClient]);
    try {
      await asRole(app, partner(a), (c) => expectRaised(c, PLACE, args, 'FORBIDDEN'));
      await owner.query('update partner_clients set scopes = $2, revoked_at = now() where id = $1', [a.partnerClient, [...PARTNER_SCOPES]]);
      await asRole(app, partner(a), (c) => expectRaised(c, PLACE, args, 'FORBIDDEN'));
    } finally {
      await owner.query('update partner_clients set scopes = $2, revoked_at = null where id = $1', [a.partnerClient, [...PARTNER_SCOPES]]);
    }
    // Another tenant's client under this tenant's id.
    await asRole(app, partner(a, PARTNER_SCOPES, b.partnerClient), (c) => expectRaised(c, PLACE, args, 'FORBIDDEN'));
    // Control.
    await asRole(app, partner(a), async (c) => expect((await c.query(PLACE, args)).rows).toHaveLength(1));
  });

  it("keeps to the client's tenant: another tenant's customer, location or product is NOT_FOUND", async () => {
    const loc = await newLocation(owner, a);
    const p = await newProduct(owner, a);
    await setStock(owner, a, p, loc, 5);
    const bLoc = await newLocation(owner, b);
    const bProduct = await newProduct(owner, b);
    await setStock(owner, b, bProduct, bLoc, 5);
    await asRole(app, partner(a), async (c) => {
      await expectRaised(c, PLACE, [b.x, loc, lines([p, 1]), '{}'], 'NOT_FOUND', /customer/);
      await expectRaised(c, PLACE, [a.invitee, loc, lines([p, 1]), '{}'], 'NOT_FOUND', /customer/);
      await expectRaised(c, PLACE, [a.x, bLoc, lines([p, 1]), '{}'], 'NOT_FOUND', /location/);
      await expectRaised(c, PLACE, [a.x, loc, lines([bProduct, 1]), '{}'], 'NOT_FOUND', /product/);
    });
    expect(await stockOf(owner, bProduct, bLoc)).toMatchObject({ reserved: 0 });
  });

  it('refuses malformed lines and addresses with BAD_USER_INPUT', async () => {
    const loc = await newLocation(owner, a);
    const p = await newProduct(owner, a);
    await setStock(owner, a, p, loc, 5);
    await asRole(app, partner(a), async (c) => {
      for (const items of ['[]', '{}', JSON.stringify([{ productId: p, quantity: 0 }]), JSON.stringify([{ productId: p, quantity: 1000 }]),
        JSON.stringify([{ productId: 'nope', quantity: 1 }]), JSON.stringify([{ productId: p, quantity: '1' }]), lines([p, 1], [p, 2])]) {
        await expectRaised(c, PLACE, [a.x, loc, items, '{}'], 'BAD_USER_INPUT');
      }
      await expectRaised(c, PLACE, [a.x, loc, lines([p, 1]), '[]'], 'BAD_USER_INPUT', /shippingAddress/);
      await expectRaised(c, PLACE, [null, loc, lines([p, 1]), '{}'], 'BAD_USER_INPUT', /customerId/);
    });
  });

  it('is executable by fortress_partner only', async () => {
    expect(await executors(owner, 'app.partner_place_order(uuid,uuid,jsonb,jsonb)')).toEqual(['fortress_partner']);
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.owner }, (c) =>
      expectSqlError(c, PLACE, [a.x, a.location, lines([a.product, 1]), '{}'], '42501'),
    );
  });
});
