-- webhook_deliveries: one outbox event for one endpoint, the relay's work item
-- and the admins' delivery log (attempts, last status code, last error).
-- Owners/admins read their tenant's; members see none. No app role writes
-- it: the relay (fortress_worker) fans out, claims and records through the
-- security definer functions of sql/functions/webhooks.sql, and a redelivery
-- goes through app.redeliver_webhook, which re-applies tenant and role.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.webhook_deliveries');
alter table webhook_deliveries enable row level security;
alter table webhook_deliveries force row level security;

create policy owner_maintenance on webhook_deliveries to fortress_owner using (true) with check (true);

create policy select_admin on webhook_deliveries for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));

grant select on webhook_deliveries to fortress_user;

comment on table webhook_deliveries is 'Webhook deliveries: one per (endpoint, outbox event), with attempts and the last result; written only by the relay''s functions.';
