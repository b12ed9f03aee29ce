// Prometheus metrics (GET /metrics). One prom-client Registry per Yoga
// instance (several live side by side in the tests), holding:
// - @graphql-yoga/plugin-prometheus' series: GraphQL operations and their
//   duration by operation, HTTP duration by operation and status code, errors
//   by phase;
// - ours (fortress_*): error codes, sign-in failures, rate-limited requests,
//   the pool, the wait for a request transaction's connection, the outbox and
//   job queue backlogs;
// - Node's process metrics (prom-client's defaults: CPU, memory, event loop lag, GC).
//
// Nothing here costs the request path a database round trip: the pool gauges
// read pg's counters and the queue figures come from one query
// (app.metrics_snapshot, sql/functions/metrics.sql) run when Prometheus
// scrapes, and at most once every few seconds however often it does.
//
// Operation names come from the client. A label per distinct name would let
// any caller grow the registry without bound, so only the first
// MAX_OPERATION_NAMES distinct well-formed names get their own series; the
// rest are counted as "other".
import { createHash, timingSafeEqual } from 'node:crypto';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createCounter, createHistogram, usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import type { Database } from './db/client.js';
import type { Logger } from './log.js';

export const MAX_OPERATION_NAMES = 500;
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

/** Which limiter refused a request (src/auth/limits.ts). */
export type LimiterName = 'sign_in_address' | 'sign_in_account' | 'sign_in_account_address' | 'partner_client' | 'oauth_token_address';

export interface MetricsOptions {
  /** Bearer token a scrape must send (METRICS_TOKEN); compared in constant time. */
  token?: string;
  /** Without a token: serve /metrics to anyone (development only), else answer 404. */
  open?: boolean;
  /** How long one queue snapshot is reused, in milliseconds (default 5 s). */
  snapshotTtlMs?: number;
  /** Distinct operation names given series of their own (default MAX_OPERATION_NAMES); later ones count as "other". */
  maxOperationNames?: number;
}

export type Metrics = ReturnType<typeof createMetrics>;

interface Snapshot {
  outbox_pending: string;
  outbox_oldest_pending_seconds: number;
  webhook_due: string;
  webhook_oldest_due_seconds: number;
  jobs_due: string | null;
  jobs_oldest_due_seconds: number | null;
}

export function createMetrics(database: Database, opts: Pick<MetricsOptions, 'snapshotTtlMs' | 'maxOperationNames'> & { log?: Logger } = {}) {
  const maxNames = opts.maxOperationNames ?? MAX_OPERATION_NAMES;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const names = new Set<string>();
  const operationLabel = (name: unknown) => {
    if (typeof name !== 'string' || !name) return 'Anonymous';
    if (names.has(name)) return name;
    if (!OPERATION_NAME.test(name) || names.size >= maxNames) return 'other';
    names.add(name);
    return name;
  };

  const errors = new Counter({
    name: 'fortress_graphql_errors_total',
    help: 'GraphQL errors returned to clients, by extensions.code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const loginFailures = new Counter({
    name: 'fortress_login_failures_total',
    help: 'Failed sign-ins (INVALID_CREDENTIALS), by the field that refused them; partner clients refused by POST /oauth/token count as oauth_token',
    labelNames: ['via'] as const,
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'fortress_rate_limited_total',
    help: 'Requests refused by a rate limit, by limiter',
    labelNames: ['limiter'] as const,
    registers: [registry],
  });
  const executionPath = new Counter({
    name: 'fortress_execution_path_total',
    help: 'GraphQL requests by how they were answered: compiled (one SQL statement, src/compiled/) or pothos (the ordinary path)',
    labelNames: ['path'] as const,
    registers: [registry],
  });
  const transactionWait = new Histogram({
    name: 'fortress_db_transaction_wait_seconds',
    help: 'Time from asking for a request transaction until its first statement runs (waiting for a pooled connection)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const pool = database.pool;
  const poolGauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  poolGauge('fortress_db_pool_connections', 'Connections the server pool holds (in use and idle)', () => pool.totalCount);
  poolGauge('fortress_db_pool_idle_connections', 'Pooled connections idle', () => pool.idleCount);
  poolGauge('fortress_db_pool_in_use_connections', 'Pooled connections checked out (a request transaction each)', () => pool.totalCount - pool.idleCount);
  poolGauge('fortress_db_pool_waiting_requests', 'Requests waiting for a pooled connection', () => pool.waitingCount);

  // The queue snapshot: one query, shared by the gauges below, reused for snapshotTtlMs.
  const ttl = opts.snapshotTtlMs ?? 5_000;
  let cached: { at: number; value: Promise<Snapshot | undefined> } | undefined;
  const snapshot = () => {
    const now = Date.now();
    if (!cached || now - cached.at >= ttl) {
      cached = {
        at: now,
        value: pool.query<Snapshot>('select * from app.metrics_snapshot()').then(
          (r) => r.rows[0],
          (e: Error) => {
            opts.log?.warn({ err: e }, 'metrics: queue snapshot failed');
            return undefined;
          },
        ),
      };
    }
    return cached.value;
  };
  const up = new Gauge({
    name: 'fortress_queue_metrics_up',
    help: '1 when the last queue snapshot (outbox, webhooks, jobs) could be read, else 0 and the queue gauges are absent',
    registers: [registry],
    async collect() {
      this.set((await snapshot()) ? 1 : 0);
    },
  });
  void up;
  const queueGauge = (name: string, help: string, read: (s: Snapshot) => string | number | null) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const s = await snapshot();
        const value = s ? read(s) : null;
        if (value === null) this.reset();
        else this.set(Number(value));
      },
    });
  queueGauge('fortress_outbox_pending_events', 'Outbox events not yet handed to the webhook relay', (s) => s.outbox_pending);
  queueGauge('fortress_outbox_oldest_pending_seconds', 'Age of the oldest pending outbox event (0 when none)', (s) => s.outbox_oldest_pending_seconds);
  queueGauge('fortress_webhook_due_deliveries', 'Webhook deliveries due now (first attempts and retries)', (s) => s.webhook_due);
  queueGauge('fortress_webhook_oldest_due_seconds', 'How long the earliest due webhook delivery has been waiting (worker lag; 0 when none)', (s) => s.webhook_oldest_due_seconds);
  queueGauge('fortress_jobs_due', 'graphile-worker jobs due now and not taken by a worker', (s) => s.jobs_due);
  queueGauge('fortress_jobs_oldest_due_seconds', 'How long the earliest due job has been waiting (worker lag; 0 when none)', (s) => s.jobs_oldest_due_seconds);

  // @graphql-yoga/plugin-prometheus' series, with bounded operation names and no
  // `url` or `path` labels (a URL's query string and a response path's list
  // indexes are unbounded too).
  const operation = (p: { operationName?: unknown; operationType?: unknown }) => ({
    operationName: operationLabel(p.operationName),
    operationType: typeof p.operationType === 'string' ? p.operationType : 'unknown',
  });
  const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  const graphql_envelop_request = createCounter<'execute' | 'subscribe', 'operationType' | 'operationName'>({
    registry,
    counter: { name: 'graphql_envelop_request', help: 'GraphQL operations executed, by operation', labelNames: ['operationType', 'operationName'] },
    fillLabelsFn: operation,
  });
  const graphql_envelop_request_duration = createHistogram<'execute' | 'subscribe', 'operationType' | 'operationName'>({
    registry,
    histogram: {
      name: 'graphql_envelop_request_duration',
      help: 'Time spent executing a GraphQL operation (seconds), by operation',
      labelNames: ['operationType', 'operationName'],
      buckets: durationBuckets,
    },
    fillLabelsFn: operation,
  });
  const graphql_yoga_http_duration = createHistogram<'request', 'operationType' | 'operationName' | 'method' | 'statusCode'>({
    registry,
    histogram: {
      name: 'graphql_yoga_http_duration',
      help: 'HTTP time of GraphQL requests (seconds), by operation, method and status code; its _count is the request count',
      labelNames: ['operationType', 'operationName', 'method', 'statusCode'],
      buckets: durationBuckets,
    },
    fillLabelsFn: (p, ctx) => {
      const { request, response } = ctx as unknown as { request: Request; response: Response };
      return { ...operation(p), method: request.method, statusCode: String(response.status) };
    },
  });
  const prometheus = usePrometheus({
    registry,
    endpoint: false, // served by useMetricsEndpoint, behind its token
    metrics: {
      graphql_envelop_request,
      graphql_envelop_request_duration,
      graphql_envelop_error_result: createCounter({
        registry,
        counter: {
          name: 'graphql_envelop_error_result',
          help: 'GraphQL errors by phase (parse, validate, context, execute) and operation',
          labelNames: ['operationType', 'operationName', 'phase'],
        },
        fillLabelsFn: (p) => ({ ...operation(p), phase: String((p as { errorPhase?: unknown }).errorPhase ?? 'execute') }),
      }),
      graphql_yoga_http_duration,
      graphql_envelop_phase_parse: false,
      graphql_envelop_phase_validate: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_phase_execute: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_deprecated_field: false,
      graphql_envelop_schema_change: false,
      graphql_envelop_execute_resolver: false,
    },
  });

  // The compiled read path (src/compiled/) runs no parse and no execute, so plugin-prometheus
  // sees none of its requests: they are recorded here, in the same series with the same labels.
  const started = new WeakMap<Request, number>();
  const compiledRequests = new WeakMap<Request, { operationName?: string; operationType: string }>();
  const compiledSeries: Plugin = {
    onRequest({ request }) {
      started.set(request, Date.now());
    },
    onResponse({ request, response }) {
      const served = compiledRequests.get(request);
      const start = started.get(request);
      if (!served || start === undefined) return;
      const labels = graphql_yoga_http_duration.fillLabelsFn({ ...served, request, response } as never, { request, response } as never);
      graphql_yoga_http_duration.histogram.observe(labels, (Date.now() - start) / 1000);
    },
  };

  return {
    registry,
    /** The plugin-prometheus plugin (GraphQL and HTTP series), and the same series for compiled requests. */
    prometheus: [prometheus, compiledSeries] as Plugin[],
    /** A request the compiled read path answered; its statement took `seconds`. */
    compiled: (request: Request, op: { name?: string; type: string }, seconds: number) => {
      const labels = operation({ operationName: op.name, operationType: op.type });
      graphql_envelop_request.counter.inc(labels);
      graphql_envelop_request_duration.histogram.observe(labels, seconds);
      compiledRequests.set(request, { operationName: op.name, operationType: op.type });
    },
    errorCode: (code: string) => errors.inc({ code }),
    loginFailure: (via: string) => loginFailures.inc({ via }),
    rateLimited: (limiter: LimiterName) => rateLimited.inc({ limiter }),
    transactionWait: (seconds: number) => transactionWait.observe(seconds),
    executionPath: (path: 'compiled' | 'pothos') => executionPath.inc({ path }),
  };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * GET /metrics: with a token, only for `Authorization: Bearer <token>` (401
 * otherwise); without one, to anyone when `open` (development), else not at
 * all (it falls through to Yoga's 404).
 */
export function useMetricsEndpoint(metrics: Metrics, { token, open = false }: MetricsOptions): Plugin {
  // Hashes compared, so neither the comparison's time nor its length check says anything about the token.
  const expected = token ? digest(`Bearer ${token}`) : undefined;
  return {
    async onRequest({ url, request, fetchAPI, endResponse }) {
      if (url.pathname !== '/metrics') return;
      if (!expected && !open) return;
      if (expected) {
        const given = request.headers.get('authorization') ?? '';
        if (!timingSafeEqual(digest(given), expected)) {
          endResponse(new fetchAPI.Response('Unauthorized\n', { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="metrics"', 'Cache-Control': 'no-store' } }));
          return;
        }
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new fetchAPI.Response(null, { status: 405, headers: { Allow: 'GET, HEAD' } }));
        return;
      }
      const body = await metrics.registry.metrics();
      endResponse(new fetchAPI.Response(body, { headers: { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' } }));
    },
  };
}
