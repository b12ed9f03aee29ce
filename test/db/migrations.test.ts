// Security SQL is append-only: a changed sql/ file goes into a NEW migration
// (`npm run rls:build`) and runs again on databases that already ran its
// previous version, so every file must be re-runnable. Proved on databases of
// their own in the suite's cluster, migrated from the real prisma/migrations,
// with the build and the runner pointed at temporary copies of sql/ and
// prisma/migrations.
import { cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { buildSqlMigration, changedSqlFiles, SQL_DIR } from '../../src/db/sql-migrations.js';
import { MIGRATIONS_DIR, listMigrations, migrate } from '../../src/db/migrate.js';
import { asRole, count, freshDatabase } from '../helpers.js';
import { createTenant } from '../fixtures.js';

// After every real migration, whatever the clock says.
const LATER = new Date('2999-01-01T00:00:00Z');

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A database with every migration applied, and copies of sql/ and prisma/migrations to change. */
async function migratedDatabase(label: string) {
  const db = await freshDatabase(label);
  cleanups.push(db.drop);
  await migrate(db.ownerUrl);
  const dir = await mkdtemp(path.join(tmpdir(), 'fortress-sql-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const dirs = { sqlDir: path.join(dir, 'sql'), migrationsDir: path.join(dir, 'migrations') };
  await cp(SQL_DIR, dirs.sqlDir, { recursive: true });
  await cp(MIGRATIONS_DIR, dirs.migrationsDir, { recursive: true });
  const owner = new pg.Pool({ connectionString: db.ownerUrl, max: 2 });
  const app = new pg.Pool({ connectionString: db.authenticatorUrl, max: 2 });
  cleanups.push(() => owner.end(), () => app.end());
  return { db, dirs, owner, app };
}

/**
 * Everything the sql/ files decide, read from the catalogs: policies, RLS
 * flags, privileges on the database, schemas, tables, columns, sequences and
 * functions (with their search_path and security), triggers, and comments.
 */
async function securityCatalogue(owner: pg.Pool) {
  const q = async (sql: string) => (await owner.query(sql)).rows;
  const grantee = `case when a.grantee = 0 then 'public' else pg_get_userbyid(a.grantee) end`;
  return {
    policies: await q(`select tablename, policyname, permissive, roles::text[] as roles, cmd, qual, with_check
                         from pg_policies order by tablename, policyname`),
    rls: await q(`select relname, relrowsecurity, relforcerowsecurity from pg_class
                   where relnamespace = 'public'::regnamespace and relkind = 'r' order by relname`),
    relationPrivileges: await q(`select c.relname, ${grantee} as grantee, a.privilege_type
                                   from pg_class c, aclexplode(c.relacl) a
                                  where c.relnamespace in ('public'::regnamespace, 'app'::regnamespace)
                                  order by 1, 2, 3`),
    columnPrivileges: await q(`select c.relname, t.attname, ${grantee} as grantee, a.privilege_type
                                 from pg_attribute t join pg_class c on c.oid = t.attrelid, aclexplode(t.attacl) a
                                where c.relnamespace = 'public'::regnamespace order by 1, 2, 3, 4`),
    functions: await q(`select p.oid::regprocedure::text as fn, p.prosecdef, p.proconfig, p.provolatile,
                               obj_description(p.oid, 'pg_proc') as comment,
                               array(select ${grantee} || ':' || a.privilege_type from aclexplode(p.proacl) a order by 1) as acl
                          from pg_proc p where p.pronamespace = 'app'::regnamespace order by 1`),
    schemaPrivileges: await q(`select n.nspname, ${grantee} as grantee, a.privilege_type
                                 from pg_namespace n, aclexplode(n.nspacl) a where n.nspname in ('public', 'app') order by 1, 2, 3`),
    databasePrivileges: await q(`select ${grantee} as grantee, a.privilege_type
                                   from pg_database d, aclexplode(d.datacl) a where d.datname = current_database() order by 1, 2`),
    triggers: await q(`select tgrelid::regclass::text as tbl, tgname, tgfoid::regprocedure::text as fn, tgtype, tgenabled
                         from pg_trigger where not tgisinternal order by 1, 2`),
    comments: await q(`select c.relname, obj_description(c.oid, 'pg_class') as comment from pg_class c
                        where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' order by 1`),
  };
}

describe('security SQL is append-only', () => {
  it('a changed policy file goes into a new migration and takes effect on a database that ran its previous version', async () => {
    const { db, dirs, owner, app } = await migratedDatabase('policy_change');
    const fx = await createTenant(owner, 'mig');
    const memberSees = () =>
      asRole(app, { role: 'fortress_user', tenantId: fx.tenantId, userId: fx.x }, (c) => count(c, 'select count(*) as n from categories'));
    expect(await memberSees(), 'members read categories under the shipped policy').toBe(1);
    const before = await securityCatalogue(owner);

    // Categories become readable by owners and admins only, under a new policy name.
    const file = path.join(dirs.sqlDir, 'rls/categories.sql');
    const shipped = await readFile(file, 'utf8');
    const selectPolicy = /create policy select_own_tenant on categories for select to fortress_user\n\s+using \(tenant_id = \(select app\.current_tenant_id\(\)\)\);/;
    expect(shipped).toMatch(selectPolicy);
    await writeFile(
      file,
      shipped.replace(
        selectPolicy,
        'create policy select_admin on categories for select to fortress_user\n  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));',
      ),
    );

    const name = await buildSqlMigration(dirs, LATER);
    expect(name).toBe('29990101000000_sql_categories');
    const sql = await readFile(path.join(dirs.migrationsDir, name!, 'migration.sql'), 'utf8');
    expect(sql.match(/^-- ---- sql\/.*$/gm)).toEqual(['-- ---- sql/rls/categories.sql']);
    // The shipped migrations are untouched: only the new one is added.
    expect((await listMigrations(dirs.migrationsDir)).map((m) => m.name)).toEqual([
      ...(await listMigrations()).map((m) => m.name),
      name,
    ]);
    expect(await buildSqlMigration(dirs, LATER), 'nothing left to build').toBeNull();

    expect(await migrate(db.ownerUrl, { migrationsDir: dirs.migrationsDir })).toEqual([name]);

    const after = await securityCatalogue(owner);
    const categories = (c: typeof before) => c.policies.filter((p) => p.tablename === 'categories').map((p) => p.policyname);
    expect(categories(before)).toContain('select_own_tenant');
    expect(categories(after)).toContain('select_admin');
    expect(categories(after), 'the old policy is gone, not left beside the new one').not.toContain('select_own_tenant');
    expect(categories(after).length).toBe(categories(before).length);
    // Every other table's policies, and every grant (categories' re-granted), are as they were.
    const others = (c: typeof before) => c.policies.filter((p) => p.tablename !== 'categories');
    expect(others(after)).toEqual(others(before));
    expect(others(after).length).toBeGreaterThan(40);
    const { policies: _a, ...restAfter } = after;
    const { policies: _b, ...restBefore } = before;
    expect(restAfter).toEqual(restBefore);

    expect(await memberSees(), 'the new policy is in effect').toBe(0);
    await asRole(app, { role: 'fortress_user', tenantId: fx.tenantId, userId: fx.admin }, async (c) => {
      expect(await count(c, 'select count(*) as n from categories'), 'control: an admin still reads them').toBe(1);
    });
  });

  it('every sql/ file runs again on a database that already ran it, leaving every policy and grant as it was', async () => {
    const { db, dirs, owner } = await migratedDatabase('rerun');
    await createTenant(owner, 'rerun');
    const before = await securityCatalogue(owner);

    // An empty manifest: the build takes every file, in run order.
    await unlink(path.join(dirs.sqlDir, 'manifest.json'));
    const { files } = await changedSqlFiles(dirs);
    const name = await buildSqlMigration(dirs, LATER);
    const sql = await readFile(path.join(dirs.migrationsDir, name!, 'migration.sql'), 'utf8');
    const included = [...sql.matchAll(/^-- ---- sql\/(.*)$/gm)].map((m) => m[1]);
    expect(included).toEqual(files.map((f) => f.name));
    expect(included.slice(0, 3)).toEqual(['rls/00_roles.sql', 'rls/01_helpers.sql', 'functions/audit.sql']);
    expect(included).toContain('rls/users.sql');

    expect(await migrate(db.ownerUrl, { migrationsDir: dirs.migrationsDir })).toEqual([name]);
    const after = await securityCatalogue(owner);
    expect(after.policies.length).toBeGreaterThan(40);
    expect(after.relationPrivileges.length).toBeGreaterThan(20);
    expect(after.columnPrivileges.length).toBeGreaterThan(20);
    expect(after).toEqual(before);
  });
});
