// app.webhook_claim_deliveries(limit, lease, max attempts, tenant) and
// app.webhook_next_attempt_at(tenant): the relay takes due deliveries for one
// attempt each (committed before any POST), as fortress_worker only. Every
// call names its tenant: test files share one database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised } from './helpers.js';
import { deliveryOf, newEndpoint, newEvent, newSecret, probeType } from '../../webhooks.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'claim-a');
  b = await createTenant(owner, 'claim-b');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const worker = { role: 'fortress_worker' } as const;
interface Claimed { delivery_id: string; attempt: number; url: string; secrets: string[]; event_id: string; event_type: string; aggregate: string; aggregate_id: string; tenant_id: string; schema_version: number; payload: unknown }
const claim = (limit: number, tenant: string, opts: { lease?: number; maxAttempts?: number } = {}) =>
  committedAs(app, worker, async (c) =>
    (await c.query<Claimed>('select * from app.webhook_claim_deliveries($1, $2, $3, $4)', [limit, opts.lease ?? 60, opts.maxAttempts ?? 8, tenant])).rows);
const fanOut = (tenant: string) => committedAs(app, worker, (c) => c.query('select * from app.webhook_fan_out(1000, $1)', [tenant]));
const nextAttemptAt = (tenant: string) =>
  committedAs(app, worker, async (c) => (await c.query<{ at: Date | null }>('select app.webhook_next_attempt_at($1) as at', [tenant])).rows[0]!.at);

/** Claims (and drains) everything due in the tenant, so a test starts from nothing due. */
async function drain(tenant: string) {
  while ((await claim(1000, tenant)).length) { /* until nothing is due */ }
}

describe('app.webhook_claim_deliveries', () => {
  it('claims due deliveries of enabled endpoints once: delivering, attempt 1, a lease; returns URL, secrets and the event', async () => {
    await drain(a.tenantId);
    const type = probeType();
    const endpoint = await newEndpoint(owner, a, { eventTypes: [type], url: 'https://hooks.example.com/a' });
    const disabled = await newEndpoint(owner, a, { eventTypes: [type], url: 'https://hooks.example.com/off' });
    const event = await newEvent(owner, a, type, { amount: '12.50' });
    const otherTenant = await newEndpoint(owner, b, { eventTypes: [type] });
    const otherEvent = await newEvent(owner, b, type);
    await fanOut(a.tenantId);
    await fanOut(b.tenantId);
    await owner.query('update webhook_endpoints set enabled = false where id = $1', [disabled.id]);

    const claimed = await claim(10, a.tenantId, { lease: 90 });
    expect(claimed).toEqual([
      expect.objectContaining({
        attempt: 1, url: 'https://hooks.example.com/a', secrets: [endpoint.secret], event_id: event.event_id, event_type: type,
        aggregate: 'probe', aggregate_id: event.aggregate_id, tenant_id: a.tenantId, schema_version: 1, payload: { amount: '12.50' },
      }),
    ]);
    const row = await deliveryOf(owner, endpoint.id, event.event_id);
    expect(row).toMatchObject({ id: claimed[0]!.delivery_id, status: 'delivering', attempts: 1, last_attempt_at: expect.any(Date) });
    const lease = (row!.next_attempt_at!.getTime() - row!.last_attempt_at!.getTime()) / 1000;
    expect(lease).toBeCloseTo(90, 0);
    // Held by the lease: nothing more to claim; the disabled endpoint's delivery waits.
    expect(await claim(10, a.tenantId)).toEqual([]);
    expect(await deliveryOf(owner, disabled.id, event.event_id)).toMatchObject({ status: 'pending', attempts: 0 });
    // Tenant B's delivery is still there for B.
    expect(await deliveryOf(owner, otherTenant.id, otherEvent.event_id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await claim(10, b.tenantId)).map((d) => d.event_id)).toEqual([otherEvent.event_id]);
  });

  it('signs with the previous secret too until it expires', async () => {
    await drain(a.tenantId);
    const type = probeType();
    const endpoint = await newEndpoint(owner, a, { eventTypes: [type] });
    const rotated = newSecret();
    await owner.query('update webhook_endpoints set secret = $2 where id = $1', [endpoint.id, rotated]);
    await newEvent(owner, a, type);
    await fanOut(a.tenantId);
    expect((await claim(10, a.tenantId)).map((d) => d.secrets)).toEqual([[rotated, endpoint.secret]]);
    await owner.query(`update webhook_endpoints set previous_secret_expires_at = now() - interval '1 second' where id = $1`, [endpoint.id]);
    await newEvent(owner, a, type);
    await fanOut(a.tenantId);
    expect((await claim(10, a.tenantId)).map((d) => d.secrets)).toEqual([[rotated]]);
  });

  it('a delivery whose lease ran out is claimed again (attempt 2); on its last allowed attempt it fails instead', async () => {
    await drain(a.tenantId);
    const type = probeType();
    const endpoint = await newEndpoint(owner, a, { eventTypes: [type] });
    const e1 = await newEvent(owner, a, type);
    const e2 = await newEvent(owner, a, type);
    await fanOut(a.tenantId);
    expect(await claim(10, a.tenantId, { lease: 1 })).toHaveLength(2);
    await owner.query(`update webhook_deliveries set next_attempt_at = now() - interval '1 second', attempts = 3 where endpoint_id = $1 and event_id = $2`, [endpoint.id, e2.event_id]);
    await owner.query(`update webhook_deliveries set next_attempt_at = now() - interval '1 second' where endpoint_id = $1 and event_id = $2`, [endpoint.id, e1.event_id]);
    const again = await claim(10, a.tenantId, { maxAttempts: 3 });
    expect(again.map((d) => [d.event_id, d.attempt])).toEqual([[e1.event_id, 2]]);
    expect(await deliveryOf(owner, endpoint.id, e2.event_id)).toMatchObject({
      status: 'failed', attempts: 3, next_attempt_at: null, last_error: expect.stringMatching(/No result was recorded within the lease/),
    });
  });

  it('two concurrent claimers never get the same delivery', async () => {
    await drain(a.tenantId);
    const type = probeType();
    await newEndpoint(owner, a, { eventTypes: [type] });
    await newEndpoint(owner, a, { eventTypes: [type] });
    for (let i = 0; i < 40; i += 1) await newEvent(owner, a, type, { i });
    await fanOut(a.tenantId);
    const runs = await Promise.all([0, 1].map(async () => {
      const ids: string[] = [];
      for (let batch = await claim(3, a.tenantId); batch.length; batch = await claim(3, a.tenantId)) ids.push(...batch.map((d) => d.delivery_id));
      return ids;
    }));
    const all = [...runs[0]!, ...runs[1]!];
    expect(all).toHaveLength(80);
    expect(new Set(all).size).toBe(80);
  });

  it('app.webhook_next_attempt_at: the earliest open delivery of an enabled endpoint, null when none', async () => {
    await drain(a.tenantId);
    const c = await createTenant(owner, 'claim-next');
    expect(await nextAttemptAt(c.tenantId)).toBeNull();
    const type = probeType();
    const endpoint = await newEndpoint(owner, c, { eventTypes: [type] });
    await newEvent(owner, c, type);
    await fanOut(c.tenantId);
    const at = await nextAttemptAt(c.tenantId);
    expect(at!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    await owner.query('update webhook_endpoints set enabled = false where id = $1', [endpoint.id]);
    expect(await nextAttemptAt(c.tenantId)).toBeNull();
  });

  it('refuses bad arguments; executable by fortress_worker only', async () => {
    for (const fn of ['app.webhook_claim_deliveries(integer,integer,integer,uuid)', 'app.webhook_next_attempt_at(uuid)']) {
      expect(await executors(owner, fn), fn).toEqual(['fortress_worker']);
    }
    await asRole(app, worker, async (c) => {
      for (const args of [[0, 60, 8], [1001, 60, 8], [10, 0, 8], [10, 3601, 8], [10, 60, 0], [10, 60, 101]]) {
        await expectRaised(c, 'select * from app.webhook_claim_deliveries($1, $2, $3, $4)', [...args, a.tenantId], 'BAD_USER_INPUT');
      }
    });
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.owner }, async (c) => {
      await expectSqlError(c, 'select * from app.webhook_claim_deliveries(10, 60, 8, $1)', [a.tenantId], '42501');
      await expectSqlError(c, 'select app.webhook_next_attempt_at($1)', [a.tenantId], '42501');
    });
  });
});
