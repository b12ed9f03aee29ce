// app.adjust_stock(product, location, delta, reason): owners/admins correct
// the stock on hand (breakage, counts) with a required reason; units
// reserved by orders cannot be taken away (OUT_OF_STOCK). Runs as the owner,
// so it must keep to the caller's tenant and role itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised } from './helpers.js';
import { as } from '../../ledger.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'adjust-a');
  b = await createTenant(owner, 'adjust-b');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const adjust = 'select app.adjust_stock($1, $2, $3, $4) as id';
const stock = async (id: string) => (await owner.query('select quantity, reserved, available from inventory where id = $1', [id])).rows[0];

describe('app.adjust_stock', () => {
  it('changes the quantity by delta; audited with the reason', async () => {
    // The fixture row: quantity 10, reserved 2.
    const id = await committedAs(app, as(a, 'admin'), async (c) => (await c.query(adjust, [a.product, a.location, -3, 'broken jars'])).rows[0].id);
    expect(id).toBe(a.inventory);
    expect(await stock(id)).toEqual({ quantity: 7, reserved: 2, available: 5 });
    await committedAs(app, as(a, 'owner'), (c) => c.query(adjust, [a.product, a.location, 4, 'stock count']));
    expect(await stock(id)).toEqual({ quantity: 11, reserved: 2, available: 9 });
    const { rows } = await owner.query(`select user_id, action, diff from audit_logs where entity = 'inventory' and entity_id = $1 order by created_at, id`, [id]);
    expect(rows).toEqual([
      { user_id: a.admin, action: 'adjust', diff: { productId: a.product, locationId: a.location, delta: '-3', quantity: { from: '10', to: '7' }, reason: 'broken jars' } },
      { user_id: a.owner, action: 'adjust', diff: { productId: a.product, locationId: a.location, delta: '4', quantity: { from: '7', to: '11' }, reason: 'stock count' } },
    ]);
  });

  it('cannot take reserved units: OUT_OF_STOCK with the numbers (control: down to exactly reserved works)', async () => {
    const { quantity, reserved, available } = await stock(a.inventory);
    await asRole(app, as(a, 'admin'), async (c) => {
      await expectRaised(c, adjust, [a.product, a.location, -(available + 1), 'count'], 'OUT_OF_STOCK', new RegExp(`Only ${available} available, ${reserved} reserved`));
      await c.query(adjust, [a.product, a.location, -available, 'count']);
      expect((await c.query('select quantity, available from inventory where id = $1', [a.inventory])).rows[0]).toEqual({ quantity: reserved, available: 0 });
    });
    expect((await stock(a.inventory)).quantity).toBe(quantity);
  });

  it('bad arguments are BAD_USER_INPUT naming them; no row is NOT_FOUND', async () => {
    const before = await stock(a.inventory);
    await asRole(app, as(a, 'admin'), async (c) => {
      await expectRaised(c, adjust, [a.product, a.location, 0, 'x'], 'BAD_USER_INPUT', /delta/);
      await expectRaised(c, adjust, [a.product, a.location, null, 'x'], 'BAD_USER_INPUT', /delta/);
      await expectRaised(c, adjust, [a.product, a.location, 1_000_001, 'x'], 'BAD_USER_INPUT', /delta/);
      await expectRaised(c, adjust, [a.product, a.location, 1, null], 'BAD_USER_INPUT', /reason/);
      await expectRaised(c, adjust, [a.product, a.location, 1, '  '], 'BAD_USER_INPUT', /reason/);
      await expectRaised(c, adjust, [a.product, a.location, 1, 'x'.repeat(501)], 'BAD_USER_INPUT', /reason/);
      await expectRaised(c, adjust, [null, a.location, 1, 'x'], 'BAD_USER_INPUT', /productId/);
      await expectRaised(c, adjust, [a.product, null, 1, 'x'], 'BAD_USER_INPUT', /locationId/);
      await expectRaised(c, adjust, [a.product, a.emptyLocation, 1, 'x'], 'NOT_FOUND', /No stock/);
    });
    expect(await stock(a.inventory)).toEqual(before);
  });

  it("another tenant's stock is NOT_FOUND (control: B's admin adjusts it)", async () => {
    const before = await stock(b.inventory);
    await asRole(app, as(a, 'admin'), async (c) => {
      await expectRaised(c, adjust, [b.product, b.location, -1, 'x'], 'NOT_FOUND');
      await expectRaised(c, adjust, [b.product, a.location, -1, 'x'], 'NOT_FOUND', /product/);
    });
    expect(await stock(b.inventory)).toEqual(before);
    await asRole(app, as(b, 'admin'), async (c) => expect((await c.query(adjust, [b.product, b.location, -1, 'x'])).rows[0].id).toBe(b.inventory));
  });

  it('owners/admins only: members are FORBIDDEN (control: the admin adjusts)', async () => {
    const before = await stock(a.inventory);
    await asRole(app, as(a, 'x'), (c) => expectRaised(c, adjust, [a.product, a.location, 1, 'x'], 'FORBIDDEN'));
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: b.admin }, (c) => expectRaised(c, adjust, [a.product, a.location, 1, 'x'], 'FORBIDDEN'));
    expect(await stock(a.inventory)).toEqual(before);
    await asRole(app, as(a, 'admin'), (c) => c.query(adjust, [a.product, a.location, 1, 'x']));
  });

  it('is executable by fortress_user only', async () => {
    expect(await executors(owner, 'app.adjust_stock(uuid,uuid,integer,text)')).toEqual(['fortress_user']);
    await asRole(app, { role: 'fortress_support' }, (c) => expectSqlError(c, adjust, [a.product, a.location, 1, 'x'], '42501'));
  });
});
