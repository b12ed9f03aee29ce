-- The double-entry ledger (issue 9, items 1–5): account lifecycle and limits,
-- system accounts, journals (transfers) with idempotency keys, and the link
-- from each ledger entry to its journal. Posting itself lives in
-- sql/functions/ledger.sql.

create type account_status as enum ('open', 'closed');
-- System accounts belong to the tenant itself (no holder): 'clearing' is the
-- other side of every deposit and withdrawal (money entering or leaving the
-- tenant), 'revenue' receives what commerce earns. One of each per currency.
create type system_account_kind as enum ('clearing', 'revenue');
create type transfer_kind as enum ('transfer', 'deposit', 'withdrawal', 'reversal');

alter table accounts
  add column credit_limit numeric(20,6) not null default 0,
  add column status account_status not null default 'open',
  add column closed_at timestamptz,
  add column system_kind system_account_kind,
  add constraint accounts_credit_limit_credit_only check (credit_limit >= 0 and (credit_limit = 0 or type = 'credit')),
  add constraint accounts_closed_at_status check ((status = 'closed') = (closed_at is not null)),
  add constraint accounts_closed_at_zero check (status = 'open' or balance = 0),
  add constraint accounts_system_no_holder check (system_kind is null or user_id is null),
  -- The ledger functions refuse an overdraft first (INSUFFICIENT_FUNDS); this
  -- is the last line if any other path ever changed a balance. System
  -- accounts are exempt: clearing goes negative by what was deposited.
  add constraint accounts_balance_within_limit check (system_kind is not null or balance >= -credit_limit);
create unique index ux_accounts_tenant_system_kind_currency on accounts (tenant_id, system_kind, currency) where system_kind is not null;

-- A journal: one movement of `amount` from one account to another, posted as
-- a debit entry on from_account and a credit entry on to_account (both in
-- transactions, transfer_id = this row). A reversal is a journal of its own
-- pointing at the one it cancels (reverses_transfer_id, unique: a journal is
-- reversed at most once, also under concurrency).
create table transfers (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id) on delete cascade,
  kind transfer_kind not null,
  from_account_id uuid not null,
  to_account_id uuid not null,
  amount numeric(20,6) not null check (amount > 0),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  description text,
  category_id uuid,
  -- Idempotency: a key is used once per tenant; request_hash (sha-256 of the
  -- request's canonical form) tells a retry (same hash) from a reuse.
  idempotency_key text check (length(idempotency_key) between 1 and 200),
  request_hash text,
  reverses_transfer_id uuid,
  reason text,
  created_by uuid,
  created_at timestamptz not null default now(),
  constraint ux_transfers_tenant_id unique (tenant_id, id),
  constraint ux_transfers_tenant_idempotency_key unique (tenant_id, idempotency_key),
  constraint ux_transfers_tenant_reverses_transfer unique (tenant_id, reverses_transfer_id),
  constraint transfers_distinct_accounts check (from_account_id <> to_account_id),
  constraint transfers_reversal_link check ((kind = 'reversal') = (reverses_transfer_id is not null)),
  foreign key (tenant_id, from_account_id) references accounts (tenant_id, id),
  foreign key (tenant_id, to_account_id) references accounts (tenant_id, id),
  foreign key (tenant_id, category_id) references categories (tenant_id, id),
  foreign key (tenant_id, reverses_transfer_id) references transfers (tenant_id, id),
  foreign key (tenant_id, created_by) references users (tenant_id, id)
);
create index ix_transfers_tenant_from_account on transfers (tenant_id, from_account_id, created_at desc);
create index ix_transfers_tenant_to_account on transfers (tenant_id, to_account_id, created_at desc);
create index ix_transfers_tenant_category on transfers (tenant_id, category_id);
create index ix_transfers_tenant_created_by on transfers (tenant_id, created_by);

alter table transactions
  add column transfer_id uuid,
  add constraint transactions_transfer_fk foreign key (tenant_id, transfer_id) references transfers (tenant_id, id);
create index ix_transactions_tenant_transfer on transactions (tenant_id, transfer_id);
