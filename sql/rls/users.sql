-- users: members see themselves; owners/admins see and manage everyone in
-- the tenant. password_hash and lockout counters are not readable by any app
-- role (column grants); login goes through a narrow security-definer function.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.users');
alter table users enable row level security;
alter table users force row level security;

create policy owner_maintenance on users to fortress_owner using (true) with check (true);

create policy select_self_or_admin on users for select to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and (id = (select app.current_user_id()) or (select app.is_tenant_admin())));
create policy insert_admin on users for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));
create policy update_self_or_admin on users for update to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and (id = (select app.current_user_id()) or (select app.is_tenant_admin())))
  with check (tenant_id = (select app.current_tenant_id()));

grant select (id, tenant_id, email, phone, display_name, profile, is_active, created_at, updated_at, last_login_at)
  on users to fortress_user;
grant insert (tenant_id, email, phone, display_name, profile, password_hash) on users to fortress_user;
grant update (display_name, phone, profile, updated_at) on users to fortress_user;

-- Support staff read masked views (sql/support/views.sql) owned by fortress_support_reader:
-- it reads these columns of the one tenant a live support grant opens (app.support_tenant_id()).
create policy select_support_reader on users for select to fortress_support_reader
  using (tenant_id = (select app.support_tenant_id()));
grant select (id, tenant_id, email, phone, display_name, is_active, created_at, last_login_at) on users to fortress_support_reader;

comment on table users is 'People who sign in; each belongs to one tenant. Email unique per tenant, case-insensitive.';
comment on column users.password_hash is 'argon2id hash; never selectable by app roles.';
