// app.redeliver_webhook(delivery): an owner/admin queues a past delivery
// again (a new round of attempts, same event id). fortress_user only; it runs
// as the owner, so it re-applies tenant and role itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised } from './helpers.js';
import { deliveryOf, newEndpoint, newEvent, probeType } from '../../webhooks.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'redeliver-a');
  b = await createTenant(owner, 'redeliver-b');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

/** A delivery of the tenant in `status`, with attempts made. */
async function delivery(fx: TenantFixture, status: 'failed' | 'succeeded' | 'delivering' | 'pending', endpointEnabled = true) {
  const type = probeType();
  const endpoint = await newEndpoint(owner, fx, { eventTypes: [type] });
  const event = await newEvent(owner, fx, type);
  await committedAs(app, { role: 'fortress_worker' }, (c) => c.query('select * from app.webhook_fan_out(1000, $1)', [fx.tenantId]));
  const terminal = status === 'failed' || status === 'succeeded';
  await owner.query(
    `update webhook_deliveries set status = $2::webhook_delivery_status, attempts = 8, last_status_code = 500, last_error = 'HTTP 500',
            next_attempt_at = case when $3 then null else now() + interval '1 hour' end,
            delivered_at = case when $2::text = 'succeeded' then now() end
      where endpoint_id = $1`,
    [endpoint.id, status, terminal],
  );
  if (!endpointEnabled) await owner.query('update webhook_endpoints set enabled = false where id = $1', [endpoint.id]);
  const row = await deliveryOf(owner, endpoint.id, event.event_id);
  return { id: row!.id, row: () => deliveryOf(owner, endpoint.id, event.event_id) };
}

const redeliver = (fx: TenantFixture, who: 'owner' | 'admin' | 'x', id: string) =>
  committedAs(app, { role: 'fortress_user', tenantId: fx.tenantId, userId: fx[who] }, async (c) =>
    (await c.query<{ id: string }>('select app.redeliver_webhook($1) as id', [id])).rows[0]!.id);

describe('app.redeliver_webhook', () => {
  it('an owner or admin starts a new round for a failed, succeeded or pending delivery: pending, 0 attempts, due now', async () => {
    for (const [who, status] of [['admin', 'failed'], ['owner', 'succeeded'], ['admin', 'pending']] as const) {
      const d = await delivery(a, status);
      expect(await redeliver(a, who, d.id)).toBe(d.id);
      const row = (await d.row())!;
      expect(row, status).toMatchObject({ status: 'pending', attempts: 0, last_status_code: 500 });
      expect(row.next_attempt_at!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    }
  });

  it('CONFLICT while an attempt is in flight or when the endpoint is disabled; nothing changes', async () => {
    const inFlight = await delivery(a, 'delivering');
    const disabled = await delivery(a, 'failed', false);
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.admin }, async (c) => {
      await expectRaised(c, 'select app.redeliver_webhook($1)', [inFlight.id], 'CONFLICT', /in flight|being attempted/);
      await expectRaised(c, 'select app.redeliver_webhook($1)', [disabled.id], 'CONFLICT', /disabled/);
    });
    expect(await inFlight.row()).toMatchObject({ status: 'delivering', attempts: 8 });
    expect(await disabled.row()).toMatchObject({ status: 'failed', attempts: 8 });
  });

  it('a member is FORBIDDEN, another tenant’s admin gets NOT_FOUND (controls: the row exists, A’s admin may)', async () => {
    const d = await delivery(a, 'failed');
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.x }, (c) => expectRaised(c, 'select app.redeliver_webhook($1)', [d.id], 'FORBIDDEN'));
    await asRole(app, { role: 'fortress_user', tenantId: b.tenantId, userId: b.admin }, (c) => expectRaised(c, 'select app.redeliver_webhook($1)', [d.id], 'NOT_FOUND'));
    // A's own user id claiming B's tenant: not a member there, so no tenant at all.
    await asRole(app, { role: 'fortress_user', tenantId: b.tenantId, userId: a.admin }, (c) => expectRaised(c, 'select app.redeliver_webhook($1)', [d.id], 'FORBIDDEN'));
    expect(await d.row()).toMatchObject({ status: 'failed', attempts: 8 });
    expect(await redeliver(a, 'admin', d.id)).toBe(d.id);
  });

  it('executable by fortress_user only', async () => {
    expect(await executors(owner, 'app.redeliver_webhook(uuid)')).toEqual(['fortress_user']);
    const d = await delivery(a, 'failed');
    for (const role of ['fortress_worker', 'fortress_partner', 'fortress_support', 'fortress_anonymous'] as const) {
      await asRole(app, { role, tenantId: a.tenantId, userId: a.admin }, (c) => expectSqlError(c, 'select app.redeliver_webhook($1)', [d.id], '42501'));
    }
  });
});
