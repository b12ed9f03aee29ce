-- Operational metrics (issue 12): what /metrics reports about the queues
-- behind the API. Rules of sql/functions/ in auth.sql's header.
--
-- The server's login (fortress_authenticator) reads no table, and the outbox,
-- the webhook deliveries and graphile-worker's jobs hold tenant data. This
-- narrow definer function returns only counts and ages across every tenant:
-- no tenant id, no payload, nothing a scrape could use to learn about one
-- tenant. Executable by fortress_authenticator only (the server calls it at
-- scrape time, outside any request transaction, and caches the answer a few
-- seconds), never by the request roles.
--
-- Each figure is read through an index: events_outbox (status, occurred_at),
-- webhook_deliveries' due index (next_attempt_at of pending/delivering rows),
-- graphile-worker's own job index (run_at of available jobs).

-- ---------------------------------------------------------------- snapshot
-- outbox_*:  events written but not yet handed to the relay (status pending);
--            the oldest one's age is how far the relay is behind.
-- webhook_*: deliveries due now (pending, or delivering with an expired
--            lease) of enabled endpoints; the age is since the earliest became due.
-- jobs_*:    graphile-worker jobs due now that no worker has taken (null when
--            the queue's tables do not exist yet: a database migrated without
--            the job queue).
create or replace function app.metrics_snapshot()
  returns table (
    outbox_pending bigint, outbox_oldest_pending_seconds double precision,
    webhook_due bigint, webhook_oldest_due_seconds double precision,
    jobs_due bigint, jobs_oldest_due_seconds double precision)
  language plpgsql stable security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  begin
    select count(*), coalesce(extract(epoch from now() - min(o.occurred_at)), 0)::double precision
      into outbox_pending, outbox_oldest_pending_seconds
      from events_outbox o
     where o.status = 'pending';

    select count(*), coalesce(extract(epoch from now() - min(d.next_attempt_at)), 0)::double precision
      into webhook_due, webhook_oldest_due_seconds
      from webhook_deliveries d
      join webhook_endpoints e on e.tenant_id = d.tenant_id and e.id = d.endpoint_id
     where d.status in ('pending', 'delivering')
       and d.next_attempt_at <= now()
       and e.enabled;

    -- graphile-worker's tables belong to fortress_worker, of which the owner
    -- (this function's owner) is a member; they appear only after the
    -- worker's own migrations ran, hence the dynamic statement.
    if to_regclass('graphile_worker._private_jobs') is not null then
      execute $q$
        select count(*), coalesce(extract(epoch from now() - min(j.run_at)), 0)::double precision
          from graphile_worker._private_jobs j
         where j.is_available and j.run_at <= now()
      $q$ into jobs_due, jobs_oldest_due_seconds;
    end if;
    return next;
  end
  $$;

revoke all on function app.metrics_snapshot()
  from public, fortress_anonymous, fortress_user, fortress_partner, fortress_support, fortress_worker;
grant execute on function app.metrics_snapshot() to fortress_authenticator;
comment on function app.metrics_snapshot() is
  'Metrics: pending outbox events, due webhook deliveries and due graphile-worker jobs (counts, and the age in seconds of the oldest), across all tenants; no tenant data. fortress_authenticator only (GET /metrics).';
