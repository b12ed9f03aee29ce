// app.cart_remove_item(cart item): removes a line of the caller's own open,
// unexpired cart (the cart stays, maybe empty) and moves the cart's expiry to
// 2 h from now; anything else is NOT_FOUND, each denial paired with a control.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, count, expectSqlError, ownerPool } from '../../helpers.js';
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
  a = await createTenant(owner, 'cart-remove-a');
  b = await createTenant(owner, 'cart-remove-b');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const remove = 'select app.cart_remove_item($1) as cart_id';
const exists = (item: string) => count(owner, 'select count(*) as n from cart_items where id = $1', [item]);

describe('app.cart_remove_item', () => {
  it('removes the line, keeps the cart open and extends its expiry', async () => {
    const t = await createTenant(owner, 'cart-remove-ok');
    await owner.query(`update carts set expires_at = now() + interval '1 minute' where id = $1`, [t.cartX]);
    expect(await committedAs(app, as(t, 'x'), async (c) => (await c.query(remove, [t.cartItemX])).rows[0])).toEqual({ cart_id: t.cartX });
    expect(await exists(t.cartItemX)).toBe(0);
    const { rows } = await owner.query(
      `select status, abs(extract(epoch from expires_at - (now() + interval '2 hours'))) < 60 as extended from carts where id = $1`, [t.cartX]);
    expect(rows).toEqual([{ status: 'open', extended: true }]);
    // Removing it again: the line is gone.
    await asRole(app, as(t, 'x'), (c) => expectRaised(c, remove, [t.cartItemX], 'NOT_FOUND'));
  });

  it('NOT_FOUND for another member’s line, an admin’s attempt, another tenant (controls: x removes it; the owner sees it)', async () => {
    await asRole(app, as(a, 'y'), (c) => expectRaised(c, remove, [a.cartItemX], 'NOT_FOUND'));
    await asRole(app, as(a, 'admin'), (c) => expectRaised(c, remove, [a.cartItemX], 'NOT_FOUND'));
    await asRole(app, as(b, 'x'), (c) => expectRaised(c, remove, [a.cartItemX], 'NOT_FOUND'));
    expect(await exists(a.cartItemX)).toBe(1);
    await asRole(app, as(a, 'x'), async (c) => expect((await c.query(remove, [a.cartItemX])).rows[0].cart_id).toBe(a.cartX));
  });

  it('NOT_FOUND once the cart has expired or is checked out (control: open again)', async () => {
    const t = await createTenant(owner, 'cart-remove-closed');
    for (const change of [`expires_at = now() - interval '1 second'`, `status = 'checked_out'`]) {
      await owner.query(`update carts set ${change} where id = $1`, [t.cartX]);
      await asRole(app, as(t, 'x'), (c) => expectRaised(c, remove, [t.cartItemX], 'NOT_FOUND'));
      await owner.query(`update carts set status = 'open', expires_at = now() + interval '1 hour' where id = $1`, [t.cartX]);
      await asRole(app, as(t, 'x'), async (c) => expect((await c.query(remove, [t.cartItemX])).rowCount).toBe(1));
    }
    expect(await exists(t.cartItemX)).toBe(1);
  });

  it('FORBIDDEN without a member; executable by fortress_user only', async () => {
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId }, (c) => expectRaised(c, remove, [a.cartItemX], 'FORBIDDEN'));
    expect(await executors(owner, 'app.cart_remove_item(uuid)')).toEqual(['fortress_user']);
    await asRole(app, { role: 'fortress_partner', tenantId: a.tenantId, userId: a.x }, (c) => expectSqlError(c, remove, [a.cartItemX], '42501'));
  });
});
