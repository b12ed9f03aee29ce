// OpenTelemetry traces from the real server process (`npm start`'s command,
// with its src/telemetry.ts preload), exported to a real OTLP/HTTP receiver
// started here: the caller's W3C traceparent is continued through the HTTP
// server span, GraphQL parse / validate / execute and the PostgreSQL
// statements; nothing secret or personal is in any span; the last spans are
// flushed on SIGTERM. Then the same server without an endpoint: no
// OpenTelemetry module is even loaded, nothing is sent.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, removeDataDir, startServer, tempDataDir, type Proc } from './helpers.js';

interface OtlpValue { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number; arrayValue?: unknown }
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: OtlpValue }[];
  scope: string;
}
const SERVER = 2;

/** What the receiver got: one entry per POST. */
interface Export { path: string; contentType: string | undefined; raw: string }

function spansOf(exports: Export[]): OtlpSpan[] {
  return exports.flatMap((e) =>
    (JSON.parse(e.raw) as { resourceSpans: { scopeSpans: { scope: { name: string }; spans: Omit<OtlpSpan, 'scope'>[] }[] }[] }).resourceSpans.flatMap(
      (rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => ({ ...s, scope: ss.scope.name }))),
    ),
  );
}
const attr = (span: OtlpSpan, key: string) => {
  const v = span.attributes.find((a) => a.key === key)?.value;
  return v ? (v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue) : undefined;
};
const serviceNames = (exports: Export[]) =>
  exports.flatMap((e) =>
    (JSON.parse(e.raw) as { resourceSpans: { resource: { attributes: { key: string; value: OtlpValue }[] } }[] }).resourceSpans.map(
      (rs) => rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue,
    ),
  );

describe('OpenTelemetry traces (real server, real OTLP/HTTP receiver)', { timeout: 120_000 }, () => {
  let dir: string;
  let receiver: Server;
  let receiverUrl: string;
  const exports: Export[] = [];
  const started: Proc[] = [];
  const probeFiles: string[] = [];
  let baseEnv: Record<string, string>;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (raw += d));
      req.on('end', () => {
        exports.push({ path: req.url ?? '', contentType: req.headers['content-type'], raw });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
    dir = await tempDataDir();
    baseEnv = {
      FORTRESS_DATA_DIR: dir,
      HOST: '127.0.0.1',
      EMBEDDED_PG_PORT: String(await freePort()),
      // The embedded job worker stays on (the development default): its polling must not become traces.
    };
  });
  afterAll(async () => {
    for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(started.map((p) => p.exited));
    await new Promise((r) => receiver.close(r));
    await removeDataDir(dir);
    for (const f of probeFiles) await rm(f, { force: true });
  });

  /** The server as `npm start` runs it, with a module probe recording which OpenTelemetry modules it imports. */
  const start = async (env: Record<string, string>) => {
    const probeFile = path.join(dir, `modules-${randomBytes(4).toString('hex')}.log`);
    probeFiles.push(probeFile);
    const port = await freePort();
    const proc = startServer({
      ...baseEnv,
      ...env,
      PORT: String(port),
      MODULE_PROBE_FILE: probeFile,
      NODE_OPTIONS: `--import=${path.join(import.meta.dirname, 'module-probe.mjs')}`,
    });
    started.push(proc);
    await proc.waitFor(/Fortress ready/, 60_000);
    const token = /A ready-made token for \S+ .*:\n\s+(\S+)/.exec(await proc.waitFor(/A ready-made token for \S+ .*:\n\s+\S+\n/))![1]!;
    const modules = () => (existsSync(probeFile) ? readFileSync(probeFile, 'utf8').split('\n').filter(Boolean) : []);
    return { proc, token, url: `http://127.0.0.1:${port}`, modules };
  };

  it('continues the caller\'s trace through HTTP, GraphQL parse/validate/execute and pg, with no secret or personal value, and flushes on SIGTERM', async () => {
    // A long batch delay: nothing is exported while the server runs, so every span below
    // arrives through the flush on SIGTERM.
    const server = await start({ OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl, OTEL_BSP_SCHEDULE_DELAY: '60000' });
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const traceparent = `00-${traceId}-${callerSpanId}-01`;
    const claims = decodeJwt(server.token);
    const password = 'fortress-demo-password';

    const accounts = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}`, traceparent },
      body: JSON.stringify({ query: 'query TracedAccounts { accounts { edges { node { name balance } } } }' }),
    });
    expect(accounts.status).toBe(200);
    expect(((await accounts.json()) as { data: { accounts: { edges: unknown[] } } }).data.accounts.edges.length).toBeGreaterThan(0);

    // A password in variables, and a refresh token in the answer: neither may reach a span.
    const login = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      body: JSON.stringify({
        query: 'mutation TracedLogin($input: LoginInput!) { login(input: $input) { accessToken refreshToken } }',
        variables: { input: { tenantSlug: 'acme', email: 'alice@acme.test', password } },
      }),
    });
    const loggedIn = (await login.json()) as { data: { login: { accessToken: string; refreshToken: string } } };
    expect(loggedIn.data.login.refreshToken).toBeTruthy();

    // GraphQL over GET: variables travel in the query string.
    const probeEmail = 'tracing-probe@example.com';
    await fetch(
      `${server.url}/graphql?query=${encodeURIComponent('query TracedGet($e: String) { __typename }')}&variables=${encodeURIComponent(JSON.stringify({ e: probeEmail }))}`,
      { headers: { accept: 'application/json', 'content-type': 'application/json', traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } },
    );
    // Probes are not traced.
    expect((await fetch(`${server.url}/health`, { headers: { traceparent } })).status).toBe(200);

    expect(exports).toEqual([]);
    server.proc.child.kill('SIGTERM');
    expect((await server.proc.exited).code).toBe(0);

    expect(exports.length).toBeGreaterThan(0);
    for (const e of exports) {
      expect(e.path).toBe('/v1/traces');
      expect(e.contentType).toMatch(/^application\/json/);
    }
    expect(new Set(serviceNames(exports))).toEqual(new Set(['fortress']));
    const spans = spansOf(exports);
    // Every span is in the caller's trace: no stray trace from the worker's polling or pool upkeep.
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceId]));

    const httpSpans = spans.filter((s) => s.scope === '@opentelemetry/instrumentation-http');
    expect(httpSpans.map((s) => attr(s, 'url.path')).sort()).toEqual(['/graphql', '/graphql', '/graphql']);
    const http = httpSpans.find((s) => s.parentSpanId === callerSpanId)!;
    expect(http).toMatchObject({ kind: SERVER });
    expect(attr(http, 'http.request.method')).toBe('POST');
    expect(attr(http, 'http.response.status_code')).toBe(200);
    const children = (parent: OtlpSpan) => spans.filter((s) => s.parentSpanId === parent.spanId);
    const named = (parent: OtlpSpan, name: string) => children(parent).filter((s) => s.name === name);
    expect(named(http, 'graphql.parse')).toHaveLength(1);
    expect(named(http, 'graphql.validate')).toHaveLength(1);
    const [execute] = named(http, 'query.TracedAccounts');
    expect(execute).toBeDefined();
    expect(attr(execute!, 'graphql.execute.operationName')).toBe('TracedAccounts');

    // The statements: the request transaction's first one (BEGIN merged with the identity
    // statement) under the HTTP span, the resolvers' reads under the execute span.
    const pgOf = (parent: OtlpSpan) => children(parent).filter((s) => s.scope === '@opentelemetry/instrumentation-pg' && s.name.startsWith('pg.query'));
    const identity = pgOf(http).find((s) => String(attr(s, 'db.query.text')).startsWith('BEGIN; select set_config('));
    expect(identity).toBeDefined();
    expect(attr(identity!, 'db.query.text')).toContain("set_config('app.current_tenant_id', '?', true)");
    const reads = pgOf(execute!).map((s) => String(attr(s, 'db.query.text')));
    expect(reads.some((sql) => /from "public"\."accounts"/i.test(sql))).toBe(true);
    expect(attr(pgOf(execute!)[0]!, 'db.system.name')).toBe('postgresql');
    // No resolver spans unless TRACE_GRAPHQL_RESOLVERS=true.
    expect(spans.filter((s) => s.name.startsWith('Query.') || s.name.includes('.accounts'))).toEqual([]);

    // The login request's trace has its spans too, and the GET's query string is not recorded.
    const [loginHttp] = httpSpans.filter((s) => named(s, 'mutation.TracedLogin').length === 1);
    expect(loginHttp).toBeDefined();
    const get = httpSpans.find((s) => attr(s, 'http.request.method') === 'GET')!;
    expect(attr(get, 'url.query')).toBe('REDACTED');

    // Nothing secret or personal anywhere in what was exported (the whole payloads, not just attributes).
    const everything = exports.map((e) => e.raw).join('\n');
    const secrets = [
      server.token, loggedIn.data.login.accessToken, loggedIn.data.login.refreshToken, 'Bearer', password, probeEmail, 'alice@acme.test',
      claims.sub, claims.tid, claims.sid,
    ].filter((s): s is string => typeof s === 'string' && s.length > 0);
    expect(secrets.length).toBeGreaterThanOrEqual(8);
    for (const secret of secrets) expect(everything.toLowerCase()).not.toContain(secret.toLowerCase());
    expect(everything).not.toMatch(/authorization/i);

    // The probe saw the OpenTelemetry modules load: the control for the next test.
    expect(server.modules()).toContain('probe loaded');
    expect(server.modules().some((m) => m.includes('/@opentelemetry/'))).toBe(true);
  });

  it('without an endpoint: no OpenTelemetry module is loaded and nothing is sent', async () => {
    const before = exports.length;
    // Set but empty counts as unset (a blank line in a compose file), and the other OTEL_* variables alone turn nothing on.
    const server = await start({ OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_SERVICE_NAME: 'fortress', OTEL_BSP_SCHEDULE_DELAY: '50' });
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${server.token}`,
        traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
      },
      body: JSON.stringify({ query: '{ accounts { edges { node { name } } } }' }),
    });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    server.proc.child.kill('SIGTERM');
    expect((await server.proc.exited).code).toBe(0);
    expect(server.modules()).toEqual(['probe loaded']);
    expect(exports.length).toBe(before);
  });

  it('a bad tracing setting stops the server with one line naming it', async () => {
    const proc = startServer({ ...baseEnv, PORT: String(await freePort()), OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' });
    started.push(proc);
    expect((await proc.exited).code).toBe(1);
    expect(proc.output().trim()).toMatch(/^Invalid environment: OTEL_EXPORTER_OTLP_ENDPOINT: must be an http\(s\) URL/);
  });
});
