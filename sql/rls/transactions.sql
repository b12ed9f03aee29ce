-- transactions: the insert-only ledger. Rows are visible (and insertable)
-- when their account is the caller's own, or to tenant owners/admins. No app
-- role has DELETE, nor UPDATE of anything but the category and merchant
-- (categorising; test/db/transactions.test.ts tries every other column);
-- corrections are counter-entries, status changes come through a controlled
-- function in a later migration.
-- The account subquery is uncorrelated, so Postgres runs it once per
-- statement (hashed SubPlan) instead of once per ledger row.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.transactions');
alter table transactions enable row level security;
alter table transactions force row level security;

create policy owner_maintenance on transactions to fortress_owner using (true) with check (true);

create policy select_own_account_or_admin on transactions for select to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and ((select app.is_tenant_admin())
              or account_id in (select a.id from accounts a where a.user_id = (select app.current_user_id()))));
-- App roles may only add pending entries; posting is the ledger's job
-- (a controlled function in a later migration), never a client's claim.
create policy insert_own_account_or_admin on transactions for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and status = 'pending'
              and ((select app.is_tenant_admin())
                   or account_id in (select a.id from accounts a where a.user_id = (select app.current_user_id()))));

-- Categorising: members recategorise the entries of their own accounts,
-- owners/admins any of the tenant's. Metadata only: the column grant below
-- lists category_id and merchant_id and nothing else, so amount, status,
-- account, type and currency stay out of reach of every app role (42501).
create policy update_metadata_own_account_or_admin on transactions for update to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and ((select app.is_tenant_admin())
              or account_id in (select a.id from accounts a where a.user_id = (select app.current_user_id()))))
  with check (tenant_id = (select app.current_tenant_id()));

-- Partners with ledger:read: the entries of their settlement account only.
create policy select_partner_settlement on transactions for select to fortress_partner
  using (tenant_id = (select app.current_partner_tenant_id()) and account_id = (select app.current_partner_settlement_account_id()));

grant select on transactions to fortress_user;
grant update (category_id, merchant_id) on transactions to fortress_user;
grant insert (tenant_id, account_id, counterparty_account_id, category_id, merchant_id, type, amount, currency,
              status, occurred_at, reference, description, metadata)
  on transactions to fortress_user;
grant select on transactions to fortress_partner;

-- Support staff read masked views (sql/support/views.sql) owned by fortress_support_reader:
-- it reads these columns of the one tenant a live support grant opens (app.support_tenant_id()).
create policy select_support_reader on transactions for select to fortress_support_reader
  using (tenant_id = (select app.support_tenant_id()));
grant select (id, tenant_id, account_id, counterparty_account_id, category_id, type, amount, currency, status, occurred_at, description) on transactions to fortress_support_reader;

comment on table transactions is 'Ledger entries. Insert-only for app roles; reversals are counter-entries.';
