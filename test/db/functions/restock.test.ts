// app.restock(product, location, quantity, reason): owners/admins add units
// of a product at a location, creating its stock row on the first restock;
// audited with the reason. Runs as the owner, so it must keep to the
// caller's tenant and role itself.
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
  a = await createTenant(owner, 'restock-a');
  b = await createTenant(owner, 'restock-b');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const restock = 'select app.restock($1, $2, $3, $4) as id';
const stock = async (id: string) =>
  (await owner.query('select quantity, reserved, available, last_restock_at from inventory where id = $1', [id])).rows[0];
const audit = async (id: string) =>
  (await owner.query(`select user_id, entity, action, diff from audit_logs where entity_id = $1 and entity = 'inventory' order by created_at, id`, [id])).rows;

describe('app.restock', () => {
  it('adds to an existing row and sets last_restock_at; audited with the reason', async () => {
    const id = await committedAs(app, as(a, 'admin'), async (c) => (await c.query(restock, [a.product, a.location, 5, 'delivery 42'])).rows[0].id);
    expect(id).toBe(a.inventory);
    expect(await stock(id)).toMatchObject({ quantity: 15, reserved: 2, available: 13, last_restock_at: expect.any(Date) });
    expect(await audit(id)).toEqual([
      {
        user_id: a.admin, entity: 'inventory', action: 'restock',
        diff: { productId: a.product, locationId: a.location, quantity: { from: '10', to: '15' }, reason: 'delivery 42' },
      },
    ]);
  });

  it('creates the stock row on the first restock (reason optional)', async () => {
    const id = await committedAs(app, as(a, 'owner'), async (c) => (await c.query(restock, [a.product, a.emptyLocation, 3, null])).rows[0].id);
    expect(await stock(id)).toMatchObject({ quantity: 3, reserved: 0, available: 3 });
    expect((await audit(id))[0].diff).toEqual({ productId: a.product, locationId: a.emptyLocation, quantity: { from: '0', to: '3' }, reason: null });
  });

  it('concurrent restocks of a new row add up', async () => {
    const loc = (await owner.query(`insert into locations (tenant_id, code, name) values ($1, 'RACE', 'Race') returning id`, [a.tenantId])).rows[0].id;
    const ids = await Promise.all(Array.from({ length: 8 }, () => committedAs(app, as(a, 'admin'), async (c) => (await c.query(restock, [a.product, loc, 2, null])).rows[0].id)));
    expect(new Set(ids).size).toBe(1);
    expect((await stock(ids[0]!)).quantity).toBe(16);
  });

  it('bad arguments are BAD_USER_INPUT naming them; nothing changes', async () => {
    const before = await stock(a.inventory);
    await asRole(app, as(a, 'admin'), async (c) => {
      await expectRaised(c, restock, [a.product, a.location, 0, null], 'BAD_USER_INPUT', /quantity/);
      await expectRaised(c, restock, [a.product, a.location, 1_000_001, null], 'BAD_USER_INPUT', /quantity/);
      await expectRaised(c, restock, [a.product, a.location, null, null], 'BAD_USER_INPUT', /quantity/);
      await expectRaised(c, restock, [null, a.location, 1, null], 'BAD_USER_INPUT', /productId/);
      await expectRaised(c, restock, [a.product, null, 1, null], 'BAD_USER_INPUT', /locationId/);
      await expectRaised(c, restock, [a.product, a.location, 1, 'x'.repeat(501)], 'BAD_USER_INPUT', /reason/);
    });
    expect(await stock(a.inventory)).toEqual(before);
  });

  it("another tenant's product or location is NOT_FOUND (control: B's owner restocks them)", async () => {
    const before = await stock(b.inventory);
    await asRole(app, as(a, 'admin'), async (c) => {
      await expectRaised(c, restock, [b.product, a.location, 1, null], 'NOT_FOUND', /product/);
      await expectRaised(c, restock, [a.product, b.location, 1, null], 'NOT_FOUND', /location/);
      await expectRaised(c, restock, [b.product, b.location, 1, null], 'NOT_FOUND');
    });
    expect(await stock(b.inventory)).toEqual(before);
    await asRole(app, as(b, 'owner'), async (c) => expect((await c.query(restock, [b.product, b.location, 1, null])).rows[0].id).toBe(b.inventory));
  });

  it('owners/admins only: members and non-members are FORBIDDEN (control: the admin restocks)', async () => {
    const before = await stock(a.inventory);
    await asRole(app, as(a, 'x'), (c) => expectRaised(c, restock, [a.product, a.location, 1, null], 'FORBIDDEN'));
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.invitee }, (c) => expectRaised(c, restock, [a.product, a.location, 1, null], 'FORBIDDEN'));
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: b.owner }, (c) => expectRaised(c, restock, [a.product, a.location, 1, null], 'FORBIDDEN'));
    expect(await stock(a.inventory)).toEqual(before);
    await asRole(app, as(a, 'admin'), async (c) => {
      await c.query(restock, [a.product, a.location, 1, null]);
      expect((await c.query('select quantity from inventory where id = $1', [a.inventory])).rows[0].quantity).toBe(before.quantity + 1);
    });
  });

  it('is executable by fortress_user only', async () => {
    expect(await executors(owner, 'app.restock(uuid,uuid,integer,text)')).toEqual(['fortress_user']);
    await asRole(app, { role: 'fortress_anonymous' }, (c) => expectSqlError(c, restock, [a.product, a.location, 1, null], '42501'));
  });
});
