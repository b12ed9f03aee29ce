-- Scheduled jobs of the commerce domain. The job queue (src/jobs/tasks.ts)
-- calls them every minute as fortress_worker, outside any request: there is
-- no tenant or user setting, so they work across every tenant.
--
-- The rules of sql/functions/auth.sql's header apply:
-- - security definer, because fortress_worker reads and writes no table (it
--   owns only the graphile_worker schema); each function runs as the owner,
--   whose owner_maintenance policies see every tenant, and touches exactly
--   the rows its name says. p_tenant (null: every tenant) keeps a call to one
--   tenant: the tests, which share one database, and an operator's fix.
-- - Executable by fortress_worker only.
-- - Batches: at most p_limit rows per call, locked `for update skip locked`
--   so two workers (or a worker and a checkout) never wait on each other; the
--   task calls again while a batch comes back full, each call its own short
--   transaction.
-- - The other job function, app.expire_orders(p_older_than, p_limit,
--   p_tenant), lives in sql/functions/orders.sql beside app.order_release,
--   which it calls for each order; the same rules apply to it.

-- Deletes carts past their expiry that are still open or abandoned (their
-- items go with them: cart_items cascade). A checked-out cart is never
-- touched, because its order references it; a cart some order references
-- (data written before checkout existed) is kept for the same reason.
-- Returns how many carts it deleted.
create or replace function app.expire_carts(p_limit integer default 1000, p_tenant uuid default null)
  returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_deleted integer;
  begin
    if p_limit is null or p_limit < 1 or p_limit > 10000 then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: limit must be between 1 and 10000';
    end if;
    with expired as (
      select c.id
        from carts c
       where c.status in ('open', 'abandoned')
         and c.expires_at <= now()
         and (p_tenant is null or c.tenant_id = p_tenant)
         and not exists (select 1 from orders o where o.tenant_id = c.tenant_id and o.cart_id = c.id)
       order by c.expires_at
       limit p_limit
       for update of c skip locked
    )
    delete from carts c using expired e where c.id = e.id;
    get diagnostics v_deleted = row_count;
    return v_deleted;
  end
  $$;

-- Named grants (rule 3).
revoke all on function app.expire_carts(integer, uuid)
  from public, fortress_authenticator, fortress_anonymous, fortress_user, fortress_partner, fortress_support;
grant execute on function app.expire_carts(integer, uuid) to fortress_worker;

comment on function app.expire_carts(integer, uuid) is
  'Job: deletes up to p_limit expired open or abandoned carts (of p_tenant, or every tenant), skipping locked ones; returns how many. fortress_worker only.';
