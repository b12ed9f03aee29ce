-- webhook_endpoints: where a tenant's events are POSTed (issue 11). Owners and
-- admins register, list, enable/disable and rotate them; members see none.
-- The signing secrets (secret, previous_secret) are readable by no app role:
-- the API generates a secret, writes it and shows it once; the relay
-- (fortress_worker) reads it through app.webhook_claim_deliveries
-- (sql/functions/webhooks.sql). An update of `secret` keeps the old one as
-- previous_secret for a day and `enabled` sets disabled_at, by a trigger
-- (webhook_endpoints_track_changes), so app roles need no access to those
-- columns. No delete: the delivery log refers to endpoints; disable instead.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.webhook_endpoints');
alter table webhook_endpoints enable row level security;
alter table webhook_endpoints force row level security;

create policy owner_maintenance on webhook_endpoints to fortress_owner using (true) with check (true);

create policy select_admin on webhook_endpoints for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));
-- The registering admin is recorded as created_by; nobody registers in another's name.
create policy insert_admin on webhook_endpoints for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin())
              and created_by = (select app.current_user_id()));
create policy update_admin on webhook_endpoints for update to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()))
  with check (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));

-- Column grants only: without a table-level grant the table's ACL would stay
-- NULL (the owner's implicit default) until a re-run of this file revokes
-- something; writing it now keeps first runs and re-runs identical.
revoke all on webhook_endpoints from public;
-- Every column but the secrets.
grant select (id, tenant_id, url, event_types, enabled, created_by, created_at, disabled_at, secret_rotated_at, previous_secret_expires_at)
  on webhook_endpoints to fortress_user;
grant insert (id, tenant_id, url, event_types, secret, created_by) on webhook_endpoints to fortress_user;
grant update (enabled, secret) on webhook_endpoints to fortress_user;

comment on table webhook_endpoints is 'Webhook destinations of a tenant (owners/admins); events are signed with the Standard Webhooks secret, which no app role can read.';
comment on column webhook_endpoints.secret is 'Standard Webhooks signing secret (whsec_…): shown once by the API, read only by the relay (app.webhook_claim_deliveries).';
comment on column webhook_endpoints.event_types is 'Event types delivered to this endpoint (events_outbox.event_type); empty: every type.';
