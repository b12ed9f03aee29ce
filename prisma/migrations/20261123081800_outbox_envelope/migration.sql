-- Outbox events carry the envelope of spec §12: a unique event id for
-- consumers to deduplicate on, the aggregate and its id, the tenant, when it
-- occurred and the payload's schema version. created_at becomes occurred_at
-- (one name per concept: the row is written in the transaction of the change).
-- Event types are PascalCase "<Aggregate><PastTense>" (TransferPosted,
-- AccountOpened); rows written under the old dotted names are renamed.
alter table events_outbox rename column created_at to occurred_at;
alter table events_outbox
  add column event_id uuid not null default gen_random_uuid(),
  add column schema_version integer not null default 1,
  add constraint events_outbox_schema_version_positive check (schema_version > 0);
create unique index ux_events_outbox_event_id on events_outbox (event_id);
alter index ix_events_outbox_tenant_created rename to ix_events_outbox_tenant_occurred;

update events_outbox
   set event_type = replace(initcap(translate(event_type, '._', '  ')), ' ', ''),
       payload = payload - 'schemaVersion'
 where event_type !~ '^[A-Z][A-Za-z0-9]*$';
alter table events_outbox add constraint events_outbox_event_type_pascal_case check (event_type ~ '^[A-Z][A-Za-z0-9]*$');
