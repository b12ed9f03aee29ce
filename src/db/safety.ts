// The server refuses to run with a login that could bypass RLS: superusers
// and BYPASSRLS roles skip policies, and table owners skip them unless FORCEd.
import type pg from 'pg';

export interface LoginRoleFacts {
  role: string;
  superuser: boolean;
  bypassRls: boolean;
  ownedObjects: number;
}

export async function loginRoleFacts(pool: pg.Pool): Promise<LoginRoleFacts> {
  const { rows } = await pool.query(
    `select r.rolname as role, r.rolsuper as superuser, r.rolbypassrls as "bypassRls",
            (select count(*)::int from pg_class c where c.relowner = r.oid) as "ownedObjects"
       from pg_roles r where r.rolname = session_user`,
  );
  return rows[0] as LoginRoleFacts;
}

export async function assertSafeLoginRole(pool: pg.Pool) {
  const facts = await loginRoleFacts(pool);
  if (facts.superuser || facts.bypassRls || facts.ownedObjects > 0) {
    throw new Error(
      `Refusing to serve as database role "${facts.role}": it is a superuser, has BYPASSRLS or owns objects. ` +
        'Connect as fortress_authenticator (see README).',
    );
  }
}
