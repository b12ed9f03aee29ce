// Plumbing for the ledger's tests (SQL and API): accounts opened by the
// schema owner, money brought in through app.deposit as the tenant's owner
// (the only way money enters), and the ledger's invariants read as the owner.
import { expect } from 'vitest';
import type pg from 'pg';
import { createTenant, type TenantFixture } from './fixtures.js';
import { committedAs } from './db/functions/helpers.js';

export type Who = 'owner' | 'admin' | 'x' | 'y';
export const as = (fx: TenantFixture, who: Who) => ({ role: 'fortress_user' as const, tenantId: fx.tenantId, userId: fx[who] });

/** A new account of the tenant, written by the schema owner: held by `userId` (null: the tenant's own). */
export async function newAccount(
  owner: pg.Pool,
  fx: TenantFixture,
  userId: string | null,
  opts: { type?: string; currency?: string; creditLimit?: string; name?: string } = {},
) {
  const { rows } = await owner.query(
    `insert into accounts (tenant_id, user_id, name, type, currency, credit_limit) values ($1, $2, $3, $4, $5, $6) returning id`,
    [fx.tenantId, userId, opts.name ?? 'ledger test', opts.type ?? (userId ? 'wallet' : 'corporate'), opts.currency ?? 'BRL', opts.creditLimit ?? '0'],
  );
  return rows[0].id as string;
}

/** Deposits `amount` into the account through app.deposit, as the tenant's owner (committed). */
export async function fund(app: pg.Pool, fx: TenantFixture, accountId: string, amount: string, currency = 'BRL') {
  return committedAs(app, as(fx, 'owner'), async (c) =>
    (await c.query('select transfer_id from app.deposit($1, $2, $3, null, null)', [accountId, amount, currency])).rows[0].transfer_id as string);
}

/** Balances (as strings, trailing zeros trimmed) of the given accounts. */
export async function balances(owner: pg.Pool, ids: string[]): Promise<Record<string, string>> {
  const { rows } = await owner.query<{ id: string; balance: string }>('select id, trim_scale(balance)::text as balance from accounts where id = any($1)', [ids]);
  return Object.fromEntries(rows.map((r) => [r.id, r.balance]));
}

/** The exact sum of the accounts' balances, as a string (numeric arithmetic in Postgres). */
export async function totalBalance(owner: pg.Pool, ids: string[]) {
  return (await owner.query<{ total: string }>('select trim_scale(coalesce(sum(balance), 0))::text as total from accounts where id = any($1)', [ids])).rows[0]!.total;
}

/** Row counts a failed call must leave unchanged. */
export async function ledgerCounts(owner: pg.Pool, tenantId: string) {
  const { rows } = await owner.query(
    `select (select count(*) from transfers where tenant_id = $1)::int as transfers,
            (select count(*) from transactions where tenant_id = $1)::int as entries,
            (select count(*) from events_outbox where tenant_id = $1)::int as events,
            (select count(*) from audit_logs where tenant_id = $1)::int as audits,
            (select coalesce(sum(balance), 0)::text from accounts where tenant_id = $1) as total,
            (select string_agg(id || ':' || balance || ':' || status, ',' order by id) from accounts where tenant_id = $1) as accounts`,
    [tenantId],
  );
  return rows[0];
}

/**
 * The ledger's invariants for a tenant whose listed accounts only ever moved
 * through the ledger functions: each balance is the signed sum of its posted
 * (or reversed) entries, every journal is one debit and one credit summing to
 * zero and pointing at each other, the tenant's balances sum to zero (the
 * clearing account holds minus what came in), and no account but a system
 * account is below -credit_limit.
 */
export async function expectLedgerInvariants(owner: pg.Pool, tenantId: string, accountIds: string[]) {
  const drift = await owner.query(
    `select a.id, a.balance, coalesce(sum(case t.type when 'credit' then t.amount else -t.amount end)
                                       filter (where t.status in ('posted', 'reversed')), 0) as entries
       from accounts a left join transactions t on t.tenant_id = a.tenant_id and t.account_id = a.id
      where a.id = any($1) group by a.id, a.balance having a.balance <> coalesce(sum(case t.type when 'credit' then t.amount else -t.amount end)
                                       filter (where t.status in ('posted', 'reversed')), 0)`,
    [accountIds],
  );
  expect(drift.rows, 'balances that differ from their entries').toEqual([]);
  const journals = await owner.query(
    `select j.id from transfers j join transactions t on t.tenant_id = j.tenant_id and t.transfer_id = j.id
      where j.tenant_id = $1
      group by j.id, j.from_account_id, j.to_account_id, j.amount
     having sum(case t.type when 'credit' then t.amount else -t.amount end) <> 0 or count(*) <> 2
         or count(*) filter (where t.type = 'debit' and t.account_id = j.from_account_id and t.counterparty_account_id = j.to_account_id and t.amount = j.amount) <> 1
         or count(*) filter (where t.type = 'credit' and t.account_id = j.to_account_id and t.counterparty_account_id = j.from_account_id and t.amount = j.amount) <> 1`,
    [tenantId],
  );
  expect(journals.rows, 'journals that do not balance').toEqual([]);
  const orphans = await owner.query(
    `select j.id from transfers j where j.tenant_id = $1 and not exists (select 1 from transactions t where t.tenant_id = j.tenant_id and t.transfer_id = j.id)`,
    [tenantId],
  );
  expect(orphans.rows, 'journals without entries').toEqual([]);
  const negative = await owner.query(
    'select id, balance from accounts where tenant_id = $1 and system_kind is null and balance < -credit_limit',
    [tenantId],
  );
  expect(negative.rows, 'accounts below their limit').toEqual([]);
}

/**
 * A fixture tenant without its accounts and journals (and what points at them), so the ledger
 * rows a test then makes are the only ones: reconciliation reports exactly those.
 */
export async function tenantWithoutLedger(owner: pg.Pool, label: string) {
  const fx = await createTenant(owner, label);
  for (const table of ['partner_clients', 'receipts', 'transactions', 'transfers', 'accounts']) {
    await owner.query(`delete from ${table} where tenant_id = $1`, [fx.tenantId]);
  }
  return fx;
}
