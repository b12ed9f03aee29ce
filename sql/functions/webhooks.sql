-- Webhooks (issue 11): the relay that turns events_outbox rows into signed
-- POSTs (src/jobs/webhooks.ts), and the admins' redelivery.
--
-- The rules of sql/functions/auth.sql's header apply:
-- - The relay's functions are security definer because fortress_worker reads
--   and writes no table; they run as the owner, whose owner_maintenance
--   policies see every tenant, and touch exactly the rows their name says.
--   p_tenant (null: every tenant) keeps a call to one tenant: the tests, which
--   share one database, and an operator's fix. Executable by fortress_worker only.
-- - Batches of at most p_limit rows, locked `for update skip locked`, so any
--   number of workers share the work without waiting on each other and no
--   row is taken by two of them; each call is its own short transaction.
-- - The HTTP POST happens between two calls, outside any transaction:
--   app.webhook_claim_deliveries marks a batch `delivering` (attempts + 1,
--   a lease in next_attempt_at) and commits; the task POSTs; then
--   app.webhook_record_attempt stores the result, fenced by the attempt
--   number, so a worker that comes back after its lease expired (and the
--   delivery was claimed again) changes nothing.
-- - app.redeliver_webhook is for fortress_user (owners/admins) and re-applies
--   tenant and role itself.
-- - Lock order: events_outbox, then webhook_deliveries.

-- ---------------------------------------------------------------- endpoints
-- Keeps the derived columns of an endpoint in step with what app roles may
-- update (enabled, secret): disabled_at follows enabled, and a new secret
-- keeps the old one as previous_secret for a day (the relay signs with both,
-- so receivers can switch over without rejecting deliveries) and stamps
-- secret_rotated_at. A trigger reads OLD.secret without any column privilege.
create or replace function app.webhook_endpoints_track_changes() returns trigger
  language plpgsql
  set search_path = pg_catalog, public, pg_temp
  as $$
  begin
    if new.enabled is distinct from old.enabled then
      new.disabled_at := case when new.enabled then null else now() end;
    end if;
    if new.secret is distinct from old.secret then
      new.previous_secret := old.secret;
      new.previous_secret_expires_at := now() + interval '24 hours';
      new.secret_rotated_at := now();
    end if;
    return new;
  end
  $$;
revoke all on function app.webhook_endpoints_track_changes() from public;

create or replace trigger webhook_endpoints_track_changes
  before update on webhook_endpoints
  for each row execute function app.webhook_endpoints_track_changes();

-- ---------------------------------------------------------------- fan-out
-- Takes up to p_limit pending outbox rows (oldest first, skipping rows
-- another relay holds), creates one delivery for each enabled endpoint of
-- the row's tenant that wants its event type (an empty list wants all), and
-- marks the rows sent (handed to the relay) in the same transaction. An
-- endpoint registered later does not receive older events. Returns how many
-- outbox rows it took and how many deliveries it created.
create or replace function app.webhook_fan_out(p_limit integer default 500, p_tenant uuid default null)
  returns table (events integer, deliveries integer)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  #variable_conflict use_column
  declare
    v_events integer;
    v_deliveries integer;
  begin
    if p_limit is null or p_limit < 1 or p_limit > 10000 then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: limit must be between 1 and 10000';
    end if;
    with batch as (
      select o.id, o.tenant_id, o.event_id, o.event_type
        from events_outbox o
       where o.status = 'pending'
         and (p_tenant is null or o.tenant_id = p_tenant)
       order by o.id
       limit p_limit
         for update skip locked
    ), created as (
      insert into webhook_deliveries (tenant_id, endpoint_id, outbox_id, event_id)
      select b.tenant_id, e.id, b.id, b.event_id
        from batch b
        join webhook_endpoints e
          on e.tenant_id = b.tenant_id and e.enabled
         and (cardinality(e.event_types) = 0 or b.event_type = any (e.event_types))
      on conflict (endpoint_id, event_id) do nothing
      returning 1
    ), relayed as (
      update events_outbox o
         set status = 'sent', sent_at = now()
        from batch b
       where o.id = b.id
      returning 1
    )
    select (select count(*) from relayed)::integer, (select count(*) from created)::integer
      into v_events, v_deliveries;
    return query select v_events, v_deliveries;
  end
  $$;

revoke all on function app.webhook_fan_out(integer, uuid)
  from public, fortress_authenticator, fortress_anonymous, fortress_user, fortress_partner, fortress_support;
grant execute on function app.webhook_fan_out(integer, uuid) to fortress_worker;
comment on function app.webhook_fan_out(integer, uuid) is
  'Relay: turns up to p_limit pending outbox rows (of p_tenant, or every tenant) into one delivery per matching enabled endpoint and marks them sent; skips locked rows. fortress_worker only.';

-- ---------------------------------------------------------------- claim
-- Claims up to p_limit due deliveries of enabled endpoints (earliest due
-- first, skipping rows another relay holds): status delivering, attempts + 1,
-- last_attempt_at now, and next_attempt_at the end of a lease of
-- p_lease_seconds, after which a delivery whose result never came (the
-- worker died mid-POST) is due again. One whose lease expired on its last
-- allowed attempt is failed instead. Returns what the POST needs: the
-- attempt number (the fence for app.webhook_record_attempt), the URL, the
-- signing secrets (the current one first, then the previous one while it
-- has not expired) and the event's envelope.
create or replace function app.webhook_claim_deliveries(
  p_limit integer, p_lease_seconds integer, p_max_attempts integer, p_tenant uuid default null)
  returns table (
    delivery_id uuid, attempt integer, url text, secrets text[], event_id uuid, event_type text, aggregate text,
    aggregate_id uuid, tenant_id uuid, occurred_at timestamptz, schema_version integer, payload jsonb)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  #variable_conflict use_column
  begin
    if p_limit is null or p_limit < 1 or p_limit > 1000 then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: limit must be between 1 and 1000';
    end if;
    if p_lease_seconds is null or p_lease_seconds < 1 or p_lease_seconds > 3600 then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: lease must be between 1 and 3600 seconds';
    end if;
    if p_max_attempts is null or p_max_attempts < 1 or p_max_attempts > 100 then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: maxAttempts must be between 1 and 100';
    end if;

    -- Lost on their last attempt: dead letters.
    update webhook_deliveries d
       set status = 'failed', next_attempt_at = null,
           last_error = 'No result was recorded within the lease (the worker stopped during the request)'
     where d.id in (
       select s.id from webhook_deliveries s
        where s.status = 'delivering' and s.next_attempt_at <= now() and s.attempts >= p_max_attempts
          and (p_tenant is null or s.tenant_id = p_tenant)
          for update skip locked);

    return query
    with due as (
      select d.id
        from webhook_deliveries d
        join webhook_endpoints e on e.tenant_id = d.tenant_id and e.id = d.endpoint_id
       where d.status in ('pending', 'delivering')
         and d.next_attempt_at <= now()
         and e.enabled
         and (p_tenant is null or d.tenant_id = p_tenant)
       order by d.next_attempt_at, d.id
       limit p_limit
         for update of d skip locked
    ), claimed as (
      update webhook_deliveries d
         set status = 'delivering', attempts = d.attempts + 1, last_attempt_at = now(),
             next_attempt_at = now() + make_interval(secs => p_lease_seconds)
        from due
       where d.id = due.id
      returning d.id, d.attempts, d.tenant_id, d.endpoint_id, d.outbox_id
    )
    select c.id, c.attempts, e.url,
           case when e.previous_secret is not null and e.previous_secret_expires_at > now()
                then array[e.secret, e.previous_secret] else array[e.secret] end,
           o.event_id, o.event_type, o.aggregate, o.aggregate_id, o.tenant_id, o.occurred_at, o.schema_version, o.payload
      from claimed c
      join webhook_endpoints e on e.tenant_id = c.tenant_id and e.id = c.endpoint_id
      join events_outbox o on o.tenant_id = c.tenant_id and o.id = c.outbox_id;
  end
  $$;

revoke all on function app.webhook_claim_deliveries(integer, integer, integer, uuid)
  from public, fortress_authenticator, fortress_anonymous, fortress_user, fortress_partner, fortress_support;
grant execute on function app.webhook_claim_deliveries(integer, integer, integer, uuid) to fortress_worker;
comment on function app.webhook_claim_deliveries(integer, integer, integer, uuid) is
  'Relay: claims up to p_limit due deliveries of enabled endpoints (of p_tenant, or every tenant) for one attempt each, skipping locked rows; returns URL, signing secrets and event. fortress_worker only.';

-- ---------------------------------------------------------------- result
-- Records the outcome of attempt p_attempt of a claimed delivery: a 2xx
-- status code succeeds; anything else (another code, or no response:
-- p_status_code null and p_error saying why) is retried after p_retry_in,
-- unless it was attempt p_max_attempts, which fails it for good (dead
-- letter). Returns the new status, or null when the delivery is no longer
-- this attempt's (its lease expired and it was claimed again, or an admin
-- asked for a redelivery).
create or replace function app.webhook_record_attempt(
  p_delivery uuid, p_attempt integer, p_status_code integer, p_error text, p_retry_in interval, p_max_attempts integer)
  returns webhook_delivery_status
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_ok boolean := coalesce(p_status_code between 200 and 299, false);
    v_status webhook_delivery_status;
  begin
    if p_attempt is null or p_attempt < 1 then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: attempt must be positive';
    end if;
    if p_status_code is not null and (p_status_code < 100 or p_status_code > 599) then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: statusCode must be between 100 and 599';
    end if;
    if p_status_code is null and p_error is null then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: a status code or an error is required';
    end if;
    if p_retry_in is null or p_retry_in < interval '0' or p_retry_in > interval '7 days' then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: retryIn must be between 0 and 7 days';
    end if;
    if p_max_attempts is null or p_max_attempts < 1 or p_max_attempts > 100 then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: maxAttempts must be between 1 and 100';
    end if;
    update webhook_deliveries d
       set status = case when v_ok then 'succeeded'::webhook_delivery_status
                         when d.attempts >= p_max_attempts then 'failed'::webhook_delivery_status
                         else 'pending'::webhook_delivery_status end,
           next_attempt_at = case when v_ok or d.attempts >= p_max_attempts then null else now() + p_retry_in end,
           last_status_code = p_status_code,
           last_error = case when v_ok then null
                             else left(coalesce(p_error, format('HTTP %s', p_status_code)), 1000) end,
           delivered_at = case when v_ok then now() else d.delivered_at end
     where d.id = p_delivery and d.status = 'delivering' and d.attempts = p_attempt
    returning d.status into v_status;
    return v_status;
  end
  $$;

revoke all on function app.webhook_record_attempt(uuid, integer, integer, text, interval, integer)
  from public, fortress_authenticator, fortress_anonymous, fortress_user, fortress_partner, fortress_support;
grant execute on function app.webhook_record_attempt(uuid, integer, integer, text, interval, integer) to fortress_worker;
comment on function app.webhook_record_attempt(uuid, integer, integer, text, interval, integer) is
  'Relay: records the result of one claimed attempt (2xx: succeeded; else retry after p_retry_in, or failed after p_max_attempts); ignores a stale attempt. fortress_worker only.';

-- ---------------------------------------------------------------- due
-- The earliest time a delivery of an enabled endpoint (of p_tenant, or any)
-- is due, or null when none is open: the relay's poll asks it to decide
-- whether to start a delivery run now.
create or replace function app.webhook_next_attempt_at(p_tenant uuid default null)
  returns timestamptz
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
    select min(d.next_attempt_at)
      from webhook_deliveries d
      join webhook_endpoints e on e.tenant_id = d.tenant_id and e.id = d.endpoint_id
     where d.status in ('pending', 'delivering') and e.enabled
       and (p_tenant is null or d.tenant_id = p_tenant)
  $$;

revoke all on function app.webhook_next_attempt_at(uuid)
  from public, fortress_authenticator, fortress_anonymous, fortress_user, fortress_partner, fortress_support;
grant execute on function app.webhook_next_attempt_at(uuid) to fortress_worker;
comment on function app.webhook_next_attempt_at(uuid) is
  'Relay: when the next open delivery of an enabled endpoint (of p_tenant, or any tenant) is due; null when none. fortress_worker only.';

-- ---------------------------------------------------------------- redeliver
-- An owner/admin asks for a past delivery again (the receiver lost it, or it
-- failed for good): a new round of attempts starting now, with the same
-- webhook-id (the event's id), so a receiver that did get it can tell.
-- Refused while an attempt is in flight (CONFLICT: ask again when it has
-- finished) and for a disabled endpoint (CONFLICT: enable it first).
-- NOT_FOUND for a delivery of another tenant, like a missing one.
create or replace function app.redeliver_webhook(p_delivery uuid)
  returns uuid
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid := app.ledger_require_tenant();
    v_status webhook_delivery_status;
    v_enabled boolean;
  begin
    if not app.is_tenant_admin() then
      raise exception using errcode = 'P0001', message = 'FORTRESS:FORBIDDEN: Only owners and admins redeliver webhooks';
    end if;
    if p_delivery is null then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: deliveryId is required';
    end if;
    select d.status, e.enabled into v_status, v_enabled
      from webhook_deliveries d
      join webhook_endpoints e on e.tenant_id = d.tenant_id and e.id = d.endpoint_id
     where d.tenant_id = v_tenant and d.id = p_delivery
       for update of d;
    if not found then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such webhook delivery';
    end if;
    if v_status = 'delivering' then
      raise exception using errcode = 'P0001',
        message = 'FORTRESS:CONFLICT: The delivery is being attempted right now; ask again once it has finished';
    end if;
    if not v_enabled then
      raise exception using errcode = 'P0001', message = 'FORTRESS:CONFLICT: The endpoint is disabled; enable it first';
    end if;
    update webhook_deliveries d
       set status = 'pending', attempts = 0, next_attempt_at = now()
     where d.tenant_id = v_tenant and d.id = p_delivery;
    return p_delivery;
  end
  $$;

revoke all on function app.redeliver_webhook(uuid)
  from public, fortress_authenticator, fortress_anonymous, fortress_partner, fortress_support, fortress_worker;
grant execute on function app.redeliver_webhook(uuid) to fortress_user;
comment on function app.redeliver_webhook(uuid) is
  'Owners/admins: queues a past webhook delivery of their tenant again (a new round of attempts, same webhook-id). fortress_user.';
