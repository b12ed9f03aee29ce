// The webhook relay (src/jobs/webhooks.ts) end to end: outbox rows fanned out
// and POSTed over real HTTP to receivers started here (node:http on
// 127.0.0.1), signatures checked with the `standardwebhooks` verifier, as
// fortress_worker through the server's login, by direct calls and by real
// graphile-worker runners. Every run names its tenant (test files share one
// database) and every test its own event types.
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { authenticatorPool, ownerPool } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { committedAs } from '../db/functions/helpers.js';
import { deliveryOf, makeDue, newEndpoint, newEvent, newSecret, probeType, startReceiver } from '../webhooks.js';
import { deliverDue, fanOut, MAX_RETRY_SECONDS, retryDelaySeconds, webhookTasks, type Query, type WebhookRelayConfig } from '../../src/jobs/webhooks.js';
import { destinationAgents } from '../../src/webhooks/destination.js';
import { startJobWorker, workerConnectionString, type JobWorker } from '../../src/jobs/worker.js';

let owner: pg.Pool;
let app: pg.Pool;
/** Connections as fortress_worker, the relay's role. */
let queue: pg.Pool;
let query: Query;
let receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];
let workers: JobWorker[] = [];

/** The relay as the tests run it: local receivers allowed, short timeouts, no poll. */
const DEV: WebhookRelayConfig = { maxAttempts: 4, retryBaseSeconds: 30, timeoutMs: 2_000, pollSeconds: 0, allowPrivate: true };
const PROD: WebhookRelayConfig = { ...DEV, allowPrivate: false };
const devAgents = destinationAgents(true);
const prodAgents = destinationAgents(false);

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  queue = new pg.Pool({ connectionString: workerConnectionString(inject('authenticatorUrl')), max: 4 });
  query = (text, values) => queue.query(text, values);
});
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await Promise.all(receivers.map((r) => r.close()));
  workers = [];
  receivers = [];
});
afterAll(async () => {
  await queue.end();
  await app.end();
  await owner.end();
});

async function receiver(opts: Parameters<typeof startReceiver>[0] = {}) {
  const r = await startReceiver(opts);
  receivers.push(r);
  return r;
}

/** One relay round for the tenant: fan out, then deliver what is due. */
async function relay(fx: TenantFixture, config = DEV, agents = devAgents) {
  await fanOut(query, { tenantId: fx.tenantId });
  return deliverDue(query, config, agents, { tenantId: fx.tenantId });
}

const verified = (secret: string, r: { body: string; headers: Record<string, unknown> }) =>
  new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { type: string; timestamp: string; data: Record<string, unknown> };

describe('delivery', () => {
  it('delivers each event once to a healthy endpoint, signed per Standard Webhooks (the standardwebhooks verifier accepts it)', async () => {
    const t = await createTenant(owner, 'wh-healthy');
    const rx = await receiver();
    const type = probeType();
    const endpoint = await newEndpoint(owner, t, { url: rx.url, eventTypes: [type] });
    const events = [await newEvent(owner, t, type, { n: 1, amount: '12345678901234.123456' }), await newEvent(owner, t, type, { n: 2 })];

    expect(await relay(t)).toEqual({ succeeded: 2, retrying: 0, failed: 0 });
    expect(rx.received).toHaveLength(2);
    for (const r of rx.received) {
      const event = events.find((e) => e.event_id === r.headers['webhook-id'])!;
      expect(event, 'webhook-id is the outbox event id').toBeDefined();
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['webhook-timestamp']).toMatch(/^\d{10}$/);
      expect(r.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(verified(endpoint.secret, r)).toEqual({
        type,
        timestamp: event.occurred_at.toISOString(),
        data: {
          eventId: event.event_id, aggregate: 'probe', aggregateId: event.aggregate_id, tenantId: t.tenantId,
          occurredAt: event.occurred_at.toISOString(), schemaVersion: 1, payload: expect.any(Object),
        },
      });
      // A wrong secret does not verify: the check above can fail.
      expect(() => verified(newSecret(), r)).toThrow(/No matching signature/);
    }
    expect(verified(endpoint.secret, rx.received.find((r) => r.headers['webhook-id'] === events[0]!.event_id)!).data.payload)
      .toEqual({ n: 1, amount: '12345678901234.123456' });
    for (const e of events) {
      expect(await deliveryOf(owner, endpoint.id, e.event_id)).toMatchObject({
        status: 'succeeded', attempts: 1, last_status_code: 200, last_error: null, delivered_at: expect.any(Date), next_attempt_at: null,
      });
    }
    // Once: nothing is sent again.
    expect(await relay(t)).toEqual({ succeeded: 0, retrying: 0, failed: 0 });
    expect(rx.received).toHaveLength(2);
  });

  it('retries a failing endpoint (500) with a growing, jittered delay and fails it for good after the last attempt, keeping status and error', async () => {
    const t = await createTenant(owner, 'wh-failing');
    const rx = await receiver({ respond: () => 500 });
    const type = probeType();
    const endpoint = await newEndpoint(owner, t, { url: rx.url, eventTypes: [type] });
    const event = await newEvent(owner, t, type);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= DEV.maxAttempts; attempt += 1) {
      const result = await relay(t);
      const row = (await deliveryOf(owner, endpoint.id, event.event_id))!;
      expect(row).toMatchObject({ attempts: attempt, last_status_code: 500, last_error: 'HTTP 500: receiver says 500', delivered_at: null });
      if (attempt < DEV.maxAttempts) {
        expect(result).toEqual({ succeeded: 0, retrying: 1, failed: 0 });
        expect(row.status).toBe('pending');
        const wait = (row.next_attempt_at!.getTime() - row.last_attempt_at!.getTime()) / 1000;
        // 30 s · 2^(attempt − 1), ±20%.
        expect(wait).toBeGreaterThanOrEqual(30 * 2 ** (attempt - 1) * 0.8 - 1);
        expect(wait).toBeLessThanOrEqual(30 * 2 ** (attempt - 1) * 1.2 + 1);
        waits.push(wait);
        // Not due yet: another round sends nothing.
        expect(await relay(t)).toEqual({ succeeded: 0, retrying: 0, failed: 0 });
        await makeDue(owner, [row.id]);
      } else {
        expect(result).toEqual({ succeeded: 0, retrying: 0, failed: 1 });
        expect(row).toMatchObject({ status: 'failed', next_attempt_at: null });
      }
    }
    expect(waits).toHaveLength(DEV.maxAttempts - 1);
    for (let i = 1; i < waits.length; i += 1) expect(waits[i]!, `wait ${i + 1} > wait ${i}`).toBeGreaterThan(waits[i - 1]!);
    // Every attempt carried the same webhook-id; a dead letter is not retried.
    expect(rx.received.map((r) => r.headers['webhook-id'])).toEqual(Array(DEV.maxAttempts).fill(event.event_id));
    await makeDue(owner, [(await deliveryOf(owner, endpoint.id, event.event_id))!.id]);
    expect(await relay(t)).toEqual({ succeeded: 0, retrying: 0, failed: 0 });
    expect(rx.received).toHaveLength(DEV.maxAttempts);
  });

  it('an endpoint that does not answer in time, or answers 429 with Retry-After, or redirects, is retried with the reason recorded', async () => {
    const t = await createTenant(owner, 'wh-slow');
    const slow = await receiver({ delayMs: 1_000 });
    const limited = await receiver({ respond: () => ({ status: 429, headers: { 'retry-after': '3600' } }) });
    const moved = await receiver({ respond: () => 301 });
    const type = probeType();
    const endpoints = await Promise.all([slow, limited, moved].map((rx) => newEndpoint(owner, t, { url: rx.url, eventTypes: [type] })));
    const event = await newEvent(owner, t, type);
    expect(await relay(t, { ...DEV, timeoutMs: 200 })).toEqual({ succeeded: 0, retrying: 3, failed: 0 });
    const [s, l, m] = await Promise.all(endpoints.map((e) => deliveryOf(owner, e.id, event.event_id)));
    expect(s).toMatchObject({ status: 'pending', last_status_code: null, last_error: 'No response within 200 ms' });
    expect(l).toMatchObject({ status: 'pending', last_status_code: 429, last_error: 'HTTP 429: receiver says 429' });
    // Retry-After (an hour) wins over the first backoff (30 s ± 20%).
    expect((l!.next_attempt_at!.getTime() - l!.last_attempt_at!.getTime()) / 1000).toBeGreaterThanOrEqual(3599);
    expect(m).toMatchObject({ status: 'pending', last_status_code: 301, last_error: expect.stringMatching(/^HTTP 301 \(redirects are not followed\)/) });
  });

  it('a redelivery sends the same webhook-id and body, signed afresh', async () => {
    const t = await createTenant(owner, 'wh-redeliver');
    const rx = await receiver();
    const type = probeType();
    const endpoint = await newEndpoint(owner, t, { url: rx.url, eventTypes: [type] });
    const event = await newEvent(owner, t, type);
    await relay(t);
    const delivery = (await deliveryOf(owner, endpoint.id, event.event_id))!;
    expect(delivery.status).toBe('succeeded');
    await committedAs(app, { role: 'fortress_user', tenantId: t.tenantId, userId: t.admin }, (c) => c.query('select app.redeliver_webhook($1)', [delivery.id]));
    expect(await relay(t)).toEqual({ succeeded: 1, retrying: 0, failed: 0 });
    expect(rx.received).toHaveLength(2);
    const [first, second] = rx.received;
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(second!.headers['webhook-id']).toBe(event.event_id);
    expect(second!.body).toBe(first!.body);
    expect(verified(endpoint.secret, second!).data.eventId).toBe(event.event_id);
    expect(await deliveryOf(owner, endpoint.id, event.event_id)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('after a secret rotation each delivery carries two signatures, and either secret verifies it', async () => {
    const t = await createTenant(owner, 'wh-rotate');
    const rx = await receiver();
    const type = probeType();
    const endpoint = await newEndpoint(owner, t, { url: rx.url, eventTypes: [type] });
    const rotated = newSecret();
    await owner.query('update webhook_endpoints set secret = $2 where id = $1', [endpoint.id, rotated]);
    await newEvent(owner, t, type);
    await relay(t);
    const [r] = rx.received;
    expect(String(r!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verified(rotated, r!).type).toBe(type);
    expect(verified(endpoint.secret, r!).type).toBe(type);
  });
});

describe('destinations (SSRF)', () => {
  it('outside development, http and private, loopback and link-local destinations are refused before any request (control: allowed in development)', async () => {
    const t = await createTenant(owner, 'wh-ssrf');
    const rx = await receiver();
    const type = probeType();
    const urls = [
      rx.url, // http
      `https://127.0.0.1:${rx.port}/hooks`, // loopback literal
      `https://localhost:${rx.port}/hooks`, // a name that resolves to loopback: refused at the connection's own lookup
      `https://[::1]:${rx.port}/hooks`,
      'https://169.254.169.254/latest/meta-data', // link-local (cloud metadata)
      'https://10.0.0.1/hooks',
      'https://[::ffff:127.0.0.1]/hooks',
    ];
    const endpoints = [];
    for (const url of urls) endpoints.push(await newEndpoint(owner, t, { url, eventTypes: [type] }));
    const event = await newEvent(owner, t, type);
    expect(await relay(t, PROD, prodAgents)).toEqual({ succeeded: 0, retrying: urls.length, failed: 0 });
    expect(rx.received).toEqual([]);
    for (const [i, e] of endpoints.entries()) {
      const row = (await deliveryOf(owner, e.id, event.event_id))!;
      expect(row.last_error, urls[i]).toMatch(/^Destination refused: /);
      expect(row.last_status_code).toBeNull();
    }
    expect((await deliveryOf(owner, endpoints[0]!.id, event.event_id))!.last_error).toBe('Destination refused: the URL must use https');
    expect((await deliveryOf(owner, endpoints[1]!.id, event.event_id))!.last_error).toBe(
      'Destination refused: 127.0.0.1, which is a private, loopback, link-local or reserved address (WEBHOOK_ALLOW_PRIVATE is off)',
    );
    expect((await deliveryOf(owner, endpoints[2]!.id, event.event_id))!.last_error).toMatch(
      /^Destination refused: localhost resolves to (127\.0\.0\.1|::1), which is a private/,
    );
    // Control: in development the same http endpoint is delivered to.
    await owner.query('update webhook_endpoints set enabled = false where id = any($1::uuid[])', [endpoints.slice(1).map((e) => e.id)]);
    await makeDue(owner, [(await deliveryOf(owner, endpoints[0]!.id, event.event_id))!.id]);
    expect(await relay(t, DEV, devAgents)).toEqual({ succeeded: 1, retrying: 0, failed: 0 });
    expect(rx.received).toHaveLength(1);
  });
});

describe('the retry schedule', () => {
  it('doubles from the base with ±20% jitter, capped at 6 hours', () => {
    expect(retryDelaySeconds(1, 30, () => 0.5)).toBe(30);
    expect(retryDelaySeconds(2, 30, () => 0.5)).toBe(60);
    expect(retryDelaySeconds(3, 30, () => 0)).toBeCloseTo(96);
    expect(retryDelaySeconds(3, 30, () => 1)).toBeCloseTo(144);
    expect(retryDelaySeconds(40, 30, () => 1)).toBe(MAX_RETRY_SECONDS);
    const jittered = new Set(Array.from({ length: 20 }, () => retryDelaySeconds(4, 30)));
    expect(jittered.size).toBeGreaterThan(1);
  });
});

describe('with graphile-worker runners', () => {
  it('two runners never deliver the same event twice: every event reaches the endpoint exactly once', async () => {
    const t = await createTenant(owner, 'wh-runners');
    const rx = await receiver({ delayMs: 20 });
    const type = probeType();
    const endpoint = await newEndpoint(owner, t, { url: rx.url, eventTypes: [type] });
    const events = [];
    for (let i = 0; i < 40; i += 1) events.push(await newEvent(owner, t, type, { i }));
    // The relay's tasks only: test/jobs/worker.test.ts runs runners on the same queue at the
    // same time, and a runner takes any queued job whose task it knows.
    const taskList = webhookTasks(DEV);
    const succeeded: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      const w = await startJobWorker({ url: inject('authenticatorUrl'), concurrency: 3, taskList, crontab: '', pollInterval: 200, log: { info() {}, warn() {}, error() {} } });
      w.runner.events.on('job:success', ({ job }) => succeeded.push(job.task_identifier));
      workers.push(w);
    }
    const [w0, w1] = workers;
    // The fan-out starts a delivery run itself; extra runs on both runners, in small batches, compete for the same rows.
    await w0!.runner.addJob('webhook_fan_out', { tenantId: t.tenantId });
    for (let i = 0; i < 6; i += 1) await (i % 2 ? w1 : w0)!.runner.addJob('webhook_deliver', { tenantId: t.tenantId, limit: 3 });
    for (const until = Date.now() + 20_000; Date.now() < until; ) {
      const { rows } = await owner.query(`select count(*)::int as n from webhook_deliveries where endpoint_id = $1 and status = 'succeeded'`, [endpoint.id]);
      if (rows[0].n === events.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // Let any stray attempt land before counting.
    await new Promise((r) => setTimeout(r, 300));
    const ids = rx.received.map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(events.length);
    expect(new Set(ids)).toEqual(new Set(events.map((e) => e.event_id)));
    expect(succeeded).toContain('webhook_fan_out');
    expect(succeeded.filter((s) => s === 'webhook_deliver').length).toBeGreaterThanOrEqual(6);
    for (const e of events.slice(0, 3)) expect(await deliveryOf(owner, endpoint.id, e.event_id)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });
});
