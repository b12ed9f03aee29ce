// app.webhook_record_attempt(delivery, attempt, status code, error, retry in,
// max attempts): the relay records how a claimed attempt ended: 2xx
// succeeded, otherwise a retry or, after the last attempt, a dead letter;
// fenced by the attempt number. fortress_worker only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised } from './helpers.js';
import { deliveryOf, newEndpoint, newEvent, probeType } from '../../webhooks.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'record-attempt');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const worker = { role: 'fortress_worker' } as const;
const record = (id: string, attempt: number, status: number | null, error: string | null, retrySeconds: number, maxAttempts = 3) =>
  committedAs(app, worker, async (c) =>
    (await c.query<{ s: string | null }>('select app.webhook_record_attempt($1, $2, $3, $4, make_interval(secs => $5), $6) as s', [
      id, attempt, status, error, retrySeconds, maxAttempts,
    ])).rows[0]!.s);

/** A delivery claimed for its next attempt; returns its id and attempt number. */
async function claimed() {
  const type = probeType();
  const endpoint = await newEndpoint(owner, a, { eventTypes: [type] });
  const event = await newEvent(owner, a, type);
  await committedAs(app, worker, (c) => c.query('select * from app.webhook_fan_out(1000, $1)', [a.tenantId]));
  const claim = async () => {
    await owner.query('update webhook_deliveries set next_attempt_at = now() where endpoint_id = $1', [endpoint.id]);
    const { rows } = await committedAs(app, worker, (c) =>
      c.query<{ delivery_id: string; attempt: number; event_id: string }>('select delivery_id, attempt, event_id from app.webhook_claim_deliveries(100, 60, 3, $1)', [a.tenantId]));
    return rows.find((r) => r.event_id === event.event_id)!;
  };
  return { first: await claim(), claim, row: () => deliveryOf(owner, endpoint.id, event.event_id) };
}

describe('app.webhook_record_attempt', () => {
  it('2xx: succeeded, delivered, nothing more due', async () => {
    const d = await claimed();
    expect(await record(d.first.delivery_id, 1, 204, null, 30)).toBe('succeeded');
    expect(await d.row()).toMatchObject({ status: 'succeeded', attempts: 1, last_status_code: 204, last_error: null, delivered_at: expect.any(Date), next_attempt_at: null });
  });

  it('a failure is retried after the given delay, and fails for good on the last allowed attempt, keeping the last status and error', async () => {
    const d = await claimed();
    expect(await record(d.first.delivery_id, 1, 500, 'HTTP 500: down', 30)).toBe('pending');
    const row = (await d.row())!;
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500, last_error: 'HTTP 500: down', delivered_at: null });
    expect((row.next_attempt_at!.getTime() - Date.now()) / 1000).toBeGreaterThan(25);
    expect((await d.claim()).attempt).toBe(2);
    expect(await record(d.first.delivery_id, 2, null, 'ECONNREFUSED', 60)).toBe('pending');
    expect(await d.row()).toMatchObject({ last_status_code: null, last_error: 'ECONNREFUSED' });
    expect((await d.claim()).attempt).toBe(3);
    expect(await record(d.first.delivery_id, 3, 503, null, 120)).toBe('failed');
    expect(await d.row()).toMatchObject({ status: 'failed', attempts: 3, last_status_code: 503, last_error: 'HTTP 503', next_attempt_at: null });
  });

  it('a stale attempt (the delivery was claimed again since) changes nothing', async () => {
    const d = await claimed();
    const again = await d.claim(); // the lease "ran out" and another worker took it
    expect(again.attempt).toBe(2);
    expect(await record(d.first.delivery_id, 1, 200, null, 0)).toBeNull();
    expect(await d.row()).toMatchObject({ status: 'delivering', attempts: 2, delivered_at: null });
    expect(await record(d.first.delivery_id, 2, 200, null, 0)).toBe('succeeded');
    // Recorded once: a repeat is stale too.
    expect(await record(d.first.delivery_id, 2, 500, 'late', 0)).toBeNull();
    expect(await d.row()).toMatchObject({ status: 'succeeded', last_status_code: 200 });
  });

  it('refuses bad arguments; executable by fortress_worker only', async () => {
    expect(await executors(owner, 'app.webhook_record_attempt(uuid,integer,integer,text,interval,integer)')).toEqual(['fortress_worker']);
    const d = await claimed();
    await asRole(app, worker, async (c) => {
      const sql = 'select app.webhook_record_attempt($1, $2, $3, $4, $5::interval, $6)';
      for (const args of [
        [0, 200, null, '1 minute', 3], [1, 99, null, '1 minute', 3], [1, 600, null, '1 minute', 3], [1, null, null, '1 minute', 3],
        [1, 500, null, '-1 second', 3], [1, 500, null, '8 days', 3], [1, 500, null, '1 minute', 0],
      ]) {
        await expectRaised(c, sql, [d.first.delivery_id, ...args], 'BAD_USER_INPUT');
      }
    });
    await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: a.owner }, (c) =>
      expectSqlError(c, `select app.webhook_record_attempt($1, 1, 200, null, interval '0', 3)`, [d.first.delivery_id], '42501'));
    expect(await d.row()).toMatchObject({ status: 'delivering', attempts: 1 });
  });
});
