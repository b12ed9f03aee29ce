// Plumbing for the webhook tests (SQL, relay, API): endpoints and outbox
// events written by the schema owner, deliveries read back as the owner, and
// a real HTTP receiver on 127.0.0.1 (node:http) that records what it got.
// Every test names its own event types (`probeType()`), so the tenant's
// other events (fixtures, other tests) never reach its endpoints.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import type { TenantFixture } from './fixtures.js';

export const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** A PascalCase event type no other test uses. */
export const probeType = () => `Probe${randomBytes(5).toString('hex')}`;

/** An endpoint of the tenant, registered by its admin (enabled, every event type unless given). */
export async function newEndpoint(
  owner: pg.Pool,
  fx: TenantFixture,
  opts: { url?: string; eventTypes?: string[]; enabled?: boolean; secret?: string } = {},
) {
  const secret = opts.secret ?? newSecret();
  const enabled = opts.enabled ?? true;
  const { rows } = await owner.query(
    `insert into webhook_endpoints (tenant_id, url, event_types, secret, enabled, disabled_at, created_by)
     values ($1, $2, $3, $4, $5, case when $5 then null else now() end, $6) returning id`,
    [fx.tenantId, opts.url ?? 'https://hooks.example.com/probe', opts.eventTypes ?? [], secret, enabled, fx.admin],
  );
  return { id: rows[0].id as string, secret };
}

/** An outbox event of the tenant, as a domain write records it (pending). */
export async function newEvent(owner: pg.Pool, fx: TenantFixture, eventType: string, payload: object = { probe: true }) {
  const { rows } = await owner.query(
    `insert into events_outbox (tenant_id, aggregate, aggregate_id, event_type, payload)
     values ($1, 'probe', gen_random_uuid(), $2, $3) returning id::text, event_id, aggregate_id, occurred_at`,
    [fx.tenantId, eventType, JSON.stringify(payload)],
  );
  return rows[0] as { id: string; event_id: string; aggregate_id: string; occurred_at: Date };
}

export interface DeliveryRow {
  id: string;
  status: string;
  attempts: number;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
}

/** The delivery of an event to an endpoint, read as the owner (undefined when there is none). */
export async function deliveryOf(owner: pg.Pool, endpointId: string, eventId: string): Promise<DeliveryRow | undefined> {
  const { rows } = await owner.query<DeliveryRow>(
    `select id, status::text, attempts, next_attempt_at, last_attempt_at, last_status_code, last_error, delivered_at
       from webhook_deliveries where endpoint_id = $1 and event_id = $2`,
    [endpointId, eventId],
  );
  return rows[0];
}

/** Makes deliveries due now (as the owner), so a test need not wait out a backoff. */
export const makeDue = (owner: pg.Pool, ids: string[]) =>
  owner.query(`update webhook_deliveries set next_attempt_at = now() where id = any($1::uuid[]) and status in ('pending', 'delivering')`, [ids]);

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

/** What a receiver answers: a status code, or one with headers. */
type Answer = number | { status: number; headers: Record<string, string> };

/**
 * A webhook receiver on 127.0.0.1: records every request and answers with
 * `respond(request)` (200 unless set); `delayMs` holds each answer back.
 */
export async function startReceiver(opts: { respond?: (r: Received) => Answer; delayMs?: number } = {}) {
  const received: Received[] = [];
  let respond = opts.respond ?? (() => 200);
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      received.push(r);
      setTimeout(() => {
        inFlight -= 1;
        const answer = respond(r);
        const { status, headers } = typeof answer === 'number' ? { status: answer, headers: {} } : answer;
        res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(status >= 300 ? `receiver says ${status}` : 'ok');
      }, opts.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    /** Most requests the receiver was handling at once. */
    maxInFlight: () => maxInFlight,
    setResponse: (fn: (r: Received) => Answer) => void (respond = fn),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
