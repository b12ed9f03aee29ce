-- Webhooks (issue 11): endpoints a tenant's owners/admins register, and one
-- delivery per (endpoint, outbox event) that the relay (src/jobs/webhooks.ts)
-- works through, signed per the Standard Webhooks specification. Policies,
-- grants and the relay's functions are in sql/rls/webhook_endpoints.sql,
-- sql/rls/webhook_deliveries.sql and sql/functions/webhooks.sql (the
-- generated migration after this one).

create type webhook_delivery_status as enum ('pending', 'delivering', 'succeeded', 'failed');

create table webhook_endpoints (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id) on delete cascade,
  -- Checked by the API (https, public addresses) at registration and by the
  -- relay again at every delivery; the database only bounds the shape.
  url text not null check (url ~ '^https?://\S+$' and length(url) <= 2048),
  -- Event types (PascalCase, as events_outbox.event_type) to deliver; empty: every type.
  event_types text[] not null default '{}',
  -- Standard Webhooks secret, 'whsec_' + base64 of 24 to 64 random bytes. No
  -- app role may read it (column grants): the API shows it once, the relay
  -- reads it through a security definer function.
  secret text not null check (secret ~ '^whsec_[A-Za-z0-9+/]{32,88}={0,2}$'),
  -- The secret before the last rotation, which also signs until it expires,
  -- so receivers can switch without rejecting deliveries (set by a trigger).
  previous_secret text check (previous_secret ~ '^whsec_[A-Za-z0-9+/]{32,88}={0,2}$'),
  previous_secret_expires_at timestamptz,
  enabled boolean not null default true,
  created_by uuid,
  created_at timestamptz not null default now(),
  disabled_at timestamptz,
  secret_rotated_at timestamptz,
  constraint ux_webhook_endpoints_tenant_id unique (tenant_id, id),
  constraint webhook_endpoints_created_by_fk foreign key (tenant_id, created_by) references users (tenant_id, id),
  -- One dimension, no nulls, at most 100 PascalCase names of at most 100 characters.
  constraint webhook_endpoints_event_types_format check (
    coalesce(array_ndims(event_types), 1) = 1
    and cardinality(event_types) <= 100
    and array_position(event_types, null) is null
    and array_to_string(event_types, ',') ~ '^([A-Z][A-Za-z0-9]{0,99}(,[A-Z][A-Za-z0-9]{0,99})*)?$'),
  constraint webhook_endpoints_disabled_at check (enabled = (disabled_at is null)),
  constraint webhook_endpoints_previous_secret check ((previous_secret is null) = (previous_secret_expires_at is null))
);
-- The admins' list (latest first) and every policy lead with tenant_id; the
-- fan-out looks endpoints up by tenant through the same index.
create index ix_webhook_endpoints_tenant_created on webhook_endpoints (tenant_id, created_at desc, id desc);
create index ix_webhook_endpoints_tenant_created_by on webhook_endpoints (tenant_id, created_by);

-- A delivery names its outbox row by id and event id together, so the
-- webhook-id it is sent with is always that row's event_id.
alter table events_outbox add constraint ux_events_outbox_tenant_id_event_id unique (tenant_id, id, event_id);
-- The relay's queue: outbox rows not yet fanned out to the endpoints.
create index ix_events_outbox_pending on events_outbox (id) where status = 'pending';

create table webhook_deliveries (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id) on delete cascade,
  endpoint_id uuid not null,
  outbox_id bigint not null,
  event_id uuid not null,
  status webhook_delivery_status not null default 'pending',
  -- Attempts in the current round (a redelivery starts a new round at 0).
  attempts integer not null default 0 check (attempts >= 0),
  -- When the relay may (next) claim it: due time while pending, the end of
  -- the claim's lease while delivering, null once succeeded or failed.
  next_attempt_at timestamptz default now(),
  last_attempt_at timestamptz,
  last_status_code integer check (last_status_code between 100 and 599),
  last_error text check (length(last_error) <= 1000),
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  constraint ux_webhook_deliveries_tenant_id unique (tenant_id, id),
  -- Each event once per endpoint, however many relays run.
  constraint ux_webhook_deliveries_endpoint_event unique (endpoint_id, event_id),
  constraint webhook_deliveries_endpoint_fk foreign key (tenant_id, endpoint_id) references webhook_endpoints (tenant_id, id) on delete cascade,
  constraint webhook_deliveries_event_fk foreign key (tenant_id, outbox_id, event_id)
    references events_outbox (tenant_id, id, event_id) on delete cascade,
  constraint webhook_deliveries_next_attempt check ((next_attempt_at is null) = (status in ('succeeded', 'failed'))),
  constraint webhook_deliveries_delivered check (status <> 'succeeded' or delivered_at is not null)
);
-- An endpoint's delivery log (latest first); also covers the endpoint key.
create index ix_webhook_deliveries_tenant_endpoint_created on webhook_deliveries (tenant_id, endpoint_id, created_at desc, id desc);
create index ix_webhook_deliveries_tenant_outbox on webhook_deliveries (tenant_id, outbox_id, event_id);
-- The tenant's deliveries by state (dead letters: status = 'failed'), latest first.
create index ix_webhook_deliveries_tenant_status on webhook_deliveries (tenant_id, status, created_at desc, id desc);
-- The relay's claim: open deliveries by due time.
create index ix_webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status in ('pending', 'delivering');
