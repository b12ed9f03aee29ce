-- support_access_logs: one row per support request, written only by
-- app.record_support_access (definer, for fortress_support). The tenant's
-- owners/admins read it; members, partners and support staff do not; nobody
-- updates or deletes it.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.support_access_logs');
alter table support_access_logs enable row level security;
alter table support_access_logs force row level security;

create policy owner_maintenance on support_access_logs to fortress_owner using (true) with check (true);

create policy select_admin on support_access_logs for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));

grant select on support_access_logs to fortress_user;

comment on table support_access_logs is 'Who of support read what in the tenant, and under which grant; insert-only through app.record_support_access.';
