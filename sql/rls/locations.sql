-- locations: shared reference data of a tenant. Every user of the tenant reads it;
-- only owners/admins write it.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.locations');
alter table locations enable row level security;
alter table locations force row level security;

create policy owner_maintenance on locations to fortress_owner using (true) with check (true);

create policy select_own_tenant on locations for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()));
create policy insert_admin on locations for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));
create policy update_admin on locations for update to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy delete_admin on locations for delete to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));

-- Partners (sql/functions/partner.sql) with catalog:read or inventory:read
-- read it (stock is reported per location).
create policy select_partner_catalog on locations for select to fortress_partner
  using (tenant_id = (select app.current_partner_tenant_id())
         and (select app.current_partner_scopes()) && array['catalog:read', 'inventory:read']);

grant select, delete on locations to fortress_user;
grant insert (tenant_id, code, name, address, kind) on locations to fortress_user;
grant update (code, name, address, kind) on locations to fortress_user;
grant select on locations to fortress_partner;

comment on table locations is 'Stores and warehouses holding inventory.';
