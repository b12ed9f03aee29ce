-- events_outbox: written in the same transaction as the change it announces
-- (outbox pattern, spec §12); owners/admins may read their tenant's events.
-- event_id, occurred_at and status come from defaults, never from the writer.
-- The relay that publishes events runs as its own role in a later issue.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.events_outbox');
alter table events_outbox enable row level security;
alter table events_outbox force row level security;

create policy owner_maintenance on events_outbox to fortress_owner using (true) with check (true);

create policy select_admin on events_outbox for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));
create policy insert_own_tenant on events_outbox for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()));

grant select on events_outbox to fortress_user;
grant insert (tenant_id, aggregate, aggregate_id, event_type, payload, schema_version) on events_outbox to fortress_user;
grant usage on sequence events_outbox_id_seq to fortress_user;

comment on table events_outbox is 'Outbox of domain events for EDA/CDC; pending until the relay sends them.';
