// app.cart_set_quantity(cart item, quantity): sets a line of the caller's own
// open, unexpired cart to 1..999 units and moves the cart's expiry to 2 h from
// now; anything else is NOT_FOUND, each denial paired with a control.
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
  a = await createTenant(owner, 'cart-set-a');
  b = await createTenant(owner, 'cart-set-b');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const set = 'select app.cart_set_quantity($1, $2) as cart_id';
const quantityOf = async (item: string) => (await owner.query('select quantity from cart_items where id = $1', [item])).rows[0]?.quantity;
const expirySecs = async (cart: string) =>
  (await owner.query(`select extract(epoch from expires_at - (now() + interval '2 hours'))::float as s from carts where id = $1`, [cart])).rows[0].s as number;

describe('app.cart_set_quantity', () => {
  it('sets the line, returns the cart and extends its expiry to 2 h from now', async () => {
    const t = await createTenant(owner, 'cart-set-ok');
    await owner.query(`update carts set expires_at = now() + interval '1 minute' where id = $1`, [t.cartX]);
    const r = await committedAs(app, as(t, 'x'), async (c) => (await c.query(set, [t.cartItemX, 999])).rows[0]);
    expect(r).toEqual({ cart_id: t.cartX });
    expect(await quantityOf(t.cartItemX)).toBe(999);
    expect(Math.abs(await expirySecs(t.cartX))).toBeLessThan(60);
  });

  it('NOT_FOUND for another member’s line, an admin’s attempt, another tenant’s member (controls: x; the owner sees the line)', async () => {
    await asRole(app, as(a, 'y'), (c) => expectRaised(c, set, [a.cartItemX, 2], 'NOT_FOUND'));
    await asRole(app, as(a, 'admin'), (c) => expectRaised(c, set, [a.cartItemX, 2], 'NOT_FOUND'));
    await asRole(app, as(b, 'x'), (c) => expectRaised(c, set, [a.cartItemX, 2], 'NOT_FOUND'));
    await asRole(app, as(b, 'owner'), (c) => expectRaised(c, set, [a.cartItemX, 2], 'NOT_FOUND'));
    expect(await quantityOf(a.cartItemX)).toBe(1);
    await asRole(app, as(a, 'x'), async (c) => expect((await c.query(set, [a.cartItemX, 2])).rows[0].cart_id).toBe(a.cartX));
  });

  it('NOT_FOUND once the cart has expired or is checked out (control: open again)', async () => {
    const t = await createTenant(owner, 'cart-set-closed');
    for (const change of [`expires_at = now() - interval '1 second'`, `status = 'checked_out'`, `status = 'abandoned'`]) {
      await owner.query(`update carts set ${change} where id = $1`, [t.cartX]);
      await asRole(app, as(t, 'x'), (c) => expectRaised(c, set, [t.cartItemX, 2], 'NOT_FOUND'));
      await owner.query(`update carts set status = 'open', expires_at = now() + interval '1 hour' where id = $1`, [t.cartX]);
      await asRole(app, as(t, 'x'), async (c) => expect((await c.query(set, [t.cartItemX, 2])).rowCount).toBe(1));
    }
    expect(await quantityOf(t.cartItemX)).toBe(1);
  });

  it('validates quantity 1..999 (naming it) before anything else; FORBIDDEN without a member; fortress_user only', async () => {
    await asRole(app, as(a, 'x'), async (c) => {
      for (const q of [0, 1000, null]) await expectRaised(c, set, [a.cartItemX, q], 'BAD_USER_INPUT', /quantity/);
    });
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: b.x }, (c) => expectRaised(c, set, [a.cartItemX, 2], 'FORBIDDEN'));
    expect(await executors(owner, 'app.cart_set_quantity(uuid,integer)')).toEqual(['fortress_user']);
    await asRole(app, { role: 'fortress_partner', tenantId: a.tenantId, userId: a.x }, (c) => expectSqlError(c, set, [a.cartItemX, 2], '42501'));
  });
});
