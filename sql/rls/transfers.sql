-- transfers: the ledger's journals, written only by the posting functions
-- (sql/functions/ledger.sql); no app role inserts, updates or deletes one.
-- A member sees the journals touching an account of their own (a payment
-- they sent or received); owners/admins see all of the tenant's. The other
-- side's account stays invisible through accounts' own policy.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.transfers');
alter table transfers enable row level security;
alter table transfers force row level security;

create policy owner_maintenance on transfers to fortress_owner using (true) with check (true);

create policy select_own_account_or_admin on transfers for select to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and ((select app.is_tenant_admin())
              or from_account_id in (select a.id from accounts a where a.user_id = (select app.current_user_id()))
              or to_account_id in (select a.id from accounts a where a.user_id = (select app.current_user_id()))));

-- Partners with ledger:read: the journals into or out of their settlement account.
create policy select_partner_settlement on transfers for select to fortress_partner
  using (tenant_id = (select app.current_partner_tenant_id())
         and (from_account_id = (select app.current_partner_settlement_account_id())
              or to_account_id = (select app.current_partner_settlement_account_id())));

grant select on transfers to fortress_user;
grant select on transfers to fortress_partner;

comment on table transfers is 'Ledger journals: a debit and a credit entry summing to zero. Written only by the ledger functions.';
