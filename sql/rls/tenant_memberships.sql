-- tenant_memberships: everyone in a tenant may see who holds which role
-- (app.current_tenant_role() reads this table as the caller, so its select
-- policy must depend on the tenant alone); only owners/admins change roles.
alter table tenant_memberships enable row level security;
alter table tenant_memberships force row level security;

create policy owner_maintenance on tenant_memberships to fortress_owner using (true) with check (true);

create policy select_own_tenant on tenant_memberships for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()));
create policy insert_admin on tenant_memberships for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));
create policy update_admin on tenant_memberships for update to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy delete_admin on tenant_memberships for delete to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));

grant select, insert, delete on tenant_memberships to fortress_user;
grant update (role, updated_at) on tenant_memberships to fortress_user;

comment on table tenant_memberships is 'Role (owner/admin/member) of a user inside their tenant; read by app.current_tenant_role().';
