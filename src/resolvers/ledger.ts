// The ledger: every movement of money goes through the posting functions of
// sql/functions/ledger.sql (security definer; they re-check tenant, role and
// ownership, lock the accounts in id order, and write the journal, both
// entries, both balances, the outbox event and the audit entry in the request
// transaction). Nothing here writes a ledger row or a balance itself.
import type { Db } from '../db/request.js';
import type { UserViewer } from '../context.js';

interface Posted {
  transfer_id: string;
  replayed: boolean;
}

/** The journal posted (or, for a retried idempotency key, the original one). */
export interface PostResult {
  transferId: string;
  /** True when an earlier call with the same idempotency key and request already posted it. */
  replayed: boolean;
}

const result = (rows: Posted[]): PostResult => ({ transferId: rows[0]!.transfer_id, replayed: rows[0]!.replayed });

export interface TransferInput {
  fromAccountId: string;
  toAccountId: string;
  /** A Decimal string (validated by the scalar; the function checks sign and scale: INVALID_AMOUNT). */
  amount: string;
  currency: string;
  description?: string | null;
  categoryId?: string | null;
  idempotencyKey?: string | null;
}

/** Members from their own accounts to any open account of the tenant; owners/admins between any. */
export async function transfer(db: Db, _viewer: UserViewer, input: TransferInput) {
  return result(
    await db.$queryRaw<Posted[]>`select transfer_id, replayed from app.post_transfer(${input.fromAccountId}::uuid, ${input.toAccountId}::uuid,
      ${input.amount}::numeric, ${input.currency}, ${input.description ?? null}, ${input.categoryId ?? null}::uuid, ${input.idempotencyKey ?? null})`,
  );
}

export interface ExternalInput {
  accountId: string;
  amount: string;
  currency: string;
  description?: string | null;
  idempotencyKey?: string | null;
}

/** Money entering the tenant, from its clearing account in that currency. Owners/admins. */
export async function deposit(db: Db, _viewer: UserViewer, input: ExternalInput) {
  return result(
    await db.$queryRaw<Posted[]>`select transfer_id, replayed from app.deposit(${input.accountId}::uuid, ${input.amount}::numeric,
      ${input.currency}, ${input.description ?? null}, ${input.idempotencyKey ?? null})`,
  );
}

/** Money leaving the tenant, to its clearing account in that currency. Owners/admins. */
export async function withdraw(db: Db, _viewer: UserViewer, input: ExternalInput) {
  return result(
    await db.$queryRaw<Posted[]>`select transfer_id, replayed from app.withdraw(${input.accountId}::uuid, ${input.amount}::numeric,
      ${input.currency}, ${input.description ?? null}, ${input.idempotencyKey ?? null})`,
  );
}

/** The counter-journal of a transfer; its entries become 'reversed'. Owners/admins. */
export async function reverseTransfer(db: Db, _viewer: UserViewer, input: { rowId: string; reason: string }) {
  return result(await db.$queryRaw<Posted[]>`select transfer_id, replayed from app.reverse_transfer(${input.rowId}::uuid, ${input.reason})`);
}

/** One account as reconciliation found it (Decimal strings). */
export interface AccountReconciliation {
  accountId: string;
  currency: string;
  recordedBalance: string;
  entriesBalance: string;
  drift: string;
  repaired: boolean;
}

/** A journal whose entries do not sum to zero. */
export interface UnbalancedJournal {
  transferId: string;
  entryCount: number;
  entriesSum: string;
}

/** The tenant's balances against their entries, repaired on request; and its unbalanced journals. Owners/admins. */
export async function reconcileBalances(db: Db, _viewer: UserViewer, input: { repair: boolean }) {
  const accounts = await db.$queryRaw<{ account_id: string; currency: string; recorded: string; entries: string; drift: string; repaired: boolean }[]>`
    select account_id::text, currency, trim_scale(recorded_balance)::text as recorded, trim_scale(entries_balance)::text as entries,
           trim_scale(drift)::text as drift, repaired
      from app.reconcile_balances(${input.repair})`;
  const journals = await db.$queryRaw<{ transfer_id: string; entry_count: number; entries_sum: string }[]>`
    select transfer_id::text, entry_count, trim_scale(entries_sum)::text as entries_sum from app.unbalanced_journals()`;
  return {
    accounts: accounts.map<AccountReconciliation>((r) => ({
      accountId: r.account_id, currency: r.currency, recordedBalance: r.recorded, entriesBalance: r.entries, drift: r.drift, repaired: r.repaired,
    })),
    unbalancedJournals: journals.map<UnbalancedJournal>((j) => ({ transferId: j.transfer_id, entryCount: j.entry_count, entriesSum: j.entries_sum })),
  };
}
