// app.post_transfer(from, to, amount, currency, description, category,
// idempotency key): the one way a member or admin moves money between two
// accounts of their tenant. A journal, two posted entries, both balances, an
// outbox event and an audit entry — or, on any error, nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { asRole, authenticatorPool, expectSqlError, ownerPool } from '../../helpers.js';
import { createTenant, type TenantFixture } from '../../fixtures.js';
import { committedAs, executors, expectRaised } from './helpers.js';
import { as, balances, expectLedgerInvariants, fund, ledgerCounts, newAccount } from '../../ledger.js';

let owner: pg.Pool;
let app: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;
/** Accounts of tenant A: x's wallet and credit line, y's wallet, the tenant's own, a USD wallet of x; one of B's. */
let xw: string, xc: string, yw: string, corp: string, xusd: string, bw: string;

beforeAll(async () => {
  owner = ownerPool();
  app = authenticatorPool();
  a = await createTenant(owner, 'post-transfer-a');
  b = await createTenant(owner, 'post-transfer-b');
  xw = await newAccount(owner, a, a.x);
  xc = await newAccount(owner, a, a.x, { type: 'credit', creditLimit: '100' });
  yw = await newAccount(owner, a, a.y);
  corp = await newAccount(owner, a, null);
  xusd = await newAccount(owner, a, a.x, { currency: 'USD' });
  bw = await newAccount(owner, b, b.x);
  await fund(app, a, xw, '500');
  await fund(app, a, corp, '1000');
  await fund(app, b, bw, '500');
});
afterAll(async () => {
  await app.end();
  await owner.end();
});

const call = 'select * from app.post_transfer($1, $2, $3, $4, $5, $6, $7)';
const args = (from: string, to: string, amount: string, extra: { currency?: string; description?: string | null; category?: string | null; key?: string | null } = {}) => [
  from, to, amount, extra.currency ?? 'BRL', extra.description ?? null, extra.category ?? null, extra.key ?? null,
];

describe('app.post_transfer', () => {
  it('posts a journal: a debit on the source, a credit on the destination, both balances, outbox and audit', async () => {
    const before = await balances(owner, [xw, yw]);
    const { transfer_id: id, replayed } = await committedAs(app, as(a, 'x'), async (c) =>
      (await c.query(call, args(xw, yw, '12.345678', { description: 'lunch', category: a.category }))).rows[0]);
    expect(replayed).toBe(false);
    const after = await balances(owner, [xw, yw]);
    expect(Number(after[xw]) - Number(before[xw])).toBeCloseTo(-12.345678, 6);
    expect(after[yw]).toBe('12.345678');
    const entries = (await owner.query(
      `select account_id, counterparty_account_id, type, trim_scale(amount)::text as amount, status, category_id, description
         from transactions where transfer_id = $1 order by type`, [id])).rows;
    expect(entries).toEqual([
      { account_id: xw, counterparty_account_id: yw, type: 'debit', amount: '12.345678', status: 'posted', category_id: a.category, description: 'lunch' },
      { account_id: yw, counterparty_account_id: xw, type: 'credit', amount: '12.345678', status: 'posted', category_id: a.category, description: 'lunch' },
    ]);
    const journal = (await owner.query('select kind, from_account_id, to_account_id, created_by from transfers where id = $1', [id])).rows[0];
    expect(journal).toEqual({ kind: 'transfer', from_account_id: xw, to_account_id: yw, created_by: a.x });
    expect((await owner.query(`select event_type from events_outbox where aggregate_id = $1`, [id])).rows).toEqual([{ event_type: 'TransferPosted' }]);
    // Audited by the journal insert's trigger (amount as an exact string); the
    // two balance updates add no rows of their own.
    const audit = (await owner.query(`select user_id, entity, action, diff from audit_logs where entity_id = $1`, [id])).rows;
    expect(audit).toEqual([{ user_id: a.x, entity: 'transfer', action: 'create', diff: expect.objectContaining({ kind: 'transfer', amount: '12.345678', from_account_id: xw, to_account_id: yw }) }]);
    expect(audit[0].diff).not.toHaveProperty('request_hash');
    expect((await owner.query(`select count(*)::int as n from audit_logs where entity_id = any($1) and action = 'update'`, [[xw, yw]])).rows[0].n).toBe(0);
    await expectLedgerInvariants(owner, a.tenantId, [xw, xc, yw, corp, xusd]);
  });

  it('lets a credit account go down to -creditLimit and no further', async () => {
    await committedAs(app, as(a, 'x'), (c) => c.query(call, args(xc, yw, '100')));
    expect((await balances(owner, [xc]))[xc]).toBe('-100');
    await asRole(app, as(a, 'x'), (c) => expectRaised(c, call, args(xc, yw, '0.000001'), 'INSUFFICIENT_FUNDS'));
  });

  it('owners/admins move money between any accounts of the tenant, the tenant’s own included', async () => {
    for (const who of ['owner', 'admin'] as const) {
      await asRole(app, as(a, who), async (c) => {
        expect((await c.query(call, args(corp, yw, '1'))).rows[0].replayed).toBe(false);
        expect((await c.query(call, args(yw, xw, '1'))).rows[0].replayed).toBe(false);
      });
    }
  });

  it('re-applies tenant and membership: NOT_FOUND for another tenant’s or another member’s account, FORBIDDEN without a membership; nothing written', async () => {
    const before = [await ledgerCounts(owner, a.tenantId), await ledgerCounts(owner, b.tenantId)];
    // Another tenant's account, as source or destination, even for the owner.
    await asRole(app, as(a, 'owner'), async (c) => {
      await expectRaised(c, call, args(bw, corp, '1'), 'NOT_FOUND', /No such account/);
      await expectRaised(c, call, args(corp, bw, '1'), 'NOT_FOUND', /No such account/);
    });
    // A member debiting another member's or the tenant's account: the same answer as for a missing one.
    await asRole(app, as(a, 'y'), async (c) => {
      await expectRaised(c, call, args(xw, yw, '1'), 'NOT_FOUND', /No such account/);
      await expectRaised(c, call, args(corp, yw, '1'), 'NOT_FOUND', /No such account/);
      await expectRaised(c, call, args('00000000-0000-4000-8000-000000000000', yw, '1'), 'NOT_FOUND', /No such account/);
    });
    // B's member claiming A's tenant, A's invitee, no user at all.
    for (const userId of [b.x, a.invitee, undefined]) {
      await asRole(app, { role: 'fortress_user', tenantId: a.tenantId, userId }, (c) => expectRaised(c, call, args(xw, yw, '1'), 'FORBIDDEN'));
    }
    expect([await ledgerCounts(owner, a.tenantId), await ledgerCounts(owner, b.tenantId)]).toEqual(before);
    // Controls: the accounts exist, and the same calls work for their rightful callers.
    await asRole(app, as(b, 'x'), (c) => c.query(call, args(bw, (b as TenantFixture).accountY, '1')));
    await asRole(app, as(a, 'x'), (c) => c.query(call, args(xw, yw, '1')));
  });

  it('raises each documented error and writes nothing', async () => {
    const closed = await newAccount(owner, a, a.y);
    // A closed account with no holder (a corporate one): a member paying into it is not its holder either.
    const closedCorporate = await newAccount(owner, a, null);
    await owner.query(`update accounts set status = 'closed', closed_at = now() where id = any($1)`, [[closed, closedCorporate]]);
    const before = await ledgerCounts(owner, a.tenantId);
    await asRole(app, as(a, 'x'), async (c) => {
      for (const amount of ['0', '-1', '0.0000001', '100000000000000']) await expectRaised(c, call, args(xw, yw, amount), 'INVALID_AMOUNT');
      await expectRaised(c, call, args(xw, yw, '1000000'), 'INSUFFICIENT_FUNDS');
      await expectRaised(c, call, args(xw, yw, '1', { currency: 'USD' }), 'CURRENCY_MISMATCH', /source/);
      // A member learns nothing about someone else's destination: closed or in another currency is NOT_FOUND.
      await expectRaised(c, call, args(xw, closed, '1'), 'NOT_FOUND');
      await expectRaised(c, call, args(xw, closedCorporate, '1'), 'NOT_FOUND');
      await expectRaised(c, call, args(xw, xw, '1'), 'BAD_USER_INPUT');
      await expectRaised(c, call, args(xw, yw, '1', { category: b.category }), 'NOT_FOUND', /category/);
      await expectRaised(c, call, args(xw, yw, '1', { currency: 'brl' }), 'BAD_USER_INPUT', /currency/);
      await expectRaised(c, call, args(xw, yw, '1', { key: 'k'.repeat(201) }), 'BAD_USER_INPUT', /idempotencyKey/);
      await expectRaised(c, call, args(xw, yw, '1', { description: 'd'.repeat(501) }), 'BAD_USER_INPUT', /description/);
      // Their own destination in another currency: they may know why.
      await expectRaised(c, call, args(xusd, xw, '1', { currency: 'USD' }), 'CURRENCY_MISMATCH', /destination/);
    });
    await asRole(app, as(a, 'owner'), async (c) => {
      await expectRaised(c, call, args(corp, closed, '1'), 'ACCOUNT_CLOSED', /destination/);
      await expectRaised(c, call, args(corp, closedCorporate, '1'), 'ACCOUNT_CLOSED', /destination/);
      await expectRaised(c, call, args(closed, corp, '1'), 'ACCOUNT_CLOSED', /source/);
      await expectRaised(c, call, args(corp, xusd, '1'), 'CURRENCY_MISMATCH', /destination/);
    });
    expect(await ledgerCounts(owner, a.tenantId)).toEqual(before);
  });

  it('is idempotent per key: a retry returns the original, another request with the key is IDEMPOTENCY_KEY_REUSED', async () => {
    const key = `key-${Date.now()}`;
    const first = await committedAs(app, as(a, 'x'), async (c) => (await c.query(call, args(xw, yw, '2.5', { key }))).rows[0]);
    const afterFirst = await ledgerCounts(owner, a.tenantId);
    // The same request (amount spelled differently) replays, even from the tenant's owner.
    const again = await committedAs(app, as(a, 'x'), async (c) => (await c.query(call, args(xw, yw, '2.500', { key }))).rows[0]);
    expect(again).toEqual({ transfer_id: first.transfer_id, replayed: true });
    expect(await ledgerCounts(owner, a.tenantId)).toEqual(afterFirst);
    await asRole(app, as(a, 'x'), async (c) => {
      await expectRaised(c, call, args(xw, yw, '3', { key }), 'IDEMPOTENCY_KEY_REUSED');
      await expectRaised(c, call, args(xw, yw, '2.5', { key, description: 'other' }), 'IDEMPOTENCY_KEY_REUSED');
    });
    // Keys are per tenant: B may use the same one.
    await asRole(app, as(b, 'x'), async (c) => expect((await c.query(call, args(bw, b.accountY, '1', { key }))).rows[0].replayed).toBe(false));
  });

  it('opposite transfers on concurrent connections never deadlock and lose no update (accounts locked in id order)', async () => {
    const p = await newAccount(owner, a, a.x);
    const q = await newAccount(owner, a, a.y);
    await fund(app, a, p, '1000');
    await fund(app, a, q, '1000');
    const pool = authenticatorPool();
    pool.options.max = 10;
    try {
      // 200 calls, alternating direction, each committed on its own connection.
      const calls = Array.from({ length: 200 }, (_, i) =>
        committedAs(pool, as(a, i % 2 ? 'y' : 'x'), (c) => c.query(call, i % 2 ? args(q, p, '3') : args(p, q, '1'))));
      const results = await Promise.allSettled(calls);
      expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    } finally {
      await pool.end();
    }
    expect(await balances(owner, [p, q])).toEqual({ [p]: '1200', [q]: '800' });
    await expectLedgerInvariants(owner, a.tenantId, [p, q]);
  });

  it('is executable by fortress_user only', async () => {
    expect(await executors(owner, 'app.post_transfer(uuid,uuid,numeric,text,text,uuid,text)')).toEqual(['fortress_user']);
    for (const role of ['fortress_anonymous', 'fortress_partner', 'fortress_support'] as const) {
      await asRole(app, { role, tenantId: a.tenantId, userId: a.owner }, (c) => expectSqlError(c, call, args(corp, yw, '1'), '42501'));
    }
    for (const internal of ['app.ledger_post(uuid,transfer_kind,uuid,uuid,numeric,text,text,uuid,text,uuid,text,boolean)',
      'app.ledger_system_account(uuid,system_account_kind,text)', 'app.ledger_external(transfer_kind,uuid,numeric,text,text,text)']) {
      expect(await executors(owner, internal), internal).toEqual([]);
    }
  });
});
