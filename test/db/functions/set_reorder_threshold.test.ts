// app.set_reorder_threshold(product, location, threshold): owners/admins set
// the reorder level of a stock row; audited. Runs as the owner, so it must
// keep to the caller's tenant and role itself.
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
  a = await createTenant(owner, 'threshold-a');
  b = await createTenant(owner, 'threshold-b');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const setThreshold = 'select app.set_reorder_threshold($1, $2, $3) as id';
const threshold = async (id: string) => (await owner.query('select reorder_threshold from inventory where id = $1', [id])).rows[0].reorder_threshold;

describe('app.set_reorder_threshold', () => {
  it('sets the threshold; audited (an unchanged threshold writes no row)', async () => {
    const id = await committedAs(app, as(a, 'admin'), async (c) => (await c.query(setThreshold, [a.product, a.location, 4])).rows[0].id);
    expect(id).toBe(a.inventory);
    expect(await threshold(id)).toBe(4);
    await committedAs(app, as(a, 'admin'), (c) => c.query(setThreshold, [a.product, a.location, 4]));
    const { rows } = await owner.query(`select user_id, action, diff from audit_logs where entity = 'inventory' and entity_id = $1`, [id]);
    expect(rows).toEqual([
      { user_id: a.admin, action: 'set_reorder_threshold', diff: { productId: a.product, locationId: a.location, reorderThreshold: { from: '0', to: '4' } } },
    ]);
  });

  it('bad arguments are BAD_USER_INPUT naming them; no row is NOT_FOUND', async () => {
    await asRole(app, as(a, 'admin'), async (c) => {
      await expectRaised(c, setThreshold, [a.product, a.location, -1], 'BAD_USER_INPUT', /threshold/);
      await expectRaised(c, setThreshold, [a.product, a.location, 1_000_001], 'BAD_USER_INPUT', /threshold/);
      await expectRaised(c, setThreshold, [a.product, a.location, null], 'BAD_USER_INPUT', /threshold/);
      await expectRaised(c, setThreshold, [null, a.location, 1], 'BAD_USER_INPUT', /productId/);
      await expectRaised(c, setThreshold, [a.product, null, 1], 'BAD_USER_INPUT', /locationId/);
      await expectRaised(c, setThreshold, [a.product, a.emptyLocation, 1], 'NOT_FOUND');
    });
  });

  it("another tenant's stock is NOT_FOUND (control: B's owner sets it)", async () => {
    await asRole(app, as(a, 'owner'), (c) => expectRaised(c, setThreshold, [b.product, b.location, 7], 'NOT_FOUND'));
    expect(await threshold(b.inventory)).toBe(0);
    await asRole(app, as(b, 'owner'), async (c) => expect((await c.query(setThreshold, [b.product, b.location, 7])).rows[0].id).toBe(b.inventory));
  });

  it('owners/admins only: members are FORBIDDEN (control: the owner sets it)', async () => {
    await asRole(app, as(a, 'y'), (c) => expectRaised(c, setThreshold, [a.product, a.location, 9], 'FORBIDDEN'));
    expect(await threshold(a.inventory)).not.toBe(9);
    await asRole(app, as(a, 'owner'), async (c) => {
      await c.query(setThreshold, [a.product, a.location, 9]);
      expect((await c.query('select reorder_threshold from inventory where id = $1', [a.inventory])).rows[0].reorder_threshold).toBe(9);
    });
  });

  it('is executable by fortress_user only', async () => {
    expect(await executors(owner, 'app.set_reorder_threshold(uuid,uuid,integer)')).toEqual(['fortress_user']);
    await asRole(app, { role: 'fortress_partner' }, (c) => expectSqlError(c, setThreshold, [a.product, a.location, 1], '42501'));
  });
});
