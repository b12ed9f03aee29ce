// The server log (src/log.ts, src/requestLog.ts): one access line per request
// with its id, caller, operation, duration, status and error codes; expected
// failures at info, unexpected errors at error level with their stack; and
// never a token, password, secret or email, whatever the request carried.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type pg from 'pg';
import { GraphQLError } from 'graphql';
import { SignJWT } from 'jose';
import { createLog, scrub } from '../../src/log.js';
import { createRequestLog, loggableMessage } from '../../src/requestLog.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { errorCodes, gql, ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';

type Line = Record<string, any> & { level: string; msg: string };

/** A pino logger at trace level whose every line lands in `raw` (text, as written) and `lines` (parsed). */
function capture() {
  const raw: string[] = [];
  const log = createLog({ level: 'trace', destination: { write: (s: string) => void raw.push(s) } });
  return { log, raw, lines: () => raw.map((s) => JSON.parse(s) as Line) };
}

let owner: pg.Pool;
beforeAll(() => {
  owner = ownerPool();
});
afterAll(() => owner.end());

describe("Yoga's logger", () => {
  it('logs a database denial at info without a stack, and an unexpected error at error level with its stack', async () => {
    const { log, lines } = capture();
    const logger = createRequestLog({ log, rootFields: new Set(), graphqlEndpoint: '/graphql' }).yogaLogger;
    // A real RLS denial from Postgres (SQLSTATE 42501), as the request path would meet it.
    const denial = await owner.query(`set local role fortress_anonymous; select * from accounts`).catch((e: Error) => e);
    expect((denial as { code?: string }).code).toBe('42501');
    logger.error(new GraphQLError('wrapped', { originalError: denial as Error }));
    logger.error(new GraphQLError('Not found', { extensions: { code: 'NOT_FOUND' } }));
    // A documented FORTRESS error raised by SQL, under a wrapper whose own text starts with a
    // blank line (as Prisma's do): the line carries the client's message.
    const raised = await owner.query(`select app.require_text('name', '', 10)`).catch((e: Error) => e);
    logger.error(new GraphQLError('\nInvalid `prisma.$queryRaw()` invocation:', { originalError: raised as Error }));
    const bug = new TypeError("Cannot read properties of undefined (reading 'x')");
    logger.error(bug);
    const out = lines();
    expect(out.map((l) => l.level)).toEqual(['info', 'info', 'info', 'error']);
    // Code and the message the client got, never an empty one.
    expect(out[0]).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/^\S/) });
    expect(out[1]).toMatchObject({ code: 'NOT_FOUND', message: 'Not found' });
    expect(out[2]).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/^name/) });
    for (const l of out.slice(0, 3)) expect(JSON.stringify(l)).not.toMatch(/\\n\s+at /);
    expect(out[3]!.err).toMatchObject({ type: 'TypeError', message: bug.message, stack: expect.stringContaining('logging.test.ts') });
  });
});

describe('scrubbing', () => {
  it('censors fields named like credentials or personal data, should a caller pass them', () => {
    const { log, raw, lines } = capture();
    log.info(
      { password: 'p1-secret', token: 't1-secret', req: { method: 'POST', headers: { authorization: 'Bearer h1-secret', accept: 'x' } }, input: { email: 'e1@secret.test', name: 'kept' }, user: { phone: '+5511900000000' } },
      'careless line',
    );
    const [line] = lines();
    expect(line).toMatchObject({ password: '[redacted]', token: '[redacted]', req: { method: 'POST', headers: '[redacted]' }, input: { email: '[redacted]', name: 'kept' }, user: { phone: '[redacted]' } });
    expect(raw.join('')).not.toMatch(/secret|5511900000000/);
  });


  it('takes emails, tokens, secrets, hashes, phones and quoted row values out of text', () => {
    const text = [
      'Key (tenant_id, email)=(5f0c0d0e-1111-2222-3333-444455556666, ana.souza@example.com) already exists.',
      'Failing row contains (ana, +55 11 98765-4321, Rua A 1).',
      'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl and Basic dXNlcjpwYXNz',
      'pcs_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdef whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=',
      '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo refresh Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFy',
      'call +1 (415) 555-0100 about tenant 5f0c0d0e-1111-2222-3333-444455556666',
    ].join('\n');
    const out = scrub(text);
    for (const secret of [
      'ana.souza@example.com', '98765-4321', 'Rua A', 'eyJhbGciOiJIUzI1NiJ9', 'dXNlcjpwYXNz', 'pcs_AbCd', 'whsec_QUJD', '$argon2id', 'c2FsdHNhbHQ',
      'Zm9vYmFyZm9vYmFy', '555-0100',
    ]) {
      expect(out, secret).not.toContain(secret);
    }
    // Ids stay: they are what an operator searches for.
    expect(out).toContain('about tenant 5f0c0d0e-1111-2222-3333-444455556666');
    // graphql-js quotes an invalid variable's value: gone, the variable and path kept.
    // Messages of bad input repeat what the client sent, quoted (graphql-js) or after a colon
    // (scalars, validation rules): gone, the variable, field and path kept.
    expect(loggableMessage('BAD_USER_INPUT', 'Variable "$input" got invalid value "ana@souza" at "input.email"; Expected type "EmailAddress". Value is not a valid email address: ana@souza'))
      .toBe('Variable "$input" got invalid value "[value]" at "input.email"; Expected type "EmailAddress". Value is not a valid email address');
    expect(loggableMessage('BAD_USER_INPUT', 'signUp(input.email): Value is not a valid email address: ana@@souza')).toBe('signUp(input.email)');
    // Our own messages (a code that never echoes input) stay whole, scrubbed.
    expect(loggableMessage('CONFLICT', 'Already exists: ana@souza.com')).toBe('Already exists: [email]');
  });
});

describe('request log through GraphQL and POST /oauth/token', () => {
  const PASSWORD = 'logs-test-passphrase-' + randomBytes(6).toString('hex');
  const NEW_PASSWORD = 'logs-new-passphrase-' + randomBytes(6).toString('hex');
  const WRONG_PASSWORD = 'logs-wrong-passphrase-' + randomBytes(6).toString('hex');
  const SIGNUP_PASSWORD = 'logs-signup-passphrase-' + randomBytes(6).toString('hex');
  let captured: ReturnType<typeof capture>;
  let app: Awaited<ReturnType<typeof testApp>>;
  let t: TenantFixture;
  /** Everything that must never appear in a log line. */
  const secrets = new Set<string>();

  beforeAll(async () => {
    captured = capture();
    app = await testApp({ log: captured.log, webhooks: { allowPrivate: true }, authPolicy: { perAddressPerMinute: 10_000 } });
    t = await createTenant(owner, 'logs', { passwordHash: await hashPassword(PASSWORD) });
    for (const s of [PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, SIGNUP_PASSWORD, `x@${t.slug}.test`, `admin@${t.slug}.test`]) secrets.add(s);
  });
  afterAll(() => app.close());

  const keep = (...values: (string | undefined | null)[]) => {
    for (const v of values) {
      expect(v, 'a secret the test expected to get').toEqual(expect.any(String));
      secrets.add(v!);
    }
  };

  it('logs every step of sign-up, sign-in, refresh, password change, logout, partner tokens and webhooks without a secret in any line', async () => {
    const ip = '198.51.100.23';
    // Sign-up: a new tenant and owner (email and password in the variables).
    const signupEmail = `founder-${randomBytes(4).toString('hex')}@logs.test`;
    secrets.add(signupEmail);
    const signUp = await gql(app.yoga, `mutation LogsSignUp($input: SignUpInput!) { signUp(input: $input) { accessToken refreshToken } }`, {
      variables: { input: { tenantName: `Logs ${randomBytes(3).toString('hex')}`, email: signupEmail, password: SIGNUP_PASSWORD } }, ip,
    });
    expect(signUp.errors).toBeUndefined();
    keep(signUp.data.signUp.accessToken, signUp.data.signUp.refreshToken);

    // Login: a wrong password, then the right one.
    const LOGIN = `mutation LogsLogin($input: LoginInput!) { login(input: $input) { accessToken refreshToken } }`;
    const bad = await gql(app.yoga, LOGIN, { variables: { input: { tenantSlug: t.slug, email: `x@${t.slug}.test`, password: WRONG_PASSWORD } }, ip });
    expect(errorCodes(bad)).toEqual(['INVALID_CREDENTIALS']);
    const good = await gql(app.yoga, LOGIN, { variables: { input: { tenantSlug: t.slug, email: `x@${t.slug}.test`, password: PASSWORD } }, ip });
    expect(good.errors).toBeUndefined();
    keep(good.data.login.accessToken, good.data.login.refreshToken);

    // Refresh: the refresh token in the variables, new tokens in the response.
    const refreshed = await gql(app.yoga, `mutation LogsRefresh($input: RefreshSessionInput!) { refreshSession(input: $input) { accessToken refreshToken } }`, {
      variables: { input: { refreshToken: good.data.login.refreshToken } }, ip,
    });
    expect(refreshed.errors).toBeUndefined();
    keep(refreshed.data.refreshSession.accessToken, refreshed.data.refreshSession.refreshToken);
    const token = refreshed.data.refreshSession.accessToken as string;

    // changePassword: both passwords in the variables.
    const changed = await gql(app.yoga, `mutation LogsChangePassword($input: ChangePasswordInput!) { changePassword(input: $input) { revokedSessions } }`, {
      token, variables: { input: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } }, ip,
    });
    expect(changed.errors).toBeUndefined();
    const logout = await gql(app.yoga, `mutation LogsLogout { logout { revokedSessions } }`, { token, ip });
    expect(logout.errors).toBeUndefined();

    // A partner client (its secret in a response), then its token over POST /oauth/token, body and Basic.
    const admin = await t.token('admin');
    keep(admin);
    const created = await gql(app.yoga, `mutation LogsCreateClient($input: CreatePartnerClientInput!) {
      createPartnerClient(input: $input) { clientSecret partnerClient { clientId } } }`, {
      token: admin, variables: { input: { name: 'Logs partner', scopes: ['CATALOG_READ'] } },
    });
    expect(created.errors).toBeUndefined();
    const { clientSecret } = created.data.createPartnerClient;
    const { clientId } = created.data.createPartnerClient.partnerClient;
    keep(clientSecret);
    const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    keep(basic.slice('Basic '.length));
    for (const [headers, body] of [
      [{}, { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }],
      [{ authorization: basic }, { grant_type: 'client_credentials' }],
    ] as const) {
      const res = await app.yoga.fetch('http://fortress.test/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip, ...headers },
        body: new URLSearchParams(body).toString(),
      });
      expect(res.status).toBe(200);
      keep(((await res.json()) as { access_token: string }).access_token);
    }
    const wrongSecret = `pcs_${randomBytes(32).toString('base64url')}`;
    keep(wrongSecret);
    const refused = await app.yoga.fetch('http://fortress.test/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: wrongSecret }).toString(),
    });
    expect(refused.status).toBe(401);

    // A webhook endpoint: its signing secret in the response.
    const hook = await gql(app.yoga, `mutation LogsRegisterHook($input: RegisterWebhookEndpointInput!) { registerWebhookEndpoint(input: $input) { secret webhookEndpoint { rowId } } }`, {
      token: admin, variables: { input: { url: 'http://127.0.0.1:9/logs-hook' } },
    });
    expect(hook.errors).toBeUndefined();
    keep(hook.data.registerWebhookEndpoint.secret);

    // Bad and expired access tokens.
    const garbage = `eyJ${randomBytes(24).toString('base64url')}.${randomBytes(24).toString('base64url')}.${randomBytes(24).toString('base64url')}`;
    const expired = await new SignJWT({ tid: t.tenantId, role: 'member' })
      .setProtectedHeader({ alg: 'HS256', kid: 'hs-1' })
      .setSubject(t.x)
      .setIssuer('fortress')
      .setAudience('fortress-api')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 1800)
      .sign(new TextEncoder().encode(inject('jwtSecret')));
    keep(garbage, expired);
    for (const bearer of [garbage, expired]) {
      expect(errorCodes(await gql(app.yoga, `query LogsAccounts { accounts { totalCount } }`, { token: bearer, ip }))).toEqual(['UNAUTHENTICATED']);
    }

    // Bad input, named by field, with an email-like value in the variables.
    const malformedEmail = `not-an-email-${signupEmail.replace('@', '@@')}`;
    keep(malformedEmail);
    const badInput = await gql(app.yoga, `mutation LogsBadSignUp($input: SignUpInput!) { signUp(input: $input) { accessToken } }`, {
      variables: { input: { tenantName: 'Logs bad', email: malformedEmail, password: SIGNUP_PASSWORD } }, ip,
    });
    expect(errorCodes(badInput)).toEqual(['BAD_USER_INPUT']);
    const badCategory = await gql(app.yoga, `mutation LogsBadCategory($input: CreateCategoryInput!) { createCategory(input: $input) { category { rowId } } }`, {
      token: admin, variables: { input: { name: '   ' } },
    });
    expect(errorCodes(badCategory)).toEqual(['BAD_USER_INPUT']);

    const out = captured.lines();
    const raw = captured.raw.join('');
    for (const secret of secrets) expect(raw.includes(secret), `a log line contains ${secret.slice(0, 12)}…`).toBe(false);
    // Nor any email at all, nor any header or variables.
    expect(raw).not.toMatch(/[^\s"@]+@[^\s"@]+\.test/);
    expect(raw).not.toMatch(/"(variables|headers|authorization)"/i);

    const access = out.filter((l) => l.msg === 'graphql request' || l.msg === 'oauth token request');
    const byOperation = (name: string) => access.filter((l) => l.operation === name);
    // One access line per request, each with id, duration and status.
    expect(access.length).toBe(15);
    for (const l of access) {
      expect(l).toMatchObject({ level: 'info', reqId: expect.stringMatching(/^[0-9a-f-]{36}$/), durationMs: expect.any(Number), status: expect.any(Number) });
    }
    expect(new Set(access.map((l) => l.reqId)).size).toBe(access.length);
    const [failedLogin, login] = byOperation('LogsLogin');
    expect(failedLogin).toMatchObject({ status: 200, kind: 'anonymous', errorCodes: ['INVALID_CREDENTIALS'], operationType: 'mutation' });
    // After a sign-in the line names who signed in.
    expect(login).toMatchObject({ status: 200, kind: 'user', tenantId: t.tenantId, userId: t.x, path: '/graphql' });
    expect(login!.errorCodes).toBeUndefined();
    expect(byOperation('LogsChangePassword')[0]).toMatchObject({ kind: 'user', tenantId: t.tenantId, userId: t.x });
    expect(byOperation('LogsCreateClient')[0]).toMatchObject({ kind: 'user', tenantId: t.tenantId, userId: t.admin });
    expect(byOperation('LogsAccounts').map((l) => [l.status, l.errorCodes])).toEqual([[401, ['UNAUTHENTICATED']], [401, ['UNAUTHENTICATED']]]);
    expect(byOperation('LogsBadCategory')[0]).toMatchObject({ errorCodes: ['BAD_USER_INPUT'], userId: t.admin });
    // The field that was wrong, not what was sent.
    expect(byOperation('LogsBadSignUp')[0]).toMatchObject({ errorCodes: ['BAD_USER_INPUT'], errors: [{ code: 'BAD_USER_INPUT', message: 'signUp(input.email)' }] });
    // The token endpoint: one line per request, its status, never the client's credentials.
    expect(byOperation('oauth.token').map((l) => [l.method, l.path, l.status])).toEqual([
      ['POST', '/oauth/token', 200], ['POST', '/oauth/token', 200], ['POST', '/oauth/token', 401],
    ]);
    // Expected failures are not error lines.
    expect(out.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('echoes a sane X-Request-Id and logs under it; replaces an unsafe one with a UUID', async () => {
    const send = (id: string) =>
      app.yoga.fetch('http://fortress.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': id },
        body: JSON.stringify({ query: 'query LogsRequestId { __typename }' }),
      });
    const given = 'edge-7f3a.91:b_c-1';
    const ok = await send(given);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-request-id')).toBe(given);
    for (const unsafe of ['has spaces in it', 'x'.repeat(129), 'inject\\"quote', 'ünïcode']) {
      const res = await send(unsafe);
      const id = res.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    const lines = captured.lines().filter((l) => l.operation === 'LogsRequestId');
    expect(lines.map((l) => l.reqId)[0]).toBe(given);
    expect(lines).toHaveLength(5);
    // Without a request id of its own a response still gets one.
    const plain = await gql(app.yoga, 'query LogsNoRequestId { __typename }');
    expect(plain.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs an unexpected error at error level with its stack and the request id, the client seeing only INTERNAL_SERVER_ERROR', async () => {
    // A real failure of the request path: the database handle is gone (closed pool).
    const broken = await testApp({ log: captured.log });
    await broken.database.close();
    const res = await broken.yoga.fetch('http://fortress.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'logs-unexpected-1', authorization: `Bearer ${await t.token('x')}` },
      body: JSON.stringify({ query: 'query LogsUnexpected { accounts { totalCount } }' }),
    });
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors.map((e) => e.extensions.code)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(JSON.stringify(body)).not.toMatch(/pool|stack|\bat /i);
    const lines = captured.lines().filter((l) => l.reqId === 'logs-unexpected-1');
    const error = lines.find((l) => l.level === 'error');
    expect(error).toMatchObject({ msg: 'unexpected error', operation: 'LogsUnexpected', err: { message: expect.stringMatching(/pool/i), stack: expect.stringContaining('\n') } });
    expect(lines.find((l) => l.msg === 'graphql request')).toMatchObject({ level: 'info', errorCodes: ['INTERNAL_SERVER_ERROR'] });
    // Logged once: Yoga's own report of the masked error is not a second error line.
    expect(captured.lines().filter((l) => l.level === 'error')).toHaveLength(1);
  });
});
