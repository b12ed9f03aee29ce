// Plumbing for the tests of sql/functions/: who may execute a function, the
// FORTRESS:<CODE> error convention, committed calls (the owner checks their
// effects from another connection), and password hashes in argon2id's format.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type pg from 'pg';
import type { AppRole } from '../../helpers.js';
import type { ErrorCode } from '../../../src/errors.js';

const LOGIN_ROLES = ['fortress_authenticator', 'fortress_anonymous', 'fortress_user', 'fortress_partner', 'fortress_support', 'fortress_worker'];

/** The server's login and the app roles that may execute `signature` (e.g. 'app.login_lookup(text,text)'). */
export async function executors(pool: pg.Pool, signature: string) {
  const { rows } = await pool.query<{ role: string }>(
    `select r as role from unnest($1::text[]) r where has_function_privilege(r, $2::regprocedure, 'execute') order by 1`,
    [LOGIN_ROLES, signature],
  );
  const { rows: pub } = await pool.query(`select has_function_privilege('public', $1::regprocedure, 'execute') as yes`, [signature]);
  expect(pub[0].yes, `${signature} is executable by PUBLIC`).toBe(false);
  return rows.map((r) => r.role);
}

/** Expects the statement to raise the documented error: SQLSTATE P0001, message 'FORTRESS:<code>: …'. */
export async function expectRaised(c: pg.PoolClient, sql: string, params: unknown[], code: ErrorCode, text?: RegExp) {
  await c.query('savepoint expect_raised');
  let error: { code?: string; message?: string } | undefined;
  try {
    await c.query(sql, params);
  } catch (e) {
    error = e as typeof error;
  }
  await c.query('rollback to savepoint expect_raised');
  expect(error, `expected FORTRESS:${code} from: ${sql}`).toBeDefined();
  expect(error!.code).toBe('P0001');
  expect(error!.message).toMatch(new RegExp(`^FORTRESS:${code}: `));
  if (text) expect(error!.message).toMatch(text);
}

/** Like asRole, but commits, so the owner can check the effects. */
export async function committedAs<T>(
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
    const result = await fn(c);
    await c.query('commit');
    return result;
  } catch (e) {
    await c.query('rollback').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}

/** A distinct string in argon2id's PHC format, as node-argon2 writes it (the functions check the format, never the hash). */
export const fakeHash = () =>
  `$argon2id$v=19$m=19456,p=1,t=2$${randomBytes(16).toString('base64').replace(/=+$/, '')}$${randomBytes(32).toString('base64').replace(/=+$/, '')}`;

/** A refresh-token hash as the server stores it: 64 hex digits. */
export const tokenHash = () => randomBytes(32).toString('hex');
