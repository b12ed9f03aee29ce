// Browser safety (src/browserSafety.ts): CSRF prevention for "simple"
// requests, CORS for configured origins only, and the security headers.
// Through yoga.fetch, and once over real HTTP (the Node adapter must carry
// every header to the wire).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORS_MAX_AGE_SECONDS, CSRF_HEADERS } from '../../src/browserSafety.js';
import { ConfigError, corsPolicy, loadEnv } from '../../src/config.js';
import { ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';

const APP_ORIGIN = 'https://app.example.com';
const EVIL_ORIGIN = 'https://evil.example';
const QUERY = '{ viewer { user { email } } }';

let app: Awaited<ReturnType<typeof testApp>>;
let owner: pg.Pool;
let a: TenantFixture;
let token: string;
/** Statements the app's pool sent: a refused request must send none. */
const sent: string[] = [];

beforeAll(async () => {
  app = await testApp({ cors: { origins: [APP_ORIGIN] }, onQuery: (sql) => sent.push(sql) });
  owner = ownerPool();
  a = await createTenant(owner, 'browser');
  token = await a.token('x');
});
afterAll(async () => {
  await app.close();
  await owner.end();
});

const url = (path = '/graphql') => `http://fortress.test${path}`;
const get = (headers: Record<string, string> = {}, yoga = app.yoga) =>
  yoga.fetch(`${url()}?${new URLSearchParams({ query: QUERY })}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
const post = (contentType: string, body: string | FormData, headers: Record<string, string> = {}) =>
  app.yoga.fetch(url(), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...(contentType ? { 'content-type': contentType } : {}), ...headers },
    body,
  });
const xEmail = () => `x@${a.slug}.test`;

describe('CSRF prevention', () => {
  it('a cross-origin GET, text/plain POST or form POST without a CSRF header is CSRF_REJECTED (403) before any SQL', async () => {
    const form = new FormData();
    form.set('query', QUERY);
    const attempts: [string, () => Response | Promise<Response>][] = [
      ['GET', () => get({ origin: EVIL_ORIGIN })],
      ['GET, Accept: application/json', () => get({ origin: EVIL_ORIGIN, accept: 'application/json' })],
      ['POST text/plain', () => post('text/plain;charset=UTF-8', JSON.stringify({ query: QUERY }), { origin: EVIL_ORIGIN })],
      ['POST urlencoded', () => post('application/x-www-form-urlencoded', new URLSearchParams({ query: QUERY }).toString(), { origin: EVIL_ORIGIN })],
      ['POST multipart', () => post('', form, { origin: EVIL_ORIGIN })],
      // Same refusal without an Origin (a top-level navigation or an <img> does not always send one).
      ['GET, no Origin', () => get()],
    ];
    for (const [what, send] of attempts) {
      sent.length = 0;
      const res = await send();
      const body = (await res.json()) as { data?: unknown; errors: { message: string; extensions: { code: string } }[] };
      expect([res.status, body.errors.map((e) => e.extensions.code)], what).toEqual([403, ['CSRF_REJECTED']]);
      expect(body.errors[0]!.message, what).toMatch(/x-graphql-yoga-csrf/);
      expect(body.data, what).toBeUndefined();
      expect(res.headers.get('access-control-allow-origin'), what).toBeNull();
      expect(sent, what).toEqual([]);
    }
  });

  it('controls: a JSON POST from any origin, and a GET carrying any CSRF header, run and return data', async () => {
    const json = await post('application/json', JSON.stringify({ query: QUERY }), { origin: EVIL_ORIGIN });
    expect([json.status, await json.json()]).toEqual([200, { data: { viewer: { user: { email: xEmail() } } } }]);
    const graphqlJson = await post('application/graphql+json', JSON.stringify({ query: QUERY }));
    expect(graphqlJson.status).toBe(200);
    for (const header of CSRF_HEADERS) {
      const res = await get({ [header]: '1' });
      expect([res.status, await res.json()], header).toEqual([200, { data: { viewer: { user: { email: xEmail() } } } }]);
    }
  });

  it('POST /oauth/token stays form-encoded (RFC 6749): answered by its own endpoint, not refused as CSRF', async () => {
    const res = await app.yoga.fetch(url('/oauth/token'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: EVIL_ORIGIN, 'x-forwarded-for': '10.9.0.1' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'pc_no_such_client', client_secret: 'wrong' }).toString(),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });
});

describe('CORS', () => {
  const preflight = (origin: string, yoga = app.yoga) =>
    yoga.fetch(url(), {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });

  it('an allowed origin is echoed, without credentials, with x-request-id exposed', async () => {
    const res = await post('application/json', JSON.stringify({ query: QUERY }), { origin: APP_ORIGIN });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('access-control-expose-headers')).toBe('x-request-id');
    expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
  });

  it('another origin gets no Access-Control-Allow-Origin at all (the browser then hides the answer)', async () => {
    for (const origin of [EVIL_ORIGIN, 'https://app.example.com.evil.example', 'http://app.example.com', 'null', 'http://localhost:5173']) {
      const res = await post('application/json', JSON.stringify({ query: QUERY }), { origin });
      expect(res.status, origin).toBe(200);
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(res.headers.get('access-control-allow-credentials'), origin).toBeNull();
    }
  });

  it('preflight: the allowed origin gets methods, headers (CSRF ones included) and a max-age; another gets nothing', async () => {
    const ok = await preflight(APP_ORIGIN);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(ok.headers.get('access-control-allow-methods')).toBe('GET, POST');
    const allowed = ok.headers.get('access-control-allow-headers')!.split(', ');
    expect(allowed).toEqual(expect.arrayContaining(['content-type', 'authorization', 'x-request-id', ...CSRF_HEADERS]));
    expect(ok.headers.get('access-control-max-age')).toBe(String(CORS_MAX_AGE_SECONDS));
    expect(ok.headers.get('access-control-allow-credentials')).toBeNull();

    const refused = await preflight(EVIL_ORIGIN);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(refused.headers.get('access-control-allow-methods')).toBeNull();
    expect(refused.headers.get('access-control-allow-headers')).toBeNull();
  });

  it('defaults: no origin at all in production; in development any http://localhost or 127.0.0.1 port, nothing else', async () => {
    expect(corsPolicy(loadEnv({ NODE_ENV: 'test' }))).toEqual({ origins: [], anyLocalhost: false });
    expect(corsPolicy(loadEnv({ NODE_ENV: 'development' }))).toEqual({ origins: [], anyLocalhost: true });
    // CORS_ORIGINS replaces the development default.
    expect(corsPolicy(loadEnv({ NODE_ENV: 'development', CORS_ORIGINS: ` ${APP_ORIGIN}, https://admin.example.com:8443 ` }))).toEqual({
      origins: [APP_ORIGIN, 'https://admin.example.com:8443'],
      anyLocalhost: false,
    });

    const production = await testApp();
    const development = await testApp({ cors: corsPolicy(loadEnv({ NODE_ENV: 'development' })) });
    try {
      const echoed = async (yoga: typeof app.yoga, origin: string) => (await preflight(origin, yoga)).headers.get('access-control-allow-origin');
      for (const origin of ['http://localhost:5173', APP_ORIGIN]) expect(await echoed(production.yoga, origin), origin).toBeNull();
      for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000', 'http://localhost']) {
        expect(await echoed(development.yoga, origin), origin).toBe(origin);
      }
      for (const origin of ['https://localhost:5173', 'http://localhost.evil.example', 'http://evil.example', 'http://localhost:5173/']) {
        expect(await echoed(development.yoga, origin), origin).toBeNull();
      }
    } finally {
      await production.close();
      await development.close();
    }
  });

  it('CORS_ORIGINS must list exact origins: a path, a trailing slash or a wildcard is a configuration error naming it', () => {
    for (const bad of ['https://app.example.com/', 'https://app.example.com/path', '*', 'app.example.com', 'ftp://files.example.com']) {
      expect(() => loadEnv({ NODE_ENV: 'test', CORS_ORIGINS: `${APP_ORIGIN},${bad}` }), bad).toThrow(ConfigError);
      expect(() => loadEnv({ NODE_ENV: 'test', CORS_ORIGINS: `${APP_ORIGIN},${bad}` }), bad).toThrow(/CORS_ORIGINS/);
    }
  });
});

describe('security headers', () => {
  const expectApiHeaders = (res: Response, what: string) => {
    expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
    expect(res.headers.get('referrer-policy'), what).toBe('no-referrer');
    expect(res.headers.get('x-frame-options'), what).toBe('DENY');
    expect(res.headers.get('cache-control'), what).toBe('no-store');
    expect(res.headers.get('content-security-policy'), what).toMatch(/^default-src 'none';.*frame-ancestors 'none'/);
  };

  it('on GraphQL answers, refusals, probes and the token endpoint; HSTS only when configured', async () => {
    expectApiHeaders(await post('application/json', JSON.stringify({ query: QUERY })), 'data');
    expectApiHeaders(await get(), 'CSRF refusal');
    expectApiHeaders(await post('application/json', JSON.stringify({ query: '{' })), 'parse error');
    expectApiHeaders(await app.yoga.fetch(url('/health')), '/health');
    expectApiHeaders(await app.yoga.fetch(url('/ready')), '/ready');
    expect((await post('application/json', JSON.stringify({ query: QUERY }))).headers.get('strict-transport-security')).toBeNull();

    const tls = await testApp({ hstsMaxAgeSeconds: 31_536_000 });
    try {
      const res = await gqlPost(tls.yoga);
      expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000');
    } finally {
      await tls.close();
    }
  });

  it('GraphiQL (development) is served, with a CSP that lets its inline scripts run but forbids framing', async () => {
    const dev = await testApp({ development: true });
    try {
      const res = await dev.yoga.fetch(url(), { headers: { accept: 'text/html' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toContain('renderYogaGraphiQL');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toMatch(/script-src [^;]*'unsafe-inline'/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).toMatch(/connect-src 'self'/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      // The page carries a live token.
      expect(res.headers.get('cache-control')).toBe('no-store');
    } finally {
      await dev.close();
    }
  });

  it('over real HTTP: the headers, CORS and the CSRF refusal reach the wire', async () => {
    const server: Server = createServer(app.yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    try {
      const ok = await fetch(base, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, origin: APP_ORIGIN },
        body: JSON.stringify({ query: QUERY }),
      });
      expect(await ok.json()).toEqual({ data: { viewer: { user: { email: xEmail() } } } });
      expectApiHeaders(ok, 'HTTP');
      expect(ok.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);

      const refused = await fetch(`${base}?${new URLSearchParams({ query: QUERY })}`, { headers: { authorization: `Bearer ${token}`, origin: EVIL_ORIGIN } });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ errors: [{ extensions: { code: 'CSRF_REJECTED' } }] });
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

const gqlPost = (yoga: typeof app.yoga) =>
  yoga.fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
