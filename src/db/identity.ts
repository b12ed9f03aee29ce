// The request transaction's first statement, and the one round trip that
// carries it together with BEGIN.
//
// Prisma's pg adapter sends BEGIN on its own when a transaction starts, then
// our identity statement follows: two round trips (each a socket write and a
// wait on Postgres) before any real work. Here each pooled connection holds
// that BEGIN back until the transaction's next statement: when it is the
// identity statement, both go in one simple-protocol message
// `BEGIN; select set_config('role', …, true), …, app.require_live_session(…)`,
// with the eight values checked (a known role, uuids, known partner scopes,
// settings only of the role they belong to) and quoted as literals; anything else is sent
// after a plain BEGIN, exactly as before. Postgres sees the same statements in
// the same order: BEGIN, then the settings, transaction-local.
import type pg from 'pg';
import { isPartnerScope, type Viewer } from '../auth/tokens.js';

/** The Postgres role each kind of viewer becomes for its transaction. */
export const PG_ROLE: Record<Viewer['kind'], string> = {
  anonymous: 'fortress_anonymous',
  user: 'fortress_user',
  partner: 'fortress_partner',
  support: 'fortress_support',
};

/**
 * Role, tenant, user, partner client and partner scopes, support staff member
 * and support session, transaction-local (`true`): the first statement of
 * every request transaction. Every setting is set every time ('' when it does
 * not apply), so nothing of an earlier statement in the same transaction
 * survives a switch (login, sign-up). The session check's subject is the user
 * or the support staff member: at most one of $3 and $7 is not '' (applyIdentity,
 * literalIdentity), so `$3 || $7` is whichever applies.
 */
export const IDENTITY_SQL =
  "select set_config('role', $1, true), set_config('app.current_tenant_id', $2, true), set_config('app.current_user_id', $3, true), " +
  "set_config('app.current_partner_client_id', $4, true), set_config('app.current_partner_scopes', $5, true), " +
  "set_config('app.current_support_staff_id', $7, true), set_config('app.current_support_session_id', $8, true), " +
  'app.require_live_session($1, $6, $3 || $7)';

const ROLES = new Set(Object.values(PG_ROLE));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** '' or space-separated known partner scopes. */
const isScopeList = (v: unknown) => typeof v === 'string' && (v === '' || v.split(' ').every(isPartnerScope));

type QueryConfig = { text?: string; values?: unknown[]; name?: string; rowMode?: string; types?: unknown; submit?: unknown };
type Query = (config: unknown, values?: unknown, callback?: unknown) => unknown;

const DEFERRED = Symbol('fortress.deferredBegin');
type Deferring = pg.PoolClient & { [DEFERRED]?: boolean };

const done = (command: string) => ({ command, rowCount: null, oid: null, rows: [], fields: [] });

/** The identity statement with literal values, when the values are what applyIdentity sends. */
function literalIdentity(client: pg.PoolClient, values: unknown): string | undefined {
  if (!Array.isArray(values) || values.length !== 8) return undefined;
  const [role, tenant, user, partner, scopes, session, staff, supportSession] = values as unknown[];
  if (typeof role !== 'string' || !ROLES.has(role)) return undefined;
  for (const id of [tenant, user, partner, session, staff, supportSession]) if (typeof id !== 'string' || (id !== '' && !UUID.test(id))) return undefined;
  if (!isScopeList(scopes)) return undefined;
  // Partner settings belong to the partner role only.
  if (role !== PG_ROLE.partner && (partner !== '' || scopes !== '')) return undefined;
  // Support settings belong to the support role only, which has no user and names its own session.
  if (role !== PG_ROLE.support && (staff !== '' || supportSession !== '')) return undefined;
  if (role === PG_ROLE.support && (user !== '' || staff === '' || supportSession !== session)) return undefined;
  const lit = (v: string) => client.escapeLiteral(v);
  return (
    `BEGIN; select set_config('role', ${lit(role)}, true), set_config('app.current_tenant_id', ${lit(tenant as string)}, true), ` +
    `set_config('app.current_user_id', ${lit(user as string)}, true), set_config('app.current_partner_client_id', ${lit(partner as string)}, true), ` +
    `set_config('app.current_partner_scopes', ${lit(scopes as string)}, true), ` +
    `set_config('app.current_support_staff_id', ${lit(staff as string)}, true), set_config('app.current_support_session_id', ${lit(supportSession as string)}, true), ` +
    `app.require_live_session(${lit(role)}, ${lit(session as string)}, ${lit(((user as string) || (staff as string)))})`
  );
}

/**
 * Installs the deferred BEGIN on every connection of `pool` (before any other
 * `connect` listener, so query spies see the statements Prisma asks for).
 */
export function mergeBeginWithIdentity(pool: pg.Pool) {
  pool.on('connect', (client: Deferring) => {
    const query = client.query.bind(client) as Query;
    (client as { query: Query }).query = (config, values, callback) => {
      const cfg = (typeof config === 'string' ? { text: config } : (config ?? {})) as QueryConfig;
      const promiseStyle = typeof values !== 'function' && callback === undefined && typeof cfg.submit !== 'function';
      if (!client[DEFERRED]) {
        // A pipelined checkout (the compiled read path) sends everything in one round trip anyway.
        if (cfg.text === 'BEGIN' && promiseStyle && values === undefined && !(client as { pipeline?: boolean }).pipeline) {
          client[DEFERRED] = true;
          return Promise.resolve(done('BEGIN'));
        }
        return query(config, values, callback);
      }
      client[DEFERRED] = false;
      if (!promiseStyle) {
        // Not the adapter's kind of call: BEGIN first (queued in order by pg), then the call.
        (query('BEGIN') as Promise<unknown>).catch(() => {});
        return query(config, values, callback);
      }
      // A transaction that ends before any statement never began.
      if (cfg.text === 'COMMIT' || cfg.text === 'ROLLBACK') return Promise.resolve(done(cfg.text));
      const merged = cfg.text === IDENTITY_SQL ? literalIdentity(client, cfg.values ?? values) : undefined;
      if (merged) {
        return (query({ text: merged, rowMode: cfg.rowMode, types: cfg.types }) as Promise<unknown[]>).then((results) => results[1]);
      }
      return (query('BEGIN') as Promise<unknown>).then(() => query(config, values));
    };
  });
  // Released with the BEGIN still held back: nothing was sent, the connection is clean.
  pool.on('release', (_err: Error | undefined, client: Deferring) => {
    client[DEFERRED] = false;
  });
}
