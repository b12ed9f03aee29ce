// The cross-tenant checks every tenant-owned table must pass, at the SQL
// level, on the server's own login (fortress_authenticator) with the request
// path's settings. Each denial is paired with a control: the owner sees the
// hidden row, and the same statement aimed at the caller's own tenant works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, count, expectSqlError, ownerPool, type AppRole } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';

export interface TableSpec {
  table: string;
  /** A fixture row of this table in the given tenant. */
  row: (fx: TenantFixture) => string;
  idColumn?: string;
  tenantColumn?: string;
  /** Who can read `row` inside its own tenant (the positive control). Default: owner. */
  reader?: 'owner' | 'x';
  /** A row for tenant `fx` as its owner would insert it; omit when app roles may not insert. */
  insert?: (fx: TenantFixture) => Record<string, unknown>;
  /** SET clause of an update app roles are granted; omit when they have none. */
  update?: string;
}

export interface IsolationContext {
  owner: pg.Pool;
  app: pg.Pool;
  a: TenantFixture;
  b: TenantFixture;
}

/** Fixture tenants A and B plus pools, shared by a table's test file. */
export function useTenants(label: string): IsolationContext {
  const ctx = {} as IsolationContext;
  beforeAll(async () => {
    ctx.owner = ownerPool();
    ctx.app = authenticatorPool();
    ctx.a = await createTenant(ctx.owner, `${label}-a`);
    ctx.b = await createTenant(ctx.owner, `${label}-b`);
  });
  afterAll(async () => {
    await ctx.app.end();
    await ctx.owner.end();
  });
  return ctx;
}

export const asUser = <T>(app: pg.Pool, fx: TenantFixture, who: 'owner' | 'x' | 'y' | 'admin', fn: (c: pg.PoolClient) => Promise<T>) =>
  asRole(app, { role: 'fortress_user', tenantId: fx.tenantId, userId: fx[who] }, fn);

function insertSql(table: string, values: Record<string, unknown>) {
  const cols = Object.keys(values);
  return {
    sql: `insert into ${table} (${cols.join(', ')}) values (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
    params: Object.values(values),
  };
}

export function describeTenantIsolation(spec: TableSpec, ctx: IsolationContext) {
  const { table } = spec;
  const id = spec.idColumn ?? 'id';
  const tenantCol = spec.tenantColumn ?? 'tenant_id';
  const reader = spec.reader ?? 'owner';

  describe(`${table}: tenant isolation`, () => {
    it(`tenant A's ${reader} cannot see tenant B's rows, which exist`, async () => {
      const { app, owner, a, b } = ctx;
      await asUser(app, a, reader, async (c) => {
        expect(await count(c, `select count(*) as n from ${table} where ${tenantCol} = $1`, [b.tenantId])).toBe(0);
        expect(await count(c, `select count(*) as n from ${table} where ${id} = $1`, [spec.row(b)])).toBe(0);
        // Positive control inside A: the same query finds A's own row.
        expect(await count(c, `select count(*) as n from ${table} where ${id} = $1`, [spec.row(a)])).toBe(1);
      });
      expect(await count(owner, `select count(*) as n from ${table} where ${id} = $1`, [spec.row(b)])).toBe(1);
    });

    it('without tenant settings a user sees no rows at all', async () => {
      const { app, owner, a } = ctx;
      await asRole(app, { role: 'fortress_user' }, async (c) => {
        expect(await count(c, `select count(*) as n from ${table}`)).toBe(0);
      });
      expect(await count(owner, `select count(*) as n from ${table} where ${tenantCol} = $1`, [a.tenantId])).toBeGreaterThan(0);
    });

    it(`a user with a valid identity for tenant A but no membership in it reads and writes nothing of A`, async () => {
      const { app, owner, a, b } = ctx;
      // The invitee is a user of A without a membership; B's member claims A's tenant id.
      for (const userId of [a.invitee, b.x]) {
        await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId }, async (c) => {
          expect(await count(c, `select count(*) as n from ${table} where ${id} = $1`, [spec.row(a)])).toBe(0);
          expect(await count(c, `select count(*) as n from ${table}`)).toBe(0);
          if (spec.update) expect((await c.query(`update ${table} set ${spec.update} where ${id} = $1`, [spec.row(a)])).rowCount).toBe(0);
          if (spec.insert) {
            const intoA = insertSql(table, spec.insert(a));
            await expectSqlError(c, intoA.sql, intoA.params, '42501');
          }
        });
      }
      // Control: A's reader, a member, sees the row through the same statement; the owner sees it too.
      await asUser(app, a, reader, async (c) => {
        expect(await count(c, `select count(*) as n from ${table} where ${id} = $1`, [spec.row(a)])).toBe(1);
      });
      expect(await count(owner, `select count(*) as n from ${table} where ${id} = $1`, [spec.row(a)])).toBe(1);
    });

    it(`tenant A's owner cannot insert a row carrying tenant B's id`, async () => {
      const { app, owner, a, b } = ctx;
      const values = spec.insert ? spec.insert(b) : undefined;
      if (values) {
        const intoB = insertSql(table, values);
        const intoA = insertSql(table, spec.insert!(a));
        await asUser(app, a, 'owner', async (c) => {
          await expectSqlError(c, intoB.sql, intoB.params, '42501');
          // Control: the same insert into A's own tenant is allowed.
          await c.query(intoA.sql, intoA.params);
        });
      } else {
        // App roles may not insert here at all, in any tenant.
        await asUser(app, a, 'owner', async (c) => {
          await expectSqlError(c, `insert into ${table} (${tenantCol}) values ($1)`, [b.tenantId], '42501');
          await expectSqlError(c, `insert into ${table} (${tenantCol}) values ($1)`, [a.tenantId], '42501');
        });
      }
      expect(await count(owner, `select count(*) as n from tenants where id = $1`, [b.tenantId])).toBe(1);
    });

    it(`tenant A's owner cannot update tenant B's rows nor move a row into tenant B`, async () => {
      const { app, owner, a, b } = ctx;
      await asUser(app, a, 'owner', async (c) => {
        if (spec.update) {
          const hidden = await c.query(`update ${table} set ${spec.update} where ${id} = $1`, [spec.row(b)]);
          expect(hidden.rowCount).toBe(0);
        } else {
          await expectSqlError(c, `update ${table} set ${tenantCol} = ${tenantCol} where ${id} = $1`, [spec.row(b)], '42501');
        }
        await expectSqlError(c, `update ${table} set ${tenantCol} = $1 where ${id} = $2`, [b.tenantId, spec.row(a)], '42501');
      });
      if (spec.update) {
        // Control: the same update reaches the row as the owner (rolled back).
        const c = await owner.connect();
        try {
          await c.query('begin');
          expect((await c.query(`update ${table} set ${spec.update} where ${id} = $1`, [spec.row(b)])).rowCount).toBe(1);
        } finally {
          await c.query('rollback');
          c.release();
        }
      }
    });

    it(`tenant A's owner cannot delete tenant B's rows`, async () => {
      const { app, owner, a, b } = ctx;
      await asUser(app, a, 'owner', async (c) => {
        await c.query('savepoint d');
        try {
          expect((await c.query(`delete from ${table} where ${id} = $1`, [spec.row(b)])).rowCount).toBe(0);
        } catch (e) {
          expect((e as { code?: string }).code).toBe('42501');
        }
        await c.query('rollback to savepoint d');
      });
      expect(await count(owner, `select count(*) as n from ${table} where ${id} = $1`, [spec.row(b)])).toBe(1);
    });
  });
}

/** Shared reference data of a tenant: every user reads it, only owners/admins change it. */
export function describeReferenceData(spec: TableSpec & { update: string }, ctx: IsolationContext) {
  const { table, update } = spec;
  describe(`${table}: readable by every user of the tenant, writable by admins`, () => {
    it('a member reads it but cannot change or delete it; the owner can change it', async () => {
      const { app, a } = ctx;
      const id = spec.row(a);
      await asUser(app, a, 'x', async (c) => {
        expect(await count(c, `select count(*) as n from ${table} where id = $1`, [id])).toBe(1);
        expect((await c.query(`update ${table} set ${update} where id = $1`, [id])).rowCount).toBe(0);
        expect((await c.query(`delete from ${table} where id = $1`, [id])).rowCount).toBe(0);
      });
      await asUser(app, a, 'owner', async (c) => {
        expect((await c.query(`update ${table} set ${update} where id = $1`, [id])).rowCount).toBe(1);
      });
    });
  });
}

/** The roles a request can take; fortress_user as the row's member, an admin and the owner. */
const WRITERS: { label: string; role: AppRole; who?: 'x' | 'admin' | 'owner' }[] = [
  { label: 'anonymous', role: 'fortress_anonymous' },
  { label: 'partner', role: 'fortress_partner' },
  { label: 'support', role: 'fortress_support' },
  { label: 'worker', role: 'fortress_worker' },
  { label: 'member x', role: 'fortress_user', who: 'x' },
  { label: 'admin', role: 'fortress_user', who: 'admin' },
  { label: 'owner', role: 'fortress_user', who: 'owner' },
];

export interface ReadOnlySpec {
  table: string;
  /** A fixture row of this table in the given tenant (member x's, where rows belong to users). */
  row: (fx: TenantFixture) => string;
  /** A complete, valid row for tenant `fx` (the owner's control inserts it). */
  insert: (fx: TenantFixture) => Record<string, unknown>;
  /** SET clauses, one per protected column, each valid for the fixture row (the owner's control runs them). */
  updates: string[];
}

/**
 * A table only security definer functions write: every app role gets 42501
 * for an insert, an update of each protected column and a delete. Control:
 * the same statements, as the owner (rolled back), insert and reach the row.
 */
export function describeReadOnly(spec: ReadOnlySpec, ctx: IsolationContext) {
  // Schema-qualified: a role without USAGE on public (the worker) is then refused (42501), not told the table is missing.
  const table = `public.${spec.table}`;
  describe(`${spec.table}: read-only for every app role (only the domain functions write it)`, () => {
    for (const writer of WRITERS) {
      it(`${writer.label}: insert, update of ${spec.updates.map((u) => u.split(' ')[0]).join(', ')} and delete are refused`, async () => {
        const { app, owner, a } = ctx;
        const values = insertSql(table, spec.insert(a));
        const id = spec.row(a);
        await asRole(app, { role: writer.role, tenantId: a.tenantId, userId: writer.who ? a[writer.who] : a.x }, async (c) => {
          await expectSqlError(c, values.sql, values.params, '42501');
          for (const set of spec.updates) await expectSqlError(c, `update ${table} set ${set} where id = $1`, [id], '42501');
          await expectSqlError(c, `delete from ${table} where id = $1`, [id], '42501');
        });
        // Control: the row exists and every statement is valid; only the privileges refused them.
        const c = await owner.connect();
        try {
          await c.query('begin');
          await c.query(values.sql, values.params);
          for (const set of spec.updates) expect((await c.query(`update ${table} set ${set} where id = $1`, [id])).rowCount).toBe(1);
          expect((await c.query(`delete from ${table} where id = $1`, [id])).rowCount).toBe(1);
        } finally {
          await c.query('rollback');
          c.release();
        }
      });
    }
  });
}
