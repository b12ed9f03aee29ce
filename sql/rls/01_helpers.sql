-- Helpers read by every policy. The request path sets these settings with
-- set_config(..., true), so they live only as long as the transaction.
-- current_setting(..., true) returns NULL when the setting was never defined
-- and '' after a transaction that set it has ended: nullif maps both to NULL,
-- and NULL compares equal to nothing, so a missing setting means no rows.
-- Policies call them as (select app.fn()) so Postgres evaluates them once per
-- statement (an InitPlan) rather than once per row.
create schema if not exists app;
revoke all on schema app from public;
grant usage on schema app to fortress_anonymous, fortress_user, fortress_partner, fortress_support;

-- The tenant counts only while the current user is a member of it: a validly
-- signed token whose user has no membership there (never had, or was removed)
-- reads and writes nothing of that tenant, on every table, because every
-- tenant policy goes through this function. Definer, so the membership lookup
-- does not recurse through tenant_memberships' own policies; it reads one row
-- by primary key, once per statement (policies call it as an InitPlan).
create or replace function app.current_tenant_id() returns uuid
  language sql stable parallel safe security definer
  set search_path = pg_catalog, public
  as $$
    select m.tenant_id from public.tenant_memberships m
     where m.tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid
       and m.user_id = nullif(current_setting('app.current_user_id', true), '')::uuid
  $$;

create or replace function app.current_user_id() returns uuid
  language sql stable parallel safe
  as $$ select nullif(current_setting('app.current_user_id', true), '')::uuid $$;

-- The caller's role inside the tenant, read from tenant_memberships rather
-- than trusted from the token: a demotion takes effect on the next statement.
-- Runs as the caller (security invoker), so it sees memberships only through
-- their select policy, which depends on the tenant id alone (no recursion).
create or replace function app.current_tenant_role() returns tenant_role
  language sql stable parallel safe
  as $$
    select m.role from public.tenant_memberships m
    where m.tenant_id = app.current_tenant_id() and m.user_id = app.current_user_id()
  $$;

create or replace function app.is_tenant_admin() returns boolean
  language sql stable parallel safe
  as $$ select coalesce(app.current_tenant_role() in ('owner', 'admin'), false) $$;

-- Named, not "all functions in schema app": this file re-runs in later
-- migrations, when the sign-in functions (anonymous role only) exist too.
revoke all on function app.current_tenant_id(), app.current_user_id(), app.current_tenant_role(), app.is_tenant_admin() from public;
grant execute on function app.current_tenant_id(), app.current_user_id(), app.current_tenant_role(), app.is_tenant_admin()
  to fortress_anonymous, fortress_user, fortress_partner, fortress_support;

comment on function app.current_tenant_id() is 'Tenant of the current request (transaction-local setting) when the current user is a member of it; NULL means no tenant rows.';
comment on function app.current_user_id() is 'User of the current request (transaction-local setting).';
comment on function app.current_tenant_role() is 'owner/admin/member of the current user in the current tenant, from tenant_memberships.';
comment on function app.is_tenant_admin() is 'True when the current user is an owner or admin of the current tenant.';

-- /ready asks whether every migration is applied. The server's login owns
-- nothing and reads no table, so this narrow definer function returns just
-- the applied migration names.
create or replace function app.applied_migrations() returns setof text
  language sql stable security definer
  set search_path = pg_catalog, public
  as $$ select migration_name::text from _prisma_migrations where finished_at is not null and rolled_back_at is null $$;
revoke all on function app.applied_migrations() from public;
grant usage on schema app to fortress_authenticator;
grant execute on function app.applied_migrations() to fortress_authenticator;
