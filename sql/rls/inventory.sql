-- inventory: shared reference data of a tenant. Every user of the tenant reads it;
-- only owners/admins write it.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.inventory');
alter table inventory enable row level security;
alter table inventory force row level security;

create policy owner_maintenance on inventory to fortress_owner using (true) with check (true);

create policy select_own_tenant on inventory for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()));
create policy insert_admin on inventory for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));
create policy update_admin on inventory for update to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy delete_admin on inventory for delete to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));

grant select, delete on inventory to fortress_user;
grant insert (tenant_id, product_id, location_id, quantity, reserved, reorder_threshold, last_restock_at) on inventory to fortress_user;
grant update (quantity, reserved, reorder_threshold, last_restock_at, updated_at) on inventory to fortress_user;

comment on table inventory is 'Stock per product and location; reserved <= quantity.';
