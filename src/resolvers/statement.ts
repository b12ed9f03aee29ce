// Reads over the ledger: an account's statement with a running balance,
// its balance at an instant, and spending by category. All of it is SQL run on
// the request transaction (RLS applies: members read their own accounts,
// owners/admins the tenant's), aggregates computed by Postgres in numeric and
// returned as text (trim_scale: without trailing zeros, as the Decimal scalar
// prints), so no amount ever passes through a float.
//
// The SQL texts are built by the exported *Sql functions so tests can EXPLAIN
// exactly what the API runs (test/api/statement.test.ts). Each is one
// parameterised shape (filters as `$n is null or …`), so the server's named
// prepared statements plan it once per connection.
import { Prisma } from '../generated/prisma/client.js';
import type { TransactionStatus, TransactionType } from '../generated/prisma/enums.js';
import type { Db } from '../db/request.js';
import { escapeLike } from '../schema/search.js';

/**
 * How an entry moves its account's balance, in one place: credits (and
 * reversal counter-entries, which cancel a debit) add, every other type
 * (debit, fee, transfer) takes away. Entries count once applied: `posted`, or
 * `reversed` (applied, then cancelled by a counter-entry that is itself
 * posted); `pending` and `failed` never touched the balance.
 */
const SIGNED_AMOUNT = Prisma.sql`(case when t.type in ('credit', 'reversal') then t.amount else -t.amount end)`;
const APPLIED = Prisma.sql`t.status in ('posted', 'reversed')`;

export interface StatementFilter {
  occurredFrom?: Date | null;
  occurredTo?: Date | null;
  type?: TransactionType | null;
  status?: TransactionStatus | null;
  categoryId?: string | null;
  merchantId?: string | null;
  search?: string | null;
}

/**
 * A category and every category below it, as spendingByCategory rolls them up
 * (a recursive walk down categories (tenant_id, parent_id); the tree has no
 * cycles, and the depth bound is only a guard). Empty for a null id.
 */
function subtreeSql(categoryId: string | null) {
  return Prisma.sql`with recursive subtree (id, depth) as (
        select c.id, 0 from categories c where c.id = ${categoryId}::uuid
        union all
        select c.id, subtree.depth + 1 from categories c join subtree on c.parent_id = subtree.id where subtree.depth < 100
      )
      select subtree.id from subtree`;
}

/** The filters, for the page and for its totalCount (entries of `t`); a category includes its subcategories. */
function filterSql(f: StatementFilter) {
  const search = f.search ? `%${escapeLike(f.search)}%` : null;
  return Prisma.sql`(${f.occurredFrom ?? null}::timestamptz is null or s.occurred_at >= ${f.occurredFrom ?? null}::timestamptz)
    and (${f.occurredTo ?? null}::timestamptz is null or s.occurred_at < ${f.occurredTo ?? null}::timestamptz)
    and (${f.type ?? null}::transaction_type is null or s.type = ${f.type ?? null}::transaction_type)
    and (${f.status ?? null}::transaction_status is null or s.status = ${f.status ?? null}::transaction_status)
    and (${f.categoryId ?? null}::uuid is null or s.category_id in (${subtreeSql(f.categoryId ?? null)}))
    and (${f.merchantId ?? null}::uuid is null or s.merchant_id = ${f.merchantId ?? null}::uuid)
    and (${search}::text is null or s.description ilike ${search}::text)`;
}

export interface StatementPage {
  accountId: string;
  filter: StatementFilter;
  /** The entry the page starts after (latest first) or, when `backward`, before. */
  cursorId?: string | null;
  backward?: boolean;
  limit: number;
}

/**
 * One page of the statement, latest first: ids and the running balance after
 * each entry (null for pending/failed ones).
 *
 * The running balance is anchored on the account's balance, which the ledger
 * keeps in the same transaction as its entries (and reconciliation checks):
 * running(e) = balance − Σ applied entries after e, by (occurred_at, id). A
 * window sum runs over the account's entries from the newest down to the
 * page's oldest, unfiltered, so an entry shows the same balance on every page
 * and under every filter (the account's balance just after it; a filtered
 * statement's balances do not add up from its own rows), and a page costs
 * the entries newer than it, not the whole history: the first pages, the ones
 * people read, are two short index range scans. Both steps read
 * ix_transactions_tenant_account_occurred in its own order.
 */
export function statementPageSql(p: StatementPage) {
  const cursorId = p.cursorId ?? null;
  const candidates = Prisma.sql`select t.id, t.occurred_at, t.type, t.status, t.category_id, t.merchant_id, t.description
      from transactions t where t.account_id = ${p.accountId}::uuid`;
  // Two shapes: forward (latest first, after the cursor) and backward (before it, oldest first).
  const page = p.backward
    ? Prisma.sql`select s.id, s.occurred_at from (${candidates}) s
        where ${filterSql(p.filter)}
          and (${cursorId}::uuid is null
               or (s.occurred_at, s.id) > (select c.occurred_at, c.id from transactions c where c.id = ${cursorId}::uuid))
        order by s.occurred_at asc, s.id asc
        limit ${p.limit}`
    : Prisma.sql`select s.id, s.occurred_at from (${candidates}) s
        where ${filterSql(p.filter)}
          and (${cursorId}::uuid is null
               or (s.occurred_at, s.id) < (select c.occurred_at, c.id from transactions c where c.id = ${cursorId}::uuid))
        order by s.occurred_at desc, s.id desc
        limit ${p.limit}`;
  return Prisma.sql`with page as materialized (${page}),
      oldest as (select p.occurred_at, p.id from page p order by p.occurred_at, p.id limit 1),
      span as (
        select t.id, t.status,
               (select a.balance from accounts a where a.id = ${p.accountId}::uuid)
                 - coalesce(sum(case when ${APPLIED} then ${SIGNED_AMOUNT} else 0 end)
                     over (order by t.occurred_at desc, t.id desc rows between unbounded preceding and 1 preceding), 0) as running_balance
          from transactions t
         where t.account_id = ${p.accountId}::uuid
           and t.occurred_at >= (select o.occurred_at from oldest o)
           and (t.occurred_at, t.id) >= (select o.occurred_at, o.id from oldest o)
      )
      select page.id, case when ${Prisma.raw("span.status in ('posted', 'reversed')")} then trim_scale(span.running_balance)::text end as running_balance
        from page join span on span.id = page.id
       order by ${p.backward ? Prisma.raw('page.occurred_at asc, page.id asc') : Prisma.raw('page.occurred_at desc, page.id desc')}`;
}

export function statementCountSql(accountId: string, filter: StatementFilter) {
  return Prisma.sql`select count(*)::int as n from (
      select t.occurred_at, t.type, t.status, t.category_id, t.merchant_id, t.description
        from transactions t where t.account_id = ${accountId}::uuid) s
    where ${filterSql(filter)}`;
}

export async function statementPage(db: Db, p: StatementPage) {
  return db.$queryRaw<{ id: string; running_balance: string | null }[]>(statementPageSql(p));
}

export async function statementCount(db: Db, accountId: string, filter: StatementFilter) {
  const [row] = await db.$queryRaw<{ n: number }[]>(statementCountSql(accountId, filter));
  return row?.n ?? 0;
}

/**
 * Whether the cursor's entry is in this statement: the account's, visible to
 * the viewer, and matching the filter (the house rule: a cursor of a row that
 * left the connection is refused rather than paged from).
 */
export async function isStatementEntry(db: Db, accountId: string, filter: StatementFilter, entryId: string) {
  const [row] = await db.$queryRaw<{ n: number }[]>(Prisma.sql`select count(*)::int as n from (
      select t.id, t.occurred_at, t.type, t.status, t.category_id, t.merchant_id, t.description
        from transactions t where t.account_id = ${accountId}::uuid and t.id = ${entryId}::uuid) s
    where ${filterSql(filter)}`);
  return row?.n === 1;
}

/**
 * The balance just after every applied entry that occurred at or before
 * `instant`, anchored like the statement: the account's balance minus the
 * applied entries after the instant (a range of the (tenant_id, account_id,
 * occurred_at) index; recent instants are cheap). balanceAt(now) is the
 * account's balance, and the statement's running balance at the instant.
 */
export function balanceAtSql(accountId: string, instant: Date) {
  return Prisma.sql`select trim_scale((select a.balance from accounts a where a.id = ${accountId}::uuid)
           - coalesce(sum(${SIGNED_AMOUNT}), 0))::text as balance
      from transactions t
     where t.account_id = ${accountId}::uuid and t.occurred_at > ${instant}::timestamptz and ${APPLIED}`;
}

export async function balanceAt(db: Db, accountId: string, instant: Date): Promise<string> {
  const [row] = await db.$queryRaw<{ balance: string }[]>(balanceAtSql(accountId, instant));
  return row!.balance;
}

export interface SpendingQuery {
  /** Totals for the direct subcategories of this category; null: for the top-level categories. */
  parentId?: string | null;
  from: Date;
  to: Date;
  accountId?: string | null;
}

/**
 * Spending per category over [from, to): every posted outflow (debit, fee)
 * of a category or any of its subcategories, summed per currency (no FX: one
 * row per category and currency). A recursive CTE maps each category of the
 * requested level to its whole subtree; reversed entries drop out (their
 * reversal cancels them). Categories without spending are not listed.
 */
export function spendingByCategorySql(q: SpendingQuery) {
  const parentId = q.parentId ?? null;
  return Prisma.sql`with recursive tree (top_id, id, depth) as (
        select c.id, c.id, 0 from categories c where c.parent_id is not distinct from ${parentId}::uuid
        union all
        select tree.top_id, c.id, tree.depth + 1 from categories c join tree on c.parent_id = tree.id
         where tree.depth < 100
      )
      select tree.top_id as category_id, t.currency::text as currency, trim_scale(sum(t.amount))::text as amount, count(*)::int as entry_count
        from tree join transactions t on t.category_id = tree.id
       where t.status = 'posted' and t.type in ('debit', 'fee')
         and t.occurred_at >= ${q.from}::timestamptz and t.occurred_at < ${q.to}::timestamptz
         and (${q.accountId ?? null}::uuid is null or t.account_id = ${q.accountId ?? null}::uuid)
       group by tree.top_id, t.currency
       order by sum(t.amount) desc, tree.top_id, t.currency`;
}

export async function spendingByCategory(db: Db, q: SpendingQuery) {
  return db.$queryRaw<{ category_id: string; currency: string; amount: string; entry_count: number }[]>(spendingByCategorySql(q));
}
