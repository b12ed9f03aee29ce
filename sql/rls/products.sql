-- products: shared reference data of a tenant. Every user of the tenant reads it;
-- only owners/admins write it.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.products');
alter table products enable row level security;
alter table products force row level security;

create policy owner_maintenance on products to fortress_owner using (true) with check (true);

create policy select_own_tenant on products for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()));
create policy insert_admin on products for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));
create policy update_admin on products for update to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy delete_admin on products for delete to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));

-- Partners (sql/functions/partner.sql) with catalog:read read it.
create policy select_partner_catalog on products for select to fortress_partner
  using (tenant_id = (select app.current_partner_tenant_id()) and (select app.current_partner_scopes()) @> array['catalog:read']);

grant select, delete on products to fortress_user;
grant insert (tenant_id, sku, name, description, brand, category_id, price, currency, tax_code, attributes, active) on products to fortress_user;
grant update (sku, name, description, brand, category_id, price, currency, tax_code, attributes, active, updated_at) on products to fortress_user;
grant select on products to fortress_partner;

comment on table products is 'Catalogue; sku unique per tenant. Ordered products are deactivated (active = false), not deleted.';
