-- categories: shared reference data of a tenant. Every user of the tenant reads it;
-- only owners/admins write it.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.categories');
alter table categories enable row level security;
alter table categories force row level security;

create policy owner_maintenance on categories to fortress_owner using (true) with check (true);

create policy select_own_tenant on categories for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()));
create policy insert_admin on categories for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));
create policy update_admin on categories for update to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy delete_admin on categories for delete to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));

-- Partners (sql/functions/partner.sql) with catalog:read read it.
create policy select_partner_catalog on categories for select to fortress_partner
  using (tenant_id = (select app.current_partner_tenant_id()) and (select app.current_partner_scopes()) @> array['catalog:read']);

grant select, delete on categories to fortress_user;
grant insert (tenant_id, parent_id, name, rules) on categories to fortress_user;
grant update (parent_id, name, rules) on categories to fortress_user;
grant select on categories to fortress_partner;

-- Support staff read masked views (sql/support/views.sql) owned by fortress_support_reader:
-- it reads these columns of the one tenant a live support grant opens (app.support_tenant_id()).
create policy select_support_reader on categories for select to fortress_support_reader
  using (tenant_id = (select app.support_tenant_id()));
grant select (id, tenant_id, name) on categories to fortress_support_reader;

comment on table categories is 'Spending/product categories, a tree per tenant.';
