// GET /metrics (src/metrics.ts): Prometheus text behind METRICS_TOKEN, with
// the request, error, sign-in, rate-limit, pool, transaction-wait and queue
// series an operator scrapes.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { hashPassword } from '../../src/auth/passwords.js';
import { loadEnv } from '../../src/config.js';
import { createLog, logOptionsFromEnv } from '../../src/log.js';
import { workerConnectionString } from '../../src/jobs/worker.js';
import { count, errorCodes, gql, ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';

const TOKEN = `metrics-${randomBytes(24).toString('base64url')}`;
const PASSWORD = 'metrics-test-passphrase-' + randomBytes(4).toString('hex');

let owner: pg.Pool;
let app: Awaited<ReturnType<typeof testApp>>;
let t: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  // Every scrape reads the queues afresh (snapshotTtlMs 0); one sign-in attempt per address a minute.
  app = await testApp({ metrics: { token: TOKEN, snapshotTtlMs: 0 }, authPolicy: { perAddressPerMinute: 1 } });
  t = await createTenant(owner, 'metrics', { passwordHash: await hashPassword(PASSWORD) });
});
afterAll(async () => {
  await app.close();
  await owner.end();
});

const scrape = (yoga = app.yoga, authorization?: string) =>
  yoga.fetch('http://fortress.test/metrics', { headers: authorization ? { authorization } : {} });

/** Every sample of the exposition text: `name{labels} value`. */
function samples(text: string) {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(l)!;
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]));
      return { name: m[1]!, labels, value: Number(m[3]) };
    });
}
/** The value of the one sample of `name` whose labels include `labels`. */
function value(text: string, name: string, labels: Record<string, string> = {}) {
  const found = samples(text).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  expect(found, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  return found[0]!.value;
}

describe('GET /metrics protection', () => {
  it('answers 401 without the token or with a wrong one, 200 with it', async () => {
    const none = await scrape();
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await scrape(app.yoga, `Bearer ${TOKEN}x`)).status).toBe(401);
    expect((await scrape(app.yoga, `Bearer ${TOKEN.slice(0, -1)}`)).status).toBe(401);
    expect((await scrape(app.yoga, TOKEN)).status).toBe(401);
    const ok = await scrape(app.yoga, `Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await ok.text()).toMatch(/^# HELP /m);
  });

  it('without a token is not served outside development (404), and is open in development', async () => {
    const production = await testApp();
    const development = await testApp({ development: true, metrics: { open: true } });
    try {
      expect((await scrape(production.yoga)).status).toBe(404);
      expect((await scrape(production.yoga, 'Bearer anything')).status).toBe(404);
      // Control: the same app answers GraphQL, so the 404 is the metrics endpoint's absence.
      expect((await gql(production.yoga, 'query MetricsProbe { __typename }')).data).toEqual({ __typename: 'Query' });
      const open = await scrape(development.yoga);
      expect(open.status).toBe(200);
      expect(await open.text()).toContain('fortress_db_pool_connections');
    } finally {
      await production.close();
      await development.close();
    }
  });
});

describe('series', () => {
  it('count requests by operation and status, error codes, sign-in failures, rate limits, the pool and the transaction wait', async () => {
    const ip = `198.51.100.${1 + Math.floor(Math.random() * 200)}`;
    // A success.
    const ok = await gql(app.yoga, 'query MetricsAccounts { accounts { totalCount } }', { token: await t.token('x') });
    expect(ok.errors).toBeUndefined();
    // BAD_USER_INPUT.
    const bad = await gql(app.yoga, 'query MetricsBadPage { accounts(first: -1) { totalCount } }', { token: await t.token('x') });
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
    // A failed login, then a second attempt from the same address: rate limited (1 a minute).
    const LOGIN = 'mutation MetricsLogin($input: LoginInput!) { login(input: $input) { accessToken } }';
    const input = { tenantSlug: t.slug, email: `x@${t.slug}.test`, password: 'not-the-password-at-all' };
    expect(errorCodes(await gql(app.yoga, LOGIN, { variables: { input }, ip }))).toEqual(['INVALID_CREDENTIALS']);
    const limited = await gql(app.yoga, LOGIN, { variables: { input }, ip });
    expect(errorCodes(limited)).toEqual(['RATE_LIMITED']);
    expect(limited.status).toBe(429);

    const text = await (await scrape(app.yoga, `Bearer ${TOKEN}`)).text();
    // Requests by operation and status (the plugin's HTTP histogram: its _count is the request count).
    expect(value(text, 'graphql_yoga_http_duration_count', { operationName: 'MetricsAccounts', statusCode: '200', method: 'POST', operationType: 'query' })).toBe(1);
    expect(value(text, 'graphql_yoga_http_duration_count', { operationName: 'MetricsLogin', statusCode: '429' })).toBe(1);
    expect(value(text, 'graphql_yoga_http_duration_count', { operationName: 'MetricsLogin', statusCode: '200' })).toBe(1);
    expect(value(text, 'graphql_yoga_http_duration_sum', { operationName: 'MetricsAccounts', statusCode: '200' })).toBeGreaterThan(0);
    expect(value(text, 'graphql_envelop_request', { operationName: 'MetricsAccounts', operationType: 'query' })).toBe(1);
    expect(value(text, 'graphql_envelop_request_duration_count', { operationName: 'MetricsAccounts' })).toBe(1);
    // No url label (unbounded): the series are keyed by operation, method and status only.
    expect(text).not.toMatch(/url="/);
    // Error codes.
    expect(value(text, 'fortress_graphql_errors_total', { code: 'BAD_USER_INPUT' })).toBe(1);
    expect(value(text, 'fortress_graphql_errors_total', { code: 'INVALID_CREDENTIALS' })).toBe(1);
    expect(value(text, 'fortress_graphql_errors_total', { code: 'RATE_LIMITED' })).toBe(1);
    expect(value(text, 'graphql_envelop_error_result', { operationName: 'MetricsBadPage' })).toBeGreaterThanOrEqual(1);
    // Sign-in failures by field, rate-limited requests by limiter.
    expect(value(text, 'fortress_login_failures_total', { via: 'login' })).toBe(1);
    expect(value(text, 'fortress_rate_limited_total', { limiter: 'sign_in_address' })).toBe(1);
    // The pool: it has opened connections, none waiting now.
    expect(value(text, 'fortress_db_pool_connections')).toBeGreaterThan(0);
    expect(value(text, 'fortress_db_pool_idle_connections')).toBeGreaterThan(0);
    expect(value(text, 'fortress_db_pool_in_use_connections')).toBe(value(text, 'fortress_db_pool_connections') - value(text, 'fortress_db_pool_idle_connections'));
    expect(value(text, 'fortress_db_pool_waiting_requests')).toBe(0);
    // One transaction-wait observation per request transaction: the success, and the failed login's record.
    expect(value(text, 'fortress_db_transaction_wait_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(value(text, 'fortress_db_transaction_wait_seconds_sum')).toBeGreaterThan(0);
    // Process metrics.
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('counts partner token requests refused for bad credentials as sign-in failures', async () => {
    const res = await app.yoga.fetch('http://fortress.test/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '198.51.100.250' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: `pc_${randomBytes(16).toString('base64url')}`, client_secret: 'wrong' }).toString(),
    });
    expect(res.status).toBe(401);
    const text = await (await scrape(app.yoga, `Bearer ${TOKEN}`)).text();
    expect(value(text, 'fortress_login_failures_total', { via: 'oauth_token' })).toBe(1);
  });

  it('bounds operation names: past the first N distinct ones, and for names too long, they count as "other"', async () => {
    const bounded = await testApp({ metrics: { token: TOKEN, maxOperationNames: 2 } });
    try {
      const long = `Q${'x'.repeat(120)}`;
      for (const name of ['MetricsFirst', 'MetricsSecond', 'MetricsThird', 'MetricsFourth', long, 'MetricsFirst']) {
        expect((await gql(bounded.yoga, `query ${name} { __typename }`)).data).toEqual({ __typename: 'Query' });
      }
      const text = await (await scrape(bounded.yoga, `Bearer ${TOKEN}`)).text();
      expect(value(text, 'graphql_envelop_request', { operationName: 'MetricsFirst' })).toBe(2);
      expect(value(text, 'graphql_envelop_request', { operationName: 'MetricsSecond' })).toBe(1);
      expect(value(text, 'graphql_envelop_request', { operationName: 'other' })).toBe(3);
      expect(value(text, 'graphql_yoga_http_duration_count', { operationName: 'other', statusCode: '200' })).toBe(3);
      expect(text).not.toContain('MetricsThird');
      expect(text).not.toContain(long);
    } finally {
      await bounded.close();
    }
  });

  it('reports the outbox backlog and the job queue lag, following a pending event and a due job', async () => {
    // A pending event written two hours ago (controls: it exists and is pending, as the owner sees it).
    const { rows } = await owner.query<{ id: string }>(
      `insert into events_outbox (tenant_id, aggregate, event_type, payload, occurred_at) values ($1, 'probe', 'MetricsProbe', '{}', now() - interval '2 hours') returning id::text`,
      [t.tenantId],
    );
    const eventId = rows[0]!.id;
    expect(await count(owner, `select count(*) as n from events_outbox where id = $1 and status = 'pending'`, [eventId])).toBe(1);
    // A job due three hours ago of a task no worker knows, so none takes it.
    const worker = new pg.Pool({ connectionString: workerConnectionString(inject('authenticatorUrl')), max: 1 });
    const task = `metrics_probe_${randomBytes(4).toString('hex')}`;
    const job = (await worker.query<{ id: string }>(`select (graphile_worker.add_job($1, '{}'::json, run_at := now() - interval '3 hours')).id::text as id`, [task])).rows[0]!.id;
    try {
      const before = await (await scrape(app.yoga, `Bearer ${TOKEN}`)).text();
      expect(value(before, 'fortress_queue_metrics_up')).toBe(1);
      expect(value(before, 'fortress_outbox_pending_events')).toBeGreaterThanOrEqual(1);
      expect(value(before, 'fortress_outbox_oldest_pending_seconds')).toBeGreaterThanOrEqual(7200);
      expect(value(before, 'fortress_jobs_due')).toBeGreaterThanOrEqual(1);
      expect(value(before, 'fortress_jobs_oldest_due_seconds')).toBeGreaterThanOrEqual(3 * 3600);
      expect(value(before, 'fortress_webhook_due_deliveries')).toBeGreaterThanOrEqual(0);
      expect(value(before, 'fortress_webhook_oldest_due_seconds')).toBeGreaterThanOrEqual(0);

      // Relayed and done: the backlog's age follows.
      await owner.query(`update events_outbox set status = 'sent', sent_at = now() where id = $1`, [eventId]);
      await worker.query('delete from graphile_worker._private_jobs where id = $1', [job]);
      const after = await (await scrape(app.yoga, `Bearer ${TOKEN}`)).text();
      expect(value(after, 'fortress_outbox_oldest_pending_seconds')).toBeLessThan(7200);
      expect(value(after, 'fortress_jobs_oldest_due_seconds')).toBeLessThan(3 * 3600);
    } finally {
      await worker.query('delete from graphile_worker._private_jobs where id = $1', [job]).catch(() => {});
      await worker.end();
    }
  });

  it('reads the queues only for a scrape, at most once per snapshot period', async () => {
    const statements: string[] = [];
    const cached = await testApp({ metrics: { token: TOKEN }, onQuery: (sql) => statements.push(sql) });
    try {
      const before = statements.length;
      await gql(cached.yoga, 'query MetricsCachedAccounts { accounts { totalCount } }', { token: await t.token('x') });
      expect(statements.slice(before).filter((s) => s.includes('metrics_snapshot'))).toEqual([]);
      for (let i = 0; i < 3; i += 1) expect((await scrape(cached.yoga, `Bearer ${TOKEN}`)).status).toBe(200);
      expect(statements.filter((s) => s.includes('metrics_snapshot'))).toHaveLength(1);
    } finally {
      await cached.close();
    }
  });

  it('costs a request no statement: the same operation sends the same statements with metrics and logs on or off', async () => {
    const sent = { on: [] as string[], off: [] as string[] };
    const on = await testApp({ metrics: { token: TOKEN }, log: createLog({ destination: { write: () => {} } }), onQuery: (sql) => sent.on.push(sql) });
    const off = await testApp({ metrics: false, onQuery: (sql) => sent.off.push(sql) });
    try {
      const token = await t.token('x');
      for (const [app, list] of [[on, sent.on], [off, sent.off]] as const) {
        // The second request: connections are open and statements prepared.
        await gql(app.yoga, 'query MetricsSameStatements { accounts { totalCount } }', { token });
        list.length = 0;
        expect((await gql(app.yoga, 'query MetricsSameStatements { accounts { totalCount } }', { token })).errors).toBeUndefined();
      }
      expect(sent.on.length).toBeGreaterThan(0);
      expect(sent.on).toEqual(sent.off);
    } finally {
      await on.close();
      await off.close();
    }
  });
});

describe('configuration', () => {
  it('validates METRICS_TOKEN, LOG_LEVEL and LOG_PRETTY, naming the variable', () => {
    expect(() => loadEnv({ METRICS_TOKEN: 'too-short' })).toThrow(/METRICS_TOKEN: must be at least 32 characters/);
    expect(() => loadEnv({ METRICS_TOKEN: `${'x'.repeat(32)} y` })).toThrow(/METRICS_TOKEN: must be printable ASCII/);
    expect(loadEnv({ METRICS_TOKEN: TOKEN }).METRICS_TOKEN).toBe(TOKEN);
    expect(() => loadEnv({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadEnv({ LOG_PRETTY: 'yes' })).toThrow(/LOG_PRETTY/);
    expect(loadEnv({}).LOG_LEVEL).toBe('info');
    // JSON unless asked, or a developer at a terminal.
    expect(logOptionsFromEnv(loadEnv({ NODE_ENV: 'test', LOG_LEVEL: 'debug' }))).toEqual({ level: 'debug', pretty: false });
    expect(logOptionsFromEnv(loadEnv({ NODE_ENV: 'test', LOG_PRETTY: 'true' }))).toEqual({ level: 'info', pretty: true });
    expect(logOptionsFromEnv(loadEnv({ NODE_ENV: 'development', LOG_PRETTY: 'false' })).pretty).toBe(false);
  });
});
