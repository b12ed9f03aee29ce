-- accounts: a member sees and opens only their own accounts; owners/admins
-- see every account of the tenant, including corporate ones and the system
-- accounts (user_id null; system_kind clearing or revenue).
-- balance is maintained by the ledger, so it is not updatable by app roles.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.accounts');
alter table accounts enable row level security;
alter table accounts force row level security;

create policy owner_maintenance on accounts to fortress_owner using (true) with check (true);

create policy select_own_or_admin on accounts for select to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and (user_id = (select app.current_user_id()) or (select app.is_tenant_admin())));
-- A credit limit is credit granted by the tenant: only owners/admins set one
-- (a member's own credit line would let them pay others with money that
-- does not exist).
create policy insert_own_or_admin on accounts for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id())
              and (user_id = (select app.current_user_id()) or (select app.is_tenant_admin()))
              and (credit_limit = 0 or (select app.is_tenant_admin())));
create policy update_own_or_admin on accounts for update to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and (user_id = (select app.current_user_id()) or (select app.is_tenant_admin())))
  with check (tenant_id = (select app.current_tenant_id())
              and (user_id = (select app.current_user_id()) or (select app.is_tenant_admin())));

-- Partners with ledger:read read exactly one account: their client's
-- settlement account (sql/functions/partner.sql); no other, and no write.
create policy select_partner_settlement on accounts for select to fortress_partner
  using (tenant_id = (select app.current_partner_tenant_id()) and id = (select app.current_partner_settlement_account_id()));

grant select on accounts to fortress_user;
-- No app role writes balance, status, closed_at or system_kind: the ledger
-- functions (sql/functions/ledger.sql) do, and close_account closes.
grant insert (tenant_id, user_id, name, type, currency, metadata, credit_limit) on accounts to fortress_user;
grant update (name, metadata, updated_at) on accounts to fortress_user;
grant select on accounts to fortress_partner;

-- Support staff read masked views (sql/support/views.sql) owned by fortress_support_reader:
-- it reads these columns of the one tenant a live support grant opens (app.support_tenant_id()).
create policy select_support_reader on accounts for select to fortress_support_reader
  using (tenant_id = (select app.support_tenant_id()));
grant select (id, tenant_id, user_id, name, type, currency, balance, status, created_at, closed_at, system_kind) on accounts to fortress_support_reader;

comment on table accounts is 'Financial accounts (wallet, bank, credit, savings, corporate); balance kept by the ledger.';
