-- tenant_memberships: everyone in a tenant may see who holds which role
-- (app.current_tenant_role() reads this table as the caller, so its select
-- policy must depend on the tenant alone); owners/admins change roles, but
-- only owners touch the owner role: an admin can neither become nor demote
-- an owner.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.tenant_memberships');
alter table tenant_memberships enable row level security;
alter table tenant_memberships force row level security;

create policy owner_maintenance on tenant_memberships to fortress_owner using (true) with check (true);

create policy select_own_tenant on tenant_memberships for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()));
create policy insert_admin on tenant_memberships for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin())
              and (role <> 'owner' or (select app.current_tenant_role()) = 'owner'));
create policy update_admin on tenant_memberships for update to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin())
         and (role <> 'owner' or (select app.current_tenant_role()) = 'owner'))
  with check (tenant_id = (select app.current_tenant_id())
              and (role <> 'owner' or (select app.current_tenant_role()) = 'owner'));
create policy delete_admin on tenant_memberships for delete to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin())
         and (role <> 'owner' or (select app.current_tenant_role()) = 'owner'));

grant select, insert, delete on tenant_memberships to fortress_user;
grant update (role, updated_at) on tenant_memberships to fortress_user;

-- Support staff read masked views (sql/support/views.sql) owned by fortress_support_reader:
-- it reads these columns of the one tenant a live support grant opens (app.support_tenant_id()).
create policy select_support_reader on tenant_memberships for select to fortress_support_reader
  using (tenant_id = (select app.support_tenant_id()));
grant select (tenant_id, user_id, role) on tenant_memberships to fortress_support_reader;

comment on table tenant_memberships is 'Role (owner/admin/member) of a user inside their tenant; read by app.current_tenant_role().';

-- A tenant always keeps at least one owner. Owner changes of a tenant are
-- serialised on its tenants row, so two owners demoting (or removing) each
-- other concurrently cannot both succeed, and cannot deadlock either.
-- Deleting the tenant itself (cascade) is allowed: its row is gone by then.
create or replace function app.keep_an_owner() returns trigger
  language plpgsql
  set search_path = pg_catalog, public
  as $$
  begin
    if old.role = 'owner' and (tg_op = 'DELETE' or new.role <> 'owner') then
      perform 1 from tenants where id = old.tenant_id for update;
      if found and not exists (select 1 from tenant_memberships
                                where tenant_id = old.tenant_id and role = 'owner' and user_id <> old.user_id) then
        -- Error convention: README, "Writing SQL functions" (FORTRESS:<code>: text, mapped by src/errors.ts).
        raise exception using errcode = 'P0001', message = 'FORTRESS:FORBIDDEN: The last owner of a tenant cannot be demoted or removed';
      end if;
    end if;
    return coalesce(new, old);
  end
  $$;
drop trigger if exists keep_an_owner on tenant_memberships;
create trigger keep_an_owner before update of role or delete on tenant_memberships
  for each row execute function app.keep_an_owner();
