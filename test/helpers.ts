// Shared test plumbing: the app wired to the suite's database, GraphQL calls
// through yoga.fetch, SQL sessions under the app roles, and the owner pool
// used for fixtures and for the controls that prove hidden rows exist.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inject, expect } from 'vitest';
import pg from 'pg';
import { parse, print, type DocumentNode } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { graphql as generatedGraphql } from './generated/graphql/gql.js';
import { createDatabase } from '../src/db/client.js';
import { createTokenService, type PartnerViewer, type TenantRole } from '../src/auth/tokens.js';
import { buildYoga, type YogaOptions } from '../src/yoga.js';

export const ownerPool = () => new pg.Pool({ connectionString: inject('ownerUrl'), max: 4 });
export const authenticatorPool = () => new pg.Pool({ connectionString: inject('authenticatorUrl'), max: 4 });

export const tokens = () => createTokenService({ secret: inject('jwtSecret'), issuer: 'fortress', audience: 'fortress-api' });
/** An access token for (user, tenant, role), signed with the suite's key. */
export const signToken = async (userId: string, tenantId: string, role: TenantRole, sessionId?: string) =>
  (await (await tokens()).sign({ userId, tenantId, role, sessionId })).token;

/** A partner client's access token, as POST /oauth/token issues it, signed with the suite's key. */
export const signPartnerToken = async (viewer: Omit<PartnerViewer, 'kind'>) => (await (await tokens()).signPartner(viewer)).token;

/** The app as production runs it (no GraphiQL, no introspection unless asked), on the suite's database. */
export async function testApp(
  opts: {
    poolMax?: number;
    onQuery?: (sql: string) => void;
    txMaxWaitMs?: number;
    /** DB_TX_TIMEOUT_MS: the request transaction's bound and every statement's timeout; default 15 s. */
    txTimeoutMs?: number;
    introspection?: boolean;
    development?: boolean;
    authPolicy?: YogaOptions['authPolicy'];
    /** Webhook registration rules; default: production's (https, public addresses only). */
    webhooks?: YogaOptions['webhooks'];
    /** Partner rate limits (requests per minute, token requests per address per minute). */
    partnerPolicy?: YogaOptions['partnerPolicy'];
    /** Persisted-operations manifests; default: the committed ones. */
    persistedDocuments?: YogaOptions['persistedDocuments'];
    /** A logger to capture lines (test/api/logging.test.ts); default: no logging. */
    log?: YogaOptions['log'];
    /** GET /metrics protection (token, open); default: production's, not served. */
    metrics?: YogaOptions['metrics'];
    /** CORS origins and HSTS (default: production's, no origin and no HSTS). */
    cors?: YogaOptions['cors'];
    hstsMaxAgeSeconds?: number;
    /** Serve compiled persisted operations (src/compiled/); default: on, as the server does. */
    compiledOperations?: boolean;
  } = {},
) {
  const database = createDatabase({
    url: inject('authenticatorUrl'),
    poolMax: opts.poolMax ?? 4,
    txMaxWaitMs: opts.txMaxWaitMs ?? 10_000,
    txTimeoutMs: opts.txTimeoutMs ?? 15_000,
  });
  if (opts.onQuery) spyOnQueries(database.pool, opts.onQuery);
  // trustProxy: yoga.fetch has no socket, so tests give the client address in X-Forwarded-For.
  const yoga = buildYoga({
    database, tokens: await tokens(), logging: !!opts.log, log: opts.log, metrics: opts.metrics ?? {}, trustProxy: true, introspection: opts.introspection, development: opts.development,
    authPolicy: opts.authPolicy, webhooks: opts.webhooks, partnerPolicy: opts.partnerPolicy, persistedDocuments: opts.persistedDocuments,
    cors: opts.cors, hstsMaxAgeSeconds: opts.hstsMaxAgeSeconds, compiledOperations: opts.compiledOperations,
  });
  return { database, yoga, close: () => database.close() };
}

/**
 * Hands the text of every statement the pool's connections send to onQuery
 * (tests count statements and inspect SQL). Installed before the pool opens
 * its first connection, so it sees them all; the server has no such hook.
 */
export function spyOnQueries(pool: pg.Pool, onQuery: (sql: string) => void) {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const first = args[0] as string | { text?: string };
      onQuery(typeof first === 'string' ? first : (first?.text ?? ''));
      return query(...args);
    };
  });
}

/**
 * Hands onSql the text of every statement the connections of `pool` really
 * send, after src/db/identity.ts has merged BEGIN into the identity statement
 * (a listener ahead of the pool's own). Install it before the pool opens a
 * connection (a fresh testApp).
 */
export function spyOnWire(pool: pg.Pool, onSql: (sql: string) => void) {
  pool.prependListener('connect', (client: pg.PoolClient) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const first = args[0] as string | { text?: string };
      onSql(typeof first === 'string' ? first : (first?.text ?? ''));
      return query(...args);
    };
  });
}

/**
 * A typed inline document: `graphql(`query Name … `)` in a test file is a
 * TypedDocumentNode, so `gql` checks its variables and types its data. Codegen
 * (`npm run generate`, codegen.ts) reads these calls and writes their types to
 * test/generated/, outside the partners' persisted-documents manifest; the
 * document itself is parsed here, so a stale generation only costs types.
 * Operation names are unique across test files; a fragment is spread only in
 * the graphql() call that defines it.
 */
export const graphql = ((source: string) => parse(source)) as unknown as typeof generatedGraphql;

export interface GqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [k: string]: unknown };
}

export interface GqlResult<T = any> {
  status: number;
  /** The response headers (Retry-After, content-type, …). */
  headers: Headers;
  data?: T | null;
  errors?: GqlError[];
}

export interface GqlOptions<V> {
  token?: string;
  /** The raw Authorization header, for malformed ones (else `Bearer <token>`). */
  authorization?: string;
  variables?: V;
  /** X-Forwarded-For: the client address (testApp trusts the proxy; yoga.fetch has no socket). */
  ip?: string;
  userAgent?: string;
}

let manifest: Record<string, string> | undefined;
/**
 * The text of a document: printed, or the manifest's for an operations/ or
 * operations/partners/ document (codegen keeps only its hash).
 */
export function documentText(document: DocumentNode | string): string {
  if (typeof document === 'string') return document;
  const hash = (document as { __meta__?: { hash?: string } }).__meta__?.hash;
  if (!document.definitions && hash) {
    const read = (dir: string) =>
      JSON.parse(readFileSync(new URL(`../src/generated/${dir}/persisted-documents.json`, import.meta.url), 'utf8')) as Record<string, string>;
    manifest ??= { ...read('graphql'), ...read('partners') };
    const text = manifest[hash];
    if (!text) throw new Error(`${hash} is not in the persisted-documents manifest: run \`npm run generate\``);
    return text;
  }
  return print(document);
}

/**
 * One GraphQL request through yoga.fetch, as a client sends it. A typed
 * document (`graphql(…)` here, or an operations/ document from
 * src/generated/graphql) types `variables` and `data`; a string (malformed
 * documents, documents built by code) gives untyped data.
 */
export function gql<TData, TVariables>(
  yoga: ReturnType<typeof buildYoga>,
  document: TypedDocumentNode<TData, TVariables>,
  opts?: GqlOptions<NoInfer<TVariables>>,
): Promise<GqlResult<TData>>;
export function gql(yoga: ReturnType<typeof buildYoga>, query: string, opts?: GqlOptions<Record<string, unknown>>): Promise<GqlResult>;
export async function gql(
  yoga: ReturnType<typeof buildYoga>,
  document: DocumentNode | string,
  opts: GqlOptions<unknown> = {},
): Promise<GqlResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const authorization = opts.authorization ?? (opts.token ? `Bearer ${opts.token}` : undefined);
  if (authorization) headers.authorization = authorization;
  if (opts.ip !== undefined) headers['x-forwarded-for'] = opts.ip;
  if (opts.userAgent !== undefined) headers['user-agent'] = opts.userAgent;
  const res = await yoga.fetch('http://fortress.test/graphql', {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: documentText(document), variables: opts.variables }),
  });
  return { status: res.status, headers: res.headers, ...((await res.json()) as object) };
}

export const errorCodes = (r: { errors?: GqlError[] }) => (r.errors ?? []).map((e) => e.extensions?.code);

export type AppRole = 'fortress_anonymous' | 'fortress_user' | 'fortress_partner' | 'fortress_support' | 'fortress_worker';

/**
 * Runs fn in a transaction on the server's login, set up exactly like a
 * request transaction (role + transaction-local settings), then rolls back.
 */
export async function asRole<T>(
  pool: pg.Pool,
  who: { role: AppRole; tenantId?: string; userId?: string; partnerClientId?: string; partnerScopes?: string[] },
  fn: (c: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('begin');
    await c.query(
      `select set_config('role', $1, true), set_config('app.current_tenant_id', $2, true), set_config('app.current_user_id', $3, true),
              set_config('app.current_partner_client_id', $4, true), set_config('app.current_partner_scopes', $5, true)`,
      [who.role, who.tenantId ?? '', who.userId ?? '', who.partnerClientId ?? '', (who.partnerScopes ?? []).join(' ')],
    );
    return await fn(c);
  } finally {
    await c.query('rollback').catch(() => {});
    c.release();
  }
}

/** Expects the statement to fail with SQLSTATE `code`; a savepoint keeps the transaction usable. */
export async function expectSqlError(c: pg.PoolClient, sql: string, params: unknown[], code: string) {
  await c.query('savepoint expect_error');
  let error: { code?: string } | undefined;
  try {
    await c.query(sql, params);
  } catch (e) {
    error = e as { code?: string };
  }
  await c.query('rollback to savepoint expect_error');
  expect(error, `expected SQLSTATE ${code} from: ${sql}`).toBeDefined();
  expect(error!.code).toBe(code);
}

export const count = async (c: pg.PoolClient | pg.Pool, sql: string, params: unknown[] = []) =>
  Number((await c.query(sql, params)).rows[0].n);

/** Relay global id, as Pothos encodes it. */
export const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

/**
 * A new, empty database in the suite's cluster, owned by fortress_owner (the
 * cluster-wide roles already exist), for tests that migrate a database of
 * their own. The superuser creates it: the owner role has no CREATEDB.
 */
export async function freshDatabase(label: string) {
  const name = `fortress_${label}_${randomBytes(4).toString('hex')}`;
  const superuser = async (sql: string) => {
    const c = new pg.Client({ connectionString: inject('superuserUrl') });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await superuser(`create database ${name} owner fortress_owner`);
  const on = (url: string) => {
    const u = new URL(url);
    u.pathname = `/${name}`;
    return u.toString();
  };
  return {
    name,
    ownerUrl: on(inject('ownerUrl')),
    authenticatorUrl: on(inject('authenticatorUrl')),
    drop: () => superuser(`drop database if exists ${name} with (force)`),
  };
}
