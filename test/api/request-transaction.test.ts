// The request transaction: settings never outlive a request, a failing
// operation writes nothing, and 64 concurrent requests queue on a small pool.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { count, documentText, errorCodes, gql, graphql, ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { AccountIds, OpenAccount } from './documents.js';
import { loadPersistedDocuments } from '../../src/persisted.js';

let owner: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;

beforeAll(async () => {
  owner = ownerPool();
  a = await createTenant(owner, 'tx-a');
  b = await createTenant(owner, 'tx-b');
});
afterAll(() => owner.end());

describe('settings never leak between requests', () => {
  it("with a pool of one connection, the request after tenant A's sees nothing of A", async () => {
    const app = await testApp({ poolMax: 1 });
    try {
      const first = await gql(app.yoga, AccountIds, { token: await a.token('owner') });
      expect(first.data!.accounts.edges).toHaveLength(4);
      // The same (only) connection, next request as tenant B: only B's rows.
      const next = JSON.stringify((await gql(app.yoga, AccountIds, { token: await b.token('owner') })).data);
      for (const id of [a.accountX, a.accountY, a.corporateAccount]) expect(next).not.toContain(id);
      expect(next).toContain(b.accountX);
      // Anonymous on the same connection: no tenant data at all.
      const anon = await gql(app.yoga, AccountIds);
      expect(anon.data?.accounts ?? null).toBeNull();
      // And the connection itself is back to the bare login with empty settings.
      const { rows } = await app.database.pool.query(
        `select current_user as role, current_setting('app.current_tenant_id', true) as tenant,
                current_setting('app.current_user_id', true) as "user"`,
      );
      expect(rows[0].role).toBe('fortress_authenticator');
      expect(rows[0].tenant || null).toBeNull();
      expect(rows[0].user || null).toBeNull();
    } finally {
      await app.close();
    }
  });
});

describe('an error inside an operation rolls back everything it wrote', () => {
  const wallet = (name: string, currency = 'BRL') => ({ input: { name, type: 'WALLET', currency } }) as const;

  it('control: openAccount alone commits the account, its audit entry and its outbox event', async () => {
    const app = await testApp();
    try {
      const r = await gql(app.yoga, OpenAccount, { token: await a.token('x'), variables: wallet('committed') });
      expect(r.errors).toBeUndefined();
      const id = r.data!.openAccount.account.rowId;
      expect(await count(owner, 'select count(*) as n from accounts where id = $1 and user_id = $2', [id, a.x])).toBe(1);
      expect(await count(owner, `select count(*) as n from audit_logs where entity_id = $1 and user_id = $2`, [id, a.x])).toBe(1);
      expect(await count(owner, `select count(*) as n from events_outbox where aggregate_id = $1 and event_type = 'AccountOpened'`, [id])).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('when a later field fails (FORBIDDEN), the account written by an earlier field is rolled back', async () => {
    const sent: string[] = [];
    const app = await testApp({ onQuery: (s) => sent.push(s) });
    try {
      const OpenAccountThenCreateCategory = graphql(`
        mutation OpenAccountThenCreateCategory($account: OpenAccountInput!, $category: CreateCategoryInput!) {
          first: openAccount(input: $account) { account { rowId name } }
          second: createCategory(input: $category) { category { rowId } }
        }
      `);
      const r = await gql(app.yoga, OpenAccountThenCreateCategory, {
        token: await a.token('x'),
        variables: { account: wallet('rolled-back').input, category: { name: 'members may not' } },
      });
      expect(errorCodes(r)).toEqual(['FORBIDDEN']);
      // The first field did write (its INSERT reached Postgres), then the whole request transaction was undone.
      expect(sent.some((s) => /^INSERT INTO "public"\."accounts"/.test(s))).toBe(true);
      expect(sent.at(-1)).toMatch(/^ROLLBACK/i);
      expect(await count(owner, `select count(*) as n from accounts where name = 'rolled-back'`)).toBe(0);
      expect(await count(owner, `select count(*) as n from audit_logs where diff->>'name' = 'rolled-back'`)).toBe(0);
      expect(await count(owner, `select count(*) as n from categories where name = 'members may not'`)).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('bad input gets a stable code, no stack trace, and writes nothing', async () => {
    const app = await testApp();
    try {
      const r = await gql(app.yoga, OpenAccount, { token: await a.token('x'), variables: wallet('   ') });
      expect(errorCodes(r)).toEqual(['BAD_USER_INPUT']);
      expect(JSON.stringify(r)).not.toMatch(/stack|at .*\.ts:/);
      const bogus = await gql(app.yoga, OpenAccount, { token: await a.token('x'), variables: wallet('n', 'XYZ') });
      expect(bogus.errors?.length).toBeGreaterThan(0);
      const anon = await gql(app.yoga, OpenAccount, { variables: wallet('anon') });
      expect(errorCodes(anon)).toEqual(['UNAUTHENTICATED']);
      expect(await count(owner, `select count(*) as n from accounts where name in ('   ', 'n', 'anon')`)).toBe(0);
    } finally {
      await app.close();
    }
  });
});

describe('concurrency', () => {
  it('64 concurrent requests on a 10-connection pool all succeed (they queue, not fail)', async () => {
    const app = await testApp({ poolMax: 10 });
    try {
      const tokens = [await a.token('y'), await b.token('x')];
      const TenantAccountsAndEntries = graphql(`
        query TenantAccountsAndEntries {
          viewer { tenant { rowId } }
          accounts { edges { node { rowId transactions(first: 5) { edges { node { amount } } } } } }
        }
      `);
      const results = await Promise.all(Array.from({ length: 64 }, (_, i) => gql(app.yoga, TenantAccountsAndEntries, { token: tokens[i % 2] })));
      results.forEach((r, i) => {
        expect(r.errors, `request ${i}`).toBeUndefined();
        // Each response belongs to its own tenant: no cross-talk under load.
        expect(r.data!.viewer!.tenant!.rowId).toBe(i % 2 ? b.tenantId : a.tenantId);
        expect(r.data!.accounts.edges.map((e) => e.node.rowId)).toEqual([i % 2 ? b.accountX : a.accountY]);
      });
    } finally {
      await app.close();
    }
  });
});

describe('a statement that cannot finish in time', () => {
  it('is cancelled by Postgres at DB_TX_TIMEOUT_MS: SERVICE_UNAVAILABLE on both read paths, no hang (control: the same request once the lock is gone)', async () => {
    const app = await testApp({ txTimeoutMs: 400 });
    // The compiled persisted operation, sent in full: the compiled path tries it first, then the Pothos path.
    const viewerAccounts = [...loadPersistedDocuments().firstParty.values()].find((d) => d.startsWith('query ViewerAccounts'))!;
    const locker = await owner.connect();
    try {
      const token = await a.token('y');
      expect((await app.database.pool.query('show statement_timeout')).rows[0].statement_timeout).toBe('400ms');
      // An open transaction holding ACCESS EXCLUSIVE on accounts: every read of the table waits.
      await locker.query('begin');
      await locker.query('lock table accounts in access exclusive mode');
      for (const document of [viewerAccounts, documentText(AccountIds)]) {
        const started = performance.now();
        const r = await gql(app.yoga, document, { token });
        expect(errorCodes(r)).toEqual(['SERVICE_UNAVAILABLE']);
        expect(JSON.stringify(r)).not.toMatch(/canceling statement|stack/);
        // Both paths' statements at 400 ms each, well below the 5 s test timeout.
        expect(performance.now() - started).toBeLessThan(3_000);
      }
      await locker.query('rollback');
      const r = await gql(app.yoga, viewerAccounts, { token });
      expect(r.errors).toBeUndefined();
    } finally {
      await locker.query('rollback').catch(() => {});
      locker.release();
      await app.close();
    }
  });
});
