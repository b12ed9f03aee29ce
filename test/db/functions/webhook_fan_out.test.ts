// app.webhook_fan_out(limit, tenant): the relay's first step, pending outbox
// rows → one delivery per matching enabled endpoint, rows marked sent, as
// fortress_worker only. Every call names its tenant: test files share one
// database, and each test names its own event types.
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
  a = await createTenant(owner, 'fan-out-a');
  b = await createTenant(owner, 'fan-out-b');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const worker = { role: 'fortress_worker' } as const;
const fanOut = (limit: number, tenant: string) =>
  committedAs(app, worker, async (c) => (await c.query<{ events: number; deliveries: number }>('select * from app.webhook_fan_out($1, $2)', [limit, tenant])).rows[0]!);
const outboxRow = async (id: string) => (await owner.query('select status::text, sent_at from events_outbox where id = $1', [id])).rows[0];

describe('app.webhook_fan_out', () => {
  it('creates one delivery per enabled endpoint that wants the event type, marks the rows sent; leaves other tenants alone', async () => {
    const paid = probeType();
    const shipped = probeType();
    const onlyPaid = await newEndpoint(owner, a, { eventTypes: [paid] });
    const both = await newEndpoint(owner, a, { eventTypes: [paid, shipped] });
    const disabled = await newEndpoint(owner, a, { eventTypes: [paid], enabled: false });
    const e1 = await newEvent(owner, a, paid);
    const e2 = await newEvent(owner, a, shipped);
    const other = await newEvent(owner, b, paid);
    const otherEndpoint = await newEndpoint(owner, b, { eventTypes: [paid] });

    const r = await fanOut(500, a.tenantId);
    expect(r.events).toBeGreaterThanOrEqual(2); // and the fixture's pending events, which no endpoint here wants
    expect(r.deliveries).toBe(3);
    expect(await deliveryOf(owner, onlyPaid.id, e1.event_id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await deliveryOf(owner, both.id, e1.event_id)).toMatchObject({ status: 'pending' });
    expect(await deliveryOf(owner, both.id, e2.event_id)).toMatchObject({ status: 'pending' });
    expect(await deliveryOf(owner, onlyPaid.id, e2.event_id)).toBeUndefined();
    expect(await deliveryOf(owner, disabled.id, e1.event_id)).toBeUndefined();
    for (const e of [e1, e2]) expect(await outboxRow(e.id)).toMatchObject({ status: 'sent', sent_at: expect.any(Date) });
    // Tenant B: untouched.
    expect(await outboxRow(other.id)).toMatchObject({ status: 'pending', sent_at: null });
    expect(await deliveryOf(owner, otherEndpoint.id, other.event_id)).toBeUndefined();
    // Nothing left to do: a second call creates nothing.
    expect(await fanOut(500, a.tenantId)).toEqual({ events: 0, deliveries: 0 });
  });

  it('an endpoint with no event types gets every type; one registered after an event does not get it', async () => {
    const type = probeType();
    const before = await newEvent(owner, a, type);
    await fanOut(500, a.tenantId);
    const all = await newEndpoint(owner, a);
    const after = await newEvent(owner, a, type);
    await fanOut(500, a.tenantId);
    expect(await deliveryOf(owner, all.id, after.event_id)).toMatchObject({ status: 'pending' });
    expect(await deliveryOf(owner, all.id, before.event_id)).toBeUndefined();
    await owner.query('update webhook_endpoints set enabled = false where id = $1', [all.id]);
  });

  it('two concurrent calls over 60 events fan each out exactly once', async () => {
    const type = probeType();
    const endpoint = await newEndpoint(owner, a, { eventTypes: [type] });
    await fanOut(1000, a.tenantId);
    for (let i = 0; i < 60; i += 1) await newEvent(owner, a, type, { i });
    // Small batches, so both calls work through the same rows at once. Each
    // outbox row is taken by one call (the unique key would hide a second
    // delivery, not a second take: count the rows taken).
    const runs = await Promise.all([0, 1].map(async () => {
      let total = 0;
      for (let n = -1; n !== 0; total += n) n = (await fanOut(7, a.tenantId)).events;
      return total;
    }));
    expect(runs[0]! + runs[1]!).toBe(60);
    const { rows } = await owner.query('select count(*)::int as n, count(distinct event_id)::int as events from webhook_deliveries where endpoint_id = $1', [endpoint.id]);
    expect(rows[0]).toEqual({ n: 60, events: 60 });
  });

  it('refuses bad arguments; executable by fortress_worker only', async () => {
    expect(await executors(owner, 'app.webhook_fan_out(integer,uuid)')).toEqual(['fortress_worker']);
    await asRole(app, worker, async (c) => {
      await expectRaised(c, 'select * from app.webhook_fan_out($1, $2)', [0, a.tenantId], 'BAD_USER_INPUT');
      await expectRaised(c, 'select * from app.webhook_fan_out($1, $2)', [10_001, a.tenantId], 'BAD_USER_INPUT');
    });
    for (const role of ['fortress_user', 'fortress_partner', 'fortress_support', 'fortress_anonymous'] as const) {
      await asRole(app, { role, tenantId: a.tenantId, userId: a.owner }, (c) => expectSqlError(c, 'select * from app.webhook_fan_out(10, $1)', [a.tenantId], '42501'));
    }
  });
});
