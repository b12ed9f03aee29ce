// app.expire_orders(older than, limit, tenant): the job that cancels unpaid
// orders past their payment window, releasing their reservations through
// app.order_release, as fortress_worker only. Every call here names its
// tenant: test files share one database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised } from './helpers.js';
import { fund, newAccount } from '../../ledger.js';
import { newLocation, newMember, newProduct, orderEvents, orderRow, payAs, placeOrder, setStock, stockOf } from '../../commerce.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'expire-orders-a');
  b = await createTenant(owner, 'expire-orders-b');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const worker = { role: 'fortress_worker' } as const;
const expire = (olderThan: string, limit: number, tenant: string) =>
  committedAs(app, worker, async (c) => (await c.query<{ n: number }>('select app.expire_orders($1::interval, $2, $3) as n', [olderThan, limit, tenant])).rows[0]!.n);
const age = (ids: string[], minutes: number) =>
  owner.query(`update orders set created_at = now() - make_interval(mins => $2) where id = any($1::uuid[])`, [ids, minutes]);

describe('app.expire_orders', () => {
  it('cancels old created orders of the tenant, releases their stock, announces it with no actor; skips paid, recent and other tenants’', async () => {
    const loc = await newLocation(owner, a);
    const p = await newProduct(owner, a, { price: '1.00' });
    await setStock(owner, a, p, loc, 10);
    const old = await placeOrder(owner, app, a, a.x, p, loc, 2);
    const recent = await placeOrder(owner, app, a, a.y, p, loc, 1);
    const paid = await placeOrder(owner, app, a, a.admin, p, loc, 3);
    const wallet = await newAccount(owner, a, a.admin);
    await fund(app, a, wallet, '3');
    await payAs(app, a, a.admin, paid, wallet);
    await age([old, paid], 60);
    const locB = await newLocation(owner, b);
    const pB = await newProduct(owner, b);
    await setStock(owner, b, pB, locB, 5);
    const otherTenant = await placeOrder(owner, app, b, b.x, pB, locB, 1);
    await age([otherTenant], 60);

    expect(await stockOf(owner, p, loc)).toMatchObject({ reserved: 6 });
    expect(await expire('30 minutes', 100, a.tenantId)).toBe(1);
    expect(await orderRow(owner, old)).toMatchObject({ status: 'cancelled', cancel_reason: 'expired' });
    expect(await stockOf(owner, p, loc)).toMatchObject({ quantity: 10, reserved: 4 });
    expect(await orderEvents(owner, old)).toEqual(['OrderCreated', 'OrderCancelled']);
    expect((await owner.query(`select user_id from audit_logs where entity = 'order' and entity_id = $1 and action = 'update'`, [old])).rows)
      .toEqual([{ user_id: null }]);
    for (const id of [recent, paid]) expect((await orderRow(owner, id)).status).not.toBe('cancelled');
    expect((await orderRow(owner, otherTenant)).status).toBe('created');
    expect(await expire('30 minutes', 100, a.tenantId)).toBe(0);
  });

  it('two concurrent calls over 50 expired orders cancel all 50 and release each reservation once', async () => {
    const loc = await newLocation(owner, a);
    const p = await newProduct(owner, a);
    await setStock(owner, a, p, loc, 200);
    const orders: string[] = [];
    for (let i = 0; i < 50; i += 1) {
      const m = await newMember(owner, a);
      orders.push(await placeOrder(owner, app, a, m.id, p, loc, 2));
    }
    await age(orders, 120);
    expect(await stockOf(owner, p, loc)).toMatchObject({ quantity: 200, reserved: 100 });
    // Small batches, so both calls work through the same rows at once.
    const runs = await Promise.all([0, 1].map(async () => {
      let total = 0;
      for (let n = -1; n !== 0; total += n) n = await expire('1 hour', 5, a.tenantId);
      return total;
    }));
    expect(runs.reduce((s, n) => s + n, 0)).toBe(50);
    expect(await stockOf(owner, p, loc)).toMatchObject({ quantity: 200, reserved: 0 });
    const cancelled = await owner.query(`select count(*)::int as n from events_outbox where event_type = 'OrderCancelled' and aggregate_id = any($1::uuid[])`, [orders]);
    expect(cancelled.rows[0].n).toBe(50);
  });

  it('refuses bad arguments; executable by fortress_worker only', async () => {
    expect(await executors(owner, 'app.expire_orders(interval,integer,uuid)')).toEqual(['fortress_worker']);
    await asRole(app, worker, async (c) => {
      await expectRaised(c, 'select app.expire_orders($1::interval, $2, $3)', ['-1 minute', 10, a.tenantId], 'BAD_USER_INPUT');
      await expectRaised(c, 'select app.expire_orders($1::interval, $2, $3)', ['1 minute', 0, a.tenantId], 'BAD_USER_INPUT');
    });
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.owner }, (c) =>
      expectSqlError(c, 'select app.expire_orders($1::interval, 10, $2)', ['1 minute', a.tenantId], '42501'));
  });
});
