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

-- A tenant always keeps at least one owner. The other owners' rows are locked
-- first, so two owners demoting each other concurrently cannot both succeed.
create or replace function app.keep_an_owner() returns trigger
  language plpgsql
  set search_path = pg_catalog, public
  as $$
  begin
    if old.role = 'owner' and new.role <> 'owner' then
      perform 1 from tenant_memberships where tenant_id = old.tenant_id and role = 'owner' for update;
      if not exists (select 1 from tenant_memberships
                      where tenant_id = old.tenant_id and role = 'owner' and user_id <> old.user_id) then
        raise exception 'the last owner of a tenant cannot be demoted' using errcode = 'P0001', hint = 'LAST_OWNER';
      end if;
    end if;
    return new;
  end
  $$;
create trigger keep_an_owner before update of role on tenant_memberships
  for each row execute function app.keep_an_owner();
