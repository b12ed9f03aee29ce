// What a partner request (fortress_partner, sql/functions/partner.sql) may
// read, at the SQL level, on the server's own login: each table only with its
// scope, only its own tenant, the ledger only through its settlement account,
// and never member-only data, whatever its scopes. Every denial is paired with
// a control: the same statement with the scope, or as the owner, finds the row.
import { describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, count, expectSqlError } from '../helpers.js';
import { PARTNER_SCOPES, type PartnerScope } from '../../src/auth/tokens.js';
import { useTenants } from './isolation.js';
import type { TenantFixture } from '../fixtures.js';

const ctx = useTenants('partner-access');

/** A request of fx's fixture partner client whose token names `scopes` (the client holds all of them). */
const asPartner = <T>(fx: TenantFixture, scopes: readonly string[], fn: (c: pg.PoolClient) => Promise<T>, partnerClientId = fx.partnerClient) =>
  asRole(ctx.app, { role: 'fortress_partner', tenantId: fx.tenantId, partnerClientId, partnerScopes: [...scopes] }, fn);

const seen = (c: pg.PoolClient | pg.Pool, table: string, id: string) => count(c, `select count(*) as n from ${table} where id = $1`, [id]);

/** Readable with one scope: [table, the fixture row, the scope]. */
const SCOPED: [string, (fx: TenantFixture) => string, PartnerScope][] = [
  ['products', (fx) => fx.product, 'catalog:read'],
  ['categories', (fx) => fx.category, 'catalog:read'],
  ['locations', (fx) => fx.location, 'catalog:read'],
  ['inventory', (fx) => fx.inventory, 'inventory:read'],
  ['orders', (fx) => fx.orderX, 'orders:read'],
  ['order_items', (fx) => fx.orderItemX, 'orders:read'],
];

describe('scoped reads', () => {
  for (const [table, row, scope] of SCOPED) {
    it(`${table}: readable with ${scope} only (control: the same query with the scope), never another tenant's`, async () => {
      const { a, b } = ctx;
      const others = PARTNER_SCOPES.filter((s) => s !== scope && !(table === 'locations' && s === 'inventory:read'));
      await asPartner(a, others, async (c) => {
        expect(await seen(c, table, row(a)), `${table} without ${scope}`).toBe(0);
        expect(await count(c, `select count(*) as n from ${table}`)).toBe(0);
      });
      await asPartner(a, [scope], async (c) => {
        expect(await seen(c, table, row(a)), `${table} with ${scope}`).toBe(1);
        // Never B's row, which exists (owner control below).
        expect(await seen(c, table, row(b))).toBe(0);
        expect(await count(c, `select count(*) as n from ${table} where tenant_id = $1`, [b.tenantId])).toBe(0);
      });
      expect(await seen(ctx.owner, table, row(b))).toBe(1);
    });
  }

  it('locations are readable with inventory:read too (stock is per location)', async () => {
    await asPartner(ctx.a, ['inventory:read'], async (c) => expect(await seen(c, 'locations', ctx.a.location)).toBe(1));
  });

  it('reads only: no insert, update or delete on what it reads', async () => {
    const { a } = ctx;
    await asPartner(a, PARTNER_SCOPES, async (c) => {
      await expectSqlError(c, `update products set name = 'x' where id = $1`, [a.product], '42501');
      await expectSqlError(c, `delete from categories where id = $1`, [a.category], '42501');
      await expectSqlError(c, `insert into locations (tenant_id, code, name) values ($1, 'P', 'p')`, [a.tenantId], '42501');
      await expectSqlError(c, `update inventory set quantity = 0 where id = $1`, [a.inventory], '42501');
      await expectSqlError(c, `update orders set status = 'paid' where id = $1`, [a.orderX], '42501');
      await expectSqlError(c, `update accounts set name = 'x' where id = $1`, [a.corporateAccount], '42501');
      await expectSqlError(c, `insert into transactions (tenant_id, account_id, type, amount, currency) values ($1, $2, 'credit', 1, 'BRL')`, [a.tenantId, a.corporateAccount], '42501');
      // Control: the rows are there to be read.
      expect(await seen(c, 'products', a.product)).toBe(1);
    });
  });
});

describe('ledger:read: the settlement account only', () => {
  it("reads its settlement account, that account's entries and journals; no other account of the tenant", async () => {
    const { a, owner } = ctx;
    await asPartner(a, ['ledger:read'], async (c) => {
      expect((await c.query('select id from accounts')).rows).toEqual([{ id: a.corporateAccount }]);
      for (const other of [a.accountX, a.accountY, a.clearingAccount]) expect(await seen(c, 'accounts', other)).toBe(0);
      const entries = await count(c, 'select count(*) as n from transactions');
      expect(entries).toBe(await count(owner, 'select count(*) as n from transactions where account_id = $1', [a.corporateAccount]));
      expect(entries).toBeGreaterThan(0);
      expect(await count(c, 'select count(*) as n from transactions where account_id <> $1', [a.corporateAccount])).toBe(0);
      expect(await seen(c, 'transactions', a.transactionX)).toBe(0);
      expect(await seen(c, 'transfers', a.transferX)).toBe(0);
      expect(await count(c, 'select count(*) as n from transfers where $1 in (from_account_id, to_account_id)', [a.corporateAccount])).toBeGreaterThan(0);
    });
    // Controls: the hidden rows exist.
    expect(await seen(owner, 'transactions', a.transactionX)).toBe(1);
    expect(await seen(owner, 'accounts', a.accountX)).toBe(1);
  });

  it('nothing of the ledger without ledger:read in the token (control above)', async () => {
    await asPartner(ctx.a, PARTNER_SCOPES.filter((s) => s !== 'ledger:read'), async (c) => {
      for (const table of ['accounts', 'transactions', 'transfers']) expect(await count(c, `select count(*) as n from ${table}`), table).toBe(0);
    });
  });

  it("a member's account or a system account designated as settlement account is not readable", async () => {
    const { a, owner } = ctx;
    for (const account of [a.accountX, a.clearingAccount]) {
      await owner.query('update partner_clients set settlement_account_id = $2 where id = $1', [a.partnerClient, account]);
      try {
        await asPartner(a, ['ledger:read'], async (c) => {
          expect(await count(c, 'select count(*) as n from accounts')).toBe(0);
          expect(await count(c, 'select count(*) as n from transactions')).toBe(0);
        });
      } finally {
        await owner.query('update partner_clients set settlement_account_id = $2 where id = $1', [a.partnerClient, a.corporateAccount]);
      }
    }
    // Control: back on the tenant's own account, it reads again.
    await asPartner(a, ['ledger:read'], async (c) => expect(await count(c, 'select count(*) as n from accounts')).toBe(1));
  });
});

describe('never member-only data', () => {
  const MEMBER_ONLY = [
    'users', 'tenants', 'tenant_memberships', 'sessions', 'rotated_refresh_tokens', 'login_history', 'audit_logs', 'events_outbox',
    'carts', 'cart_items', 'receipts', 'merchants',
  ];
  for (const table of MEMBER_ONLY) {
    it(`${table}: refused (42501) even with every scope; the owner sees its rows (control)`, async () => {
      await asPartner(ctx.a, PARTNER_SCOPES, (c) => expectSqlError(c, `select 1 from public.${table} limit 1`, [], '42501'));
      expect(await count(ctx.owner, `select count(*) as n from ${table}`)).toBeGreaterThan(0);
    });
  }

  it('no security definer function of the users is callable (sign-in, ledger, checkout)', async () => {
    const { a } = ctx;
    await asPartner(a, PARTNER_SCOPES, async (c) => {
      await expectSqlError(c, 'select * from app.login_lookup($1, $2)', [a.slug, `x@${a.slug}.test`], '42501');
      await expectSqlError(c, 'select * from app.partner_client_lookup($1)', [a.partnerClientId], '42501');
      await expectSqlError(c, `select app.checkout($1, $2, '{}')`, [a.cartX, a.location], '42501');
    });
  });
});

describe('the client is checked on every statement', () => {
  it('a client narrowed or revoked after its token was issued loses access at once', async () => {
    const { a, owner } = ctx;
    await asPartner(a, ['catalog:read'], async (c) => expect(await seen(c, 'products', a.product)).toBe(1));
    await owner.query(`update partner_clients set scopes = '{orders:read}' where id = $1`, [a.partnerClient]);
    try {
      // The token still names catalog:read; the client no longer holds it.
      await asPartner(a, ['catalog:read', 'orders:read'], async (c) => {
        expect(await seen(c, 'products', a.product)).toBe(0);
        expect(await seen(c, 'orders', a.orderX)).toBe(1);
      });
      await owner.query('update partner_clients set revoked_at = now() where id = $1', [a.partnerClient]);
      await asPartner(a, ['catalog:read', 'orders:read'], async (c) => {
        expect(await seen(c, 'orders', a.orderX)).toBe(0);
        expect(await count(c, 'select count(*) as n from partner_clients')).toBe(0);
      });
    } finally {
      await owner.query(`update partner_clients set scopes = $2, revoked_at = null where id = $1`, [a.partnerClient, [...PARTNER_SCOPES]]);
    }
    // Control: restored, it reads again.
    await asPartner(a, ['catalog:read'], async (c) => expect(await seen(c, 'products', a.product)).toBe(1));
  });

  it("a client id of another tenant, or none, reads nothing (control: the tenant's own client)", async () => {
    const { a, b } = ctx;
    await asPartner(a, PARTNER_SCOPES, async (c) => expect(await seen(c, 'products', a.product)).toBe(0), b.partnerClient);
    await asRole(ctx.app, { role: 'fortress_partner', tenantId: a.tenantId, partnerScopes: [...PARTNER_SCOPES] }, async (c) => {
      expect(await seen(c, 'products', a.product)).toBe(0);
    });
    // A user's settings under the partner role read nothing either.
    await asRole(ctx.app, { role: 'fortress_partner', tenantId: a.tenantId, userId: a.owner }, async (c) => expect(await seen(c, 'products', a.product)).toBe(0));
    await asPartner(a, PARTNER_SCOPES, async (c) => expect(await seen(c, 'products', a.product)).toBe(1));
  });
});

describe('partner catalog search (app.search_products, the trigram path of products(search:))', () => {
  it('finds its own tenant’s products with catalog:read, nothing without it (control: the same call with the scope)', async () => {
    const search = 'select array_agg(id) as ids from app.search_products($1, 10) id';
    await asPartner(ctx.a, PARTNER_SCOPES.filter((s) => s !== 'catalog:read'), async (c) => {
      expect((await c.query(search, ['Milk'])).rows[0].ids).toBeNull();
    });
    await asPartner(ctx.a, ['catalog:read'], async (c) => {
      expect((await c.query(search, ['Milk'])).rows[0].ids).toEqual([ctx.a.product]);
    });
    // Tenant b's product has the same name: never found through a's client.
    await asPartner(ctx.b, ['catalog:read'], async (c) => {
      expect((await c.query(search, ['Milk'])).rows[0].ids).toEqual([ctx.b.product]);
    });
  });
});
