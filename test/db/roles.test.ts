// Facts about roles and tables, read from the catalogs rather than assumed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, count, expectSqlError, ownerPool, type AppRole } from '../helpers.js';
import { createTenant } from '../fixtures.js';
import { assertSafeLoginRole, loginRoleFacts } from '../../src/db/safety.js';

let owner: pg.Pool;
let app: pg.Pool;
let tables: string[];

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  await createTenant(owner, 'roles');
  const { rows } = await owner.query(
    `select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname <> '_prisma_migrations' order by 1`,
  );
  tables = rows.map((r) => r.relname);
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

describe('the server login role', () => {
  it('is fortress_authenticator: not superuser, not BYPASSRLS, owns nothing, NOINHERIT', async () => {
    const facts = await loginRoleFacts(app);
    expect(facts).toEqual({ role: 'fortress_authenticator', superuser: false, bypassRls: false, ownedObjects: 0 });
    const { rows } = await app.query(`select rolinherit, rolcanlogin from pg_roles where rolname = session_user`);
    expect(rows[0]).toEqual({ rolinherit: false, rolcanlogin: true });
    await expect(assertSafeLoginRole(app)).resolves.toBeUndefined();
  });

  it('the start-up check refuses a login that owns the tables (control: the owner role)', async () => {
    expect((await loginRoleFacts(owner)).ownedObjects).toBeGreaterThan(0);
    await expect(assertSafeLoginRole(owner)).rejects.toThrow(/Refusing to serve/);
  });

  it('can read no table without first becoming an app role', async () => {
    const c = await app.connect();
    try {
      await c.query('begin');
      await expectSqlError(c, 'select count(*) from public.accounts', [], '42501');
    } finally {
      await c.query('rollback');
      c.release();
    }
  });

  it('the app roles cannot log in and hold no dangerous attributes', async () => {
    const { rows } = await owner.query(
      `select rolname, rolcanlogin, rolsuper, rolbypassrls, rolcreaterole from pg_roles
        where rolname in ('fortress_anonymous', 'fortress_user', 'fortress_partner', 'fortress_support', 'fortress_worker') order by 1`,
    );
    expect(rows).toHaveLength(5);
    for (const r of rows) expect(r).toMatchObject({ rolcanlogin: false, rolsuper: false, rolbypassrls: false, rolcreaterole: false });
  });
});

describe('every table', () => {
  it('has row-level security enabled and forced, with at least one policy', async () => {
    expect(tables.length).toBeGreaterThanOrEqual(19);
    const { rows } = await owner.query(
      `select c.relname, c.relrowsecurity, c.relforcerowsecurity,
              (select count(*)::int from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname) as policies
         from pg_class c where c.relname = any($1) and c.relnamespace = 'public'::regnamespace`,
      [tables],
    );
    for (const r of rows) {
      expect(r, r.relname).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
      expect(r.policies, r.relname).toBeGreaterThan(0);
    }
  });

  // What partner clients may read, keyed on their scopes (sql/functions/partner.sql,
  // test/db/partner_access.test.ts); every other table stays unreadable to them.
  const PARTNER_READABLE = new Set([
    'accounts', 'categories', 'inventory', 'locations', 'order_items', 'orders', 'partner_clients', 'products', 'transactions', 'transfers',
  ]);

  for (const role of ['fortress_anonymous', 'fortress_partner', 'fortress_support', 'fortress_worker'] as AppRole[]) {
    it(`is unreadable by ${role}, though it holds rows`, async () => {
      for (const table of tables) {
        expect(await count(owner, `select count(*) as n from ${table}`), table).toBeGreaterThan(0);
        if (role === 'fortress_partner' && PARTNER_READABLE.has(table)) {
          // Granted, but without a live partner client in the settings no row is visible.
          await asRole(app, { role }, async (c) => expect(await count(c, `select count(*) as n from public.${table}`), table).toBe(0));
        } else {
          await asRole(app, { role }, (c) => expectSqlError(c, `select 1 from public.${table} limit 1`, [], '42501'));
        }
      }
    });
  }
});
