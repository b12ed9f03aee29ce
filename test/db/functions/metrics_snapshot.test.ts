// app.metrics_snapshot(): the queue figures GET /metrics reports
// (sql/functions/metrics.sql). The server's login reads no table, so this
// definer function is its one window on the outbox, the webhook deliveries
// and the job queue: counts and ages across every tenant, nothing else.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { executors } from './helpers.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'metrics-snapshot');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const snapshot = async () => (await app.query('select * from app.metrics_snapshot()')).rows;

describe('app.metrics_snapshot', () => {
  it('is executable by the server login only, no request role and not the worker', async () => {
    expect(await executors(owner, 'app.metrics_snapshot()')).toEqual(['fortress_authenticator']);
    for (const role of ['fortress_anonymous', 'fortress_user', 'fortress_partner', 'fortress_support', 'fortress_worker'] as const) {
      await asRole(app, { role, tenantId: a.tenantId, userId: a.owner }, (c) => expectSqlError(c, 'select * from app.metrics_snapshot()', [], '42501'));
    }
  });

  it('returns one row of counts and ages, with no tenant id or payload', async () => {
    const rows = await snapshot();
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]).sort()).toEqual([
      'jobs_due', 'jobs_oldest_due_seconds', 'outbox_oldest_pending_seconds', 'outbox_pending', 'webhook_due', 'webhook_oldest_due_seconds',
    ]);
  });

  it('counts a pending outbox event and a due delivery, with their ages and not a delivery whose endpoint is paused', async () => {
    const { rows: ev } = await owner.query<{ id: string; event_id: string }>(
      `insert into events_outbox (tenant_id, aggregate, event_type, payload, occurred_at) values ($1, 'probe', 'SnapshotProbe', '{}', now() - interval '90 minutes') returning id, event_id`,
      [a.tenantId],
    );
    const { rows: hook } = await owner.query<{ id: string }>(
      `insert into webhook_endpoints (tenant_id, url, event_types, secret, created_by) values ($1, 'https://hooks.example.com/snapshot', '{}', $2, $3) returning id`,
      [a.tenantId, `whsec_${randomBytes(32).toString('base64')}`, a.admin],
    );
    const { rows: delivery } = await owner.query<{ id: string }>(
      `insert into webhook_deliveries (tenant_id, endpoint_id, outbox_id, event_id, next_attempt_at) values ($1, $2, $3, $4, now() - interval '100 minutes') returning id`,
      [a.tenantId, hook[0]!.id, ev[0]!.id, ev[0]!.event_id],
    );
    try {
      const [s] = await snapshot();
      expect(Number(s.outbox_pending)).toBeGreaterThanOrEqual(1);
      expect(s.outbox_oldest_pending_seconds).toBeGreaterThanOrEqual(90 * 60);
      expect(Number(s.webhook_due)).toBeGreaterThanOrEqual(1);
      expect(s.webhook_oldest_due_seconds).toBeGreaterThanOrEqual(100 * 60);
      // A disabled endpoint's deliveries wait on purpose: not lag.
      await owner.query('update webhook_endpoints set enabled = false where id = $1', [hook[0]!.id]);
      expect((await snapshot())[0].webhook_oldest_due_seconds).toBeLessThan(100 * 60);
    } finally {
      await owner.query('delete from webhook_deliveries where id = $1', [delivery[0]!.id]);
      await owner.query(`update events_outbox set status = 'sent', sent_at = now() where id = $1`, [ev[0]!.id]);
    }
    // (That the outbox age falls once the event is relayed is checked through GET /metrics, test/api/metrics.test.ts.)
  });
});
