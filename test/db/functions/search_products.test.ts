// app.search_products(term, limit): ids of the caller's tenant's products
// whose name, sku or brand contains the term (ILIKE, % _ \ literal). It runs
// as the owner so the trigram indexes can serve it (ILIKE is not leakproof,
// so under RLS they never can); it must keep to the caller's tenant itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { executors, expectRaised } from './helpers.js';
import { as } from '../../ledger.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;
const ids: Record<string, string> = {};

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'search-a');
  b = await createTenant(owner, 'search-b');
  const { rows } = await owner.query(
    `insert into products (tenant_id, sku, name, brand, price, active)
     values ($1, 'PCT-1', '100% Juice', null, 1, true), ($1, 'A_B', 'Under score', 'Acme', 1, true),
            ($1, 'AXB', 'Plain', 'Acme', 1, false), ($1, 'BS-1', 'Back\\slash', null, 1, true)
     returning sku, id`,
    [a.tenantId],
  );
  for (const r of rows) ids[r.sku] = r.id;
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const search = 'select array_agg(id order by id) as ids from app.search_products($1, $2) id';
const found = async (fx: TenantFixture, term: string, limit = 100) =>
  asRole(app, as(fx, 'x'), async (c) => ((await c.query(search, [term, limit])).rows[0].ids ?? []) as string[]);
const sorted = (...xs: string[]) => [...xs].sort();

describe('app.search_products', () => {
  it('matches name, sku and brand case-insensitively, withdrawn products too; wildcards are literal', async () => {
    expect(await found(a, 'acme')).toEqual(sorted(ids['A_B']!, ids['AXB']!));
    expect(await found(a, 'pct')).toEqual([ids['PCT-1']]);
    expect(await found(a, '0% j')).toEqual([ids['PCT-1']]);
    expect(await found(a, 'a_b')).toEqual([ids['A_B']]);
    expect(await found(a, 'k\\s')).toEqual([ids['BS-1']]);
    expect(await found(a, '%')).toEqual([ids['PCT-1']]);
    expect(await found(a, 'acme', 1)).toHaveLength(1);
  });

  it("keeps to the caller's tenant: B finds none of A's products (control: B finds its own)", async () => {
    expect(await found(b, 'acme')).toEqual([]);
    expect(await found(b, 'milk')).toEqual([b.product]);
    expect(await found(a, 'milk')).toEqual([a.product]);
    // Not a member of the tenant: nothing.
    const outsider = await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId: b.x }, async (c) => (await c.query(search, ['milk', 10])).rows[0].ids);
    expect(outsider).toBeNull();
  });

  it('bad arguments are BAD_USER_INPUT naming them', async () => {
    await asRole(app, as(a, 'x'), async (c) => {
      await expectRaised(c, search, [null, 10], 'BAD_USER_INPUT', /search/);
      await expectRaised(c, search, ['  ', 10], 'BAD_USER_INPUT', /search/);
      await expectRaised(c, search, ['x'.repeat(201), 10], 'BAD_USER_INPUT', /search/);
      await expectRaised(c, search, ['milk', 0], 'BAD_USER_INPUT', /limit/);
      await expectRaised(c, search, ['milk', 10_001], 'BAD_USER_INPUT', /limit/);
    });
  });

  it('is executable by fortress_user and fortress_partner only (a partner searches with catalog:read)', async () => {
    expect(await executors(owner, 'app.search_products(text,integer)')).toEqual(['fortress_partner', 'fortress_user']);
    await asRole(app, { role: 'fortress_anonymous' }, (c) => expectSqlError(c, search, ['milk', 10], '42501'));
  });
});
