-- tenants: a user sees only the tenant of the request; owners/admins rename it.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.tenants');
alter table tenants enable row level security;
alter table tenants force row level security;

create policy owner_maintenance on tenants to fortress_owner using (true) with check (true);

create policy select_own_tenant on tenants for select to fortress_user
  using (id = (select app.current_tenant_id()));
create policy update_admin on tenants for update to fortress_user
  using (id = (select app.current_tenant_id()) and (select app.is_tenant_admin()))
  with check (id = (select app.current_tenant_id()));

grant select (id, slug, name, plan, config, created_at, updated_at) on tenants to fortress_user;
grant update (name, config, updated_at) on tenants to fortress_user;

comment on table tenants is 'A customer organisation; every other row belongs to exactly one tenant.';
