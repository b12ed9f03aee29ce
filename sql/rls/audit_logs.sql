-- audit_logs: insert-only. Any user of the tenant writes entries naming
-- themselves as the actor; only owners/admins read them. No update/delete.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.audit_logs');
alter table audit_logs enable row level security;
alter table audit_logs force row level security;

create policy owner_maintenance on audit_logs to fortress_owner using (true) with check (true);

create policy select_admin on audit_logs for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));
create policy insert_as_self on audit_logs for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));

grant select on audit_logs to fortress_user;
grant insert (tenant_id, user_id, entity, entity_id, action, diff) on audit_logs to fortress_user;

-- Support staff read masked views (sql/support/views.sql) owned by fortress_support_reader:
-- it reads these columns of the one tenant a live support grant opens (app.support_tenant_id()).
create policy select_support_reader on audit_logs for select to fortress_support_reader
  using (tenant_id = (select app.support_tenant_id()));
grant select (id, tenant_id, user_id, entity, entity_id, action, diff, created_at) on audit_logs to fortress_support_reader;

comment on table audit_logs is 'Who did what to which entity; insert-only for app roles.';
