-- merchants: shared reference data of a tenant. Every user of the tenant reads it;
-- only owners/admins write it.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.merchants');
alter table merchants enable row level security;
alter table merchants force row level security;

create policy owner_maintenance on merchants to fortress_owner using (true) with check (true);

create policy select_own_tenant on merchants for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()));
create policy insert_admin on merchants for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));
create policy update_admin on merchants for update to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy delete_admin on merchants for delete to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));

grant select, delete on merchants to fortress_user;
grant insert (tenant_id, name, merchant_code, category, metadata) on merchants to fortress_user;
grant update (name, merchant_code, category, metadata) on merchants to fortress_user;

comment on table merchants is 'Merchants (shops, payees) known to a tenant.';
