// The masked views of schema support (sql/support/views.sql) at the SQL level,
// on the server's login with the request path's settings for a support
// request: support reads a tenant only with a live grant (to them or to any
// staff member) and a live session of theirs for that tenant; fortress_support
// holds no privilege on any table; masked values are really masked. Every
// denial is paired with a control proving the rows exist.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { authenticatorPool, count, expectSqlError, ownerPool } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { asUser } from './isolation.js';

const VIEWS = ['support.users', 'support.accounts', 'support.ledger_entries', 'support.orders', 'support.audit_logs'];
const HASH = `$argon2id$v=19$m=19456,t=2,p=1$${randomBytes(16).toString('base64')}$placeholder`;

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;

// Raw values seeded into tenant A that no support read may ever show.
const RAW = {
  email: '', // set in beforeAll: x's email
  phone: '+55 11 98765-4321',
  name: 'Xavier Raw-Surname',
  street: 'Rua Secreta 742',
  description: 'RAW-DESCRIPTION-rent-for-flat-9',
  accountName: 'Xaviers private savings',
};

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'support-views-a');
  b = await createTenant(owner, 'support-views-b');
  RAW.email = `x@${a.slug}.test`;
  await owner.query(`update users set phone = $2, display_name = $3 where id = $1`, [a.x, RAW.phone, RAW.name]);
  await owner.query(`update accounts set name = $2 where id = $1`, [a.accountX, RAW.accountName]);
  await owner.query(`update transactions set description = $2 where tenant_id = $1`, [a.tenantId, RAW.description]);
  await owner.query(`update orders set shipping_address = $2 where id = $1`, [a.orderX, { street: RAW.street, city: 'Campinas', country: 'BR', zip: '13000-000' }]);
  // An audit entry whose diff holds raw PII (an update of x's email and phone).
  await owner.query(`insert into audit_logs (tenant_id, user_id, entity, entity_id, action, diff) values ($1, $2, 'user', $3, 'update', $4)`, [
    a.tenantId, a.owner, a.x, { email: { from: RAW.email, to: 'new@example.com' }, phone: { from: RAW.phone, to: null } },
  ]);
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

/** A support staff member (owner-written, like `npm run support:create`). */
const staff = async (opts: { active?: boolean } = {}) =>
  (
    await owner.query(`insert into support_staff (email, display_name, password_hash, is_active, disabled_at) values ($1, 'Probe', $2, $3, $4) returning id`, [
      `probe-${randomBytes(4).toString('hex')}@support.test`, HASH, opts.active ?? true, opts.active === false ? new Date() : null,
    ])
  ).rows[0].id as string;

/** A live support session of `staffId` for `tenantId`. */
const session = async (staffId: string, tenantId: string, minutes = 30) =>
  (await owner.query(`insert into support_sessions (staff_id, tenant_id, expires_at) values ($1, $2, now() + make_interval(mins => $3)) returning id`, [
    staffId, tenantId, minutes,
  ])).rows[0].id as string;

/** A grant of `fx`'s tenant (written by its admin), live for an hour unless told otherwise. */
const grant = async (fx: TenantFixture, staffId: string | null, opts: { expired?: boolean; revoked?: boolean } = {}) =>
  (
    await owner.query(
      `insert into support_grants (tenant_id, staff_id, reason, created_by, created_at, expires_at, revoked_at, revoked_by)
       values ($1, $2, 'test', $3, case when $4 then now() - interval '2 days' else now() end,
               case when $4 then now() - interval '1 day' else now() + interval '1 hour' end,
               case when $5 then now() end, case when $5 then $3::uuid end) returning id`,
      [fx.tenantId, staffId, fx.admin, opts.expired ?? false, opts.revoked ?? false],
    )
  ).rows[0].id as string;

/** Runs fn as a support request (role and settings as src/db/identity.ts sets them), then rolls back. */
async function asSupport<T>(who: { tenantId: string; staffId: string; sessionId: string }, fn: (c: pg.PoolClient) => Promise<T>) {
  const c = await app.connect();
  try {
    await c.query('begin');
    await c.query(
      `select set_config('role', 'fortress_support', true), set_config('app.current_tenant_id', $1, true), set_config('app.current_user_id', '', true),
              set_config('app.current_partner_client_id', '', true), set_config('app.current_partner_scopes', '', true),
              set_config('app.current_support_staff_id', $2, true), set_config('app.current_support_session_id', $3, true)`,
      [who.tenantId, who.staffId, who.sessionId],
    );
    return await fn(c);
  } finally {
    await c.query('rollback').catch(() => {});
    c.release();
  }
}

/** Rows each masked view shows. */
const visible = async (c: pg.PoolClient) => Object.fromEntries(await Promise.all(VIEWS.map(async (v) => [v, await count(c, `select count(*) as n from ${v}`)])));
const rowsOf = async (c: pg.PoolClient | pg.Pool, tenantId: string) => ({
  'support.users': await count(c, 'select count(*) as n from users where tenant_id = $1', [tenantId]),
  'support.accounts': await count(c, 'select count(*) as n from accounts where tenant_id = $1', [tenantId]),
  'support.ledger_entries': await count(c, 'select count(*) as n from transactions where tenant_id = $1', [tenantId]),
  'support.orders': await count(c, 'select count(*) as n from orders where tenant_id = $1', [tenantId]),
  'support.audit_logs': await count(c, 'select count(*) as n from audit_logs where tenant_id = $1', [tenantId]),
});
const none = Object.fromEntries(VIEWS.map((v) => [v, 0]));

describe('a live grant and session open the tenant; nothing else does', () => {
  it('with the fixture grant and session, support sees every row of its tenant (the control of every denial below)', async () => {
    const expected = await rowsOf(owner, a.tenantId);
    for (const n of Object.values(expected)) expect(n).toBeGreaterThan(0);
    await asSupport({ tenantId: a.tenantId, staffId: a.supportStaff, sessionId: a.supportSession }, async (c) => expect(await visible(c)).toEqual(expected));
  });

  it('without a grant support sees nothing (a grant to staff A does not open the tenant to staff B)', async () => {
    const other = await staff();
    const s = await session(other, a.tenantId);
    await asSupport({ tenantId: a.tenantId, staffId: other, sessionId: s }, async (c) => expect(await visible(c)).toEqual(none));
    // Control: a grant to any staff member opens it to them too.
    const g = await grant(a, null);
    await asSupport({ tenantId: a.tenantId, staffId: other, sessionId: s }, async (c) => expect(await visible(c)).toEqual(await rowsOf(owner, a.tenantId)));
    await owner.query('update support_grants set revoked_at = now(), revoked_by = created_by where id = $1', [g]);
  });

  it('an expired grant shows nothing', async () => {
    const s1 = await staff();
    await grant(a, s1, { expired: true });
    const s = await session(s1, a.tenantId);
    await asSupport({ tenantId: a.tenantId, staffId: s1, sessionId: s }, async (c) => expect(await visible(c)).toEqual(none));
  });

  it('a revoked grant shows nothing from the next statement on, in the same transaction', async () => {
    const s1 = await staff();
    const g = await grant(a, s1);
    const s = await session(s1, a.tenantId);
    await asSupport({ tenantId: a.tenantId, staffId: s1, sessionId: s }, async (c) => {
      expect(await count(c, 'select count(*) as n from support.users')).toBeGreaterThan(0);
      await owner.query('update support_grants set revoked_at = now(), revoked_by = created_by where id = $1', [g]);
      expect(await visible(c)).toEqual(none);
    });
  });

  it('a revoked or expired session, a disabled staff member, or another staff member\'s session shows nothing', async () => {
    const s1 = await staff();
    await grant(a, s1);
    const live = await session(s1, a.tenantId);
    const revoked = await session(s1, a.tenantId);
    await owner.query('update support_sessions set revoked_at = now() where id = $1', [revoked]);
    const expired = await session(s1, a.tenantId);
    await owner.query(`update support_sessions set created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour' where id = $1`, [expired]);
    for (const sessionId of [revoked, expired, a.supportSession]) {
      await asSupport({ tenantId: a.tenantId, staffId: s1, sessionId }, async (c) => expect(await visible(c)).toEqual(none));
    }
    await asSupport({ tenantId: a.tenantId, staffId: s1, sessionId: live }, async (c) => expect(await count(c, 'select count(*) as n from support.users')).toBeGreaterThan(0));
    await owner.query('update support_staff set is_active = false, disabled_at = now() where id = $1', [s1]);
    await asSupport({ tenantId: a.tenantId, staffId: s1, sessionId: live }, async (c) => expect(await visible(c)).toEqual(none));
  });

  it('cross-tenant: a session and grant for tenant A show nothing of tenant B, whose rows exist', async () => {
    await asSupport({ tenantId: a.tenantId, staffId: a.supportStaff, sessionId: a.supportSession }, async (c) => {
      expect(await count(c, 'select count(*) as n from support.users where id = any($1)', [[b.owner, b.x, b.y, b.admin]])).toBe(0);
      expect(await count(c, 'select count(*) as n from support.orders where id = $1', [b.orderX])).toBe(0);
      expect(await count(c, 'select count(*) as n from support.ledger_entries where id = $1', [b.transactionX])).toBe(0);
    });
    // Naming tenant B in the settings with A's session: nothing at all.
    await asSupport({ tenantId: b.tenantId, staffId: a.supportStaff, sessionId: a.supportSession }, async (c) => expect(await visible(c)).toEqual(none));
    // Control: B's rows exist, and B's own staff session sees them.
    expect(await count(owner, 'select count(*) as n from orders where id = $1', [b.orderX])).toBe(1);
    await asSupport({ tenantId: b.tenantId, staffId: b.supportStaff, sessionId: b.supportSession }, async (c) =>
      expect(await count(c, 'select count(*) as n from support.orders where id = $1', [b.orderX])).toBe(1),
    );
  });
});

describe('fortress_support has no privilege on any table', () => {
  // Every table privilege PostgreSQL knows (MAINTAIN since 17, added below when the server has it).
  const TABLE_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'];
  const COLUMN_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'REFERENCES'];
  const granted = (role: string) =>
    owner.query<{ what: string }>(
      `select c.relname || ' ' || p as what
         from pg_class c cross join unnest($2::text[]) p
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'f') and has_table_privilege($1, c.oid, p)
       union all
       select c.relname || '.' || a.attname || ' ' || p
         from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        cross join unnest($3::text[]) p
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'f') and has_column_privilege($1, c.oid, a.attnum, p)
       order by 1`,
      [role, TABLE_PRIVILEGES, COLUMN_PRIVILEGES],
    );

  beforeAll(async () => {
    const { rows } = await owner.query(`select current_setting('server_version_num')::int >= 170000 as maintain`);
    if (rows[0].maintain) TABLE_PRIVILEGES.push('MAINTAIN');
  });

  it('has_table_privilege and has_column_privilege are false for every table, column and privilege', async () => {
    const { rows: tables } = await owner.query(`select count(*)::int as n from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r'`);
    expect(tables[0].n).toBeGreaterThan(25);
    expect((await granted('fortress_support')).rows).toEqual([]);
    // Control: the same query finds what fortress_user and the views' owner hold.
    const user = (await granted('fortress_user')).rows.map((r) => r.what);
    expect(user).toContain('accounts SELECT');
    expect(user).toContain('users.email SELECT');
    const reader = (await granted('fortress_support_reader')).rows.map((r) => r.what);
    expect(reader).toContain('users.email SELECT');
    expect(reader).not.toContain('users.password_hash SELECT');
    expect(reader.filter((w) => !w.endsWith(' SELECT'))).toEqual([]);
  });

  it('a real select of every table as fortress_support fails, though every table holds rows', async () => {
    const { rows } = await owner.query(
      `select relname from pg_class where relnamespace = 'public'::regnamespace and relkind in ('r', 'p') and relname <> '_prisma_migrations' order by 1`,
    );
    for (const { relname } of rows) {
      expect(await count(owner, `select count(*) as n from public.${relname}`), relname).toBeGreaterThan(0);
      await asSupport({ tenantId: a.tenantId, staffId: a.supportStaff, sessionId: a.supportSession }, (c) =>
        expectSqlError(c, `select 1 from public.${relname} limit 1`, [], '42501'),
      );
    }
  });

  it('the views are security barriers owned by fortress_support_reader: NOLOGIN, NOBYPASSRLS, owning nothing else, not a role the server can become', async () => {
    const { rows } = await owner.query(
      `select c.oid::regclass::text as view, pg_get_userbyid(c.relowner) as owner, c.reloptions from pg_class c
        where c.relnamespace = 'support'::regnamespace order by 1`,
    );
    expect(rows.map((r) => r.view).sort()).toEqual([...VIEWS].sort());
    for (const r of rows) {
      expect(r.owner, r.view).toBe('fortress_support_reader');
      expect(r.reloptions, r.view).toContain('security_barrier=true');
    }
    const { rows: owned } = await owner.query(`select count(*)::int as n from pg_class where relowner = 'fortress_support_reader'::regrole`);
    expect(owned[0].n).toBe(VIEWS.length);
    const { rows: role } = await owner.query(
      `select rolcanlogin, rolbypassrls, rolsuper, pg_has_role('fortress_authenticator', 'fortress_support_reader', 'member') as server_member,
              pg_has_role('fortress_support', 'fortress_support_reader', 'member') as support_member
         from pg_roles where rolname = 'fortress_support_reader'`,
    );
    expect(role[0]).toEqual({ rolcanlogin: false, rolbypassrls: false, rolsuper: false, server_member: false, support_member: false });
    await asSupport({ tenantId: a.tenantId, staffId: a.supportStaff, sessionId: a.supportSession }, (c) =>
      expectSqlError(c, `set local role fortress_support_reader`, [], '42501'),
    );
  });
});

describe('masked values', () => {
  it('no raw email, phone, name, street, description or account name in any row of any view', async () => {
    const dump = await asSupport({ tenantId: a.tenantId, staffId: a.supportStaff, sessionId: a.supportSession }, async (c) => {
      const all: unknown[] = [];
      for (const v of VIEWS) all.push(...(await c.query(`select * from ${v}`)).rows);
      return JSON.stringify(all);
    });
    // Control: the dump has the rows, and the raw values are in the tables.
    expect(dump).toContain('x***@');
    expect(dump).toContain('***21');
    expect(dump).toContain('Campinas');
    expect(dump).toContain('"changed_fields":["email","phone"]');
    const raw = JSON.stringify((await owner.query(`select u.email, u.phone, u.display_name from users u where u.id = $1`, [a.x])).rows);
    expect(raw).toContain(RAW.email);
    for (const value of Object.values(RAW)) expect(dump, value).not.toContain(value);
    expect(dump).not.toContain('98765-4321');
    expect(dump).not.toContain('13000-000');
    // No email-shaped value with a real local part (more than its first character before ***).
    expect(dump.match(/[A-Za-z0-9._%+-]{2,}@[A-Za-z0-9.-]+\.[a-z]+/g) ?? []).toEqual([]);
  });

  it('money is exact text', async () => {
    await owner.query(`update accounts set balance = '12345678901234.123456' where id = $1`, [a.accountY]);
    await asSupport({ tenantId: a.tenantId, staffId: a.supportStaff, sessionId: a.supportSession }, async (c) => {
      const { rows } = await c.query('select balance from support.accounts where id = $1', [a.accountY]);
      expect(rows[0].balance).toBe('12345678901234.123456');
      const { rows: orders } = await c.query('select total_amount, items from support.orders where id = $1', [a.orderX]);
      expect(orders[0]).toMatchObject({ total_amount: '5.99', items: [{ sku: 'SKU-1', quantity: 1, unitPrice: '5.99', lineTotal: '5.99' }] });
    });
    await owner.query(`update accounts set balance = 0 where id = $1`, [a.accountY]);
  });
});

describe('masking functions', () => {
  const one = async (sql: string, value: unknown) => (await owner.query(`select ${sql}($1) as v`, [value])).rows[0].v;
  it.each([
    ['joao.silva@example.com', 'j***@example.com'],
    ['a@b.co', 'a***@b.co'],
    ['joão@exemplo.com.br', 'j***@exemplo.com.br'],
    ['Ünïcødé@bücher.de', 'Ü***@bücher.de'],
    ['@example.com', '***'],
    ['no-at-sign', '***'],
    ['trailing@', '***'],
    ['', '***'],
    [null, null],
  ])('mask_email(%j) = %j', async (input, out) => expect(await one('app.mask_email', input)).toBe(out));

  it.each([
    ['+55 11 98765-4321', '***21'],
    ['123', '***23'],
    ['12', '***'],
    ['', '***'],
    ['ext. only', '***'],
    [null, null],
  ])('mask_phone(%j) = %j', async (input, out) => expect(await one('app.mask_phone', input)).toBe(out));

  it.each([
    ['Ana Maria Lima', 'A.M.L.'],
    ['  ana   lima ', 'A.L.'],
    ['x', 'X.'],
    ['élodie núñez', 'É.N.'],
    ['a b c d e f', 'A.B.C.D.'],
    ['', null],
    ['   ', null],
    [null, null],
  ])('initials(%j) = %j', async (input, out) => expect(await one('app.initials', input)).toBe(out));

  it.each([
    ['Rent for flat 9', 'R***'],
    ['x', 'x***'],
    ['', ''],
    [null, null],
  ])('mask_text(%j) = %j', async (input, out) => expect(await one('app.mask_text', input)).toBe(out));

  it('are immutable, pinned, and executable by the support roles only', async () => {
    const { rows } = await owner.query(
      `select p.proname, p.provolatile, has_function_privilege('fortress_support', p.oid, 'execute') as support,
              has_function_privilege('fortress_user', p.oid, 'execute') as app_user
         from pg_proc p where p.pronamespace = 'app'::regnamespace and p.proname in ('mask_email', 'mask_phone', 'initials', 'mask_text') order by 1`,
    );
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(r).toMatchObject({ provolatile: 'i', support: true, app_user: false });
  });
});

describe('app.record_support_access', () => {
  it('records a request under the live grant, visible to the tenant\'s admin only; refuses once the grant is gone', async () => {
    const s1 = await staff();
    const g = await grant(a, s1);
    const s = await session(s1, a.tenantId);
    const c = await app.connect();
    try {
      await c.query('begin');
      await c.query(
        `select set_config('role', 'fortress_support', true), set_config('app.current_tenant_id', $1, true),
                set_config('app.current_support_staff_id', $2, true), set_config('app.current_support_session_id', $3, true)`,
        [a.tenantId, s1, s],
      );
      await c.query(`select app.record_support_access('ProbeUsers', '{"first":5}')`);
      await c.query('commit');
    } finally {
      c.release();
    }
    const { rows } = await owner.query('select grant_id, staff_id, operation_name, variables, session_id from support_access_logs where staff_id = $1', [s1]);
    expect(rows).toEqual([{ grant_id: g, staff_id: s1, operation_name: 'ProbeUsers', variables: { first: 5 }, session_id: s }]);
    await asUser(app, a, 'admin', async (q) => expect(await count(q, 'select count(*) as n from support_access_logs where staff_id = $1', [s1])).toBe(1));
    await asUser(app, a, 'x', async (q) => expect(await count(q, 'select count(*) as n from support_access_logs where staff_id = $1', [s1])).toBe(0));
    await asUser(app, b, 'admin', async (q) => expect(await count(q, 'select count(*) as n from support_access_logs where staff_id = $1', [s1])).toBe(0));
    await owner.query('update support_grants set revoked_at = now(), revoked_by = created_by where id = $1', [g]);
    await asSupport({ tenantId: a.tenantId, staffId: s1, sessionId: s }, async (q) => {
      await q.query('savepoint p');
      await expect(q.query(`select app.record_support_access('ProbeUsers', '{}')`)).rejects.toThrow(/^FORTRESS:FORBIDDEN: /);
      await q.query('rollback to savepoint p');
    });
  });
});
