-- Helpers read by every policy. The request path sets these settings with
-- set_config(..., true), so they live only as long as the transaction.
-- current_setting(..., true) returns NULL when the setting was never defined
-- and '' after a transaction that set it has ended: nullif maps both to NULL,
-- and NULL compares equal to nothing, so a missing setting means no rows.
-- Policies call them as (select app.fn()) so Postgres evaluates them once per
-- statement (an InitPlan) rather than once per row.
-- Every function in schema app pins its search_path (test/db/catalogue.test.ts),
-- these helpers included: a pinned SQL function can no longer be inlined, but
-- policies evaluate them once per statement as InitPlans, so inlining would
-- save nothing; pg_temp goes last so a temporary table can never stand in for
-- a real one.
create schema if not exists app;
revoke all on schema app from public;
grant usage on schema app to fortress_anonymous, fortress_user, fortress_partner, fortress_support, fortress_worker;

-- The tenant counts only while the current user is a member of it: a validly
-- signed token whose user has no membership there (never had, or was removed)
-- reads and writes nothing of that tenant, on every table, because every
-- tenant policy goes through this function. Definer, so the membership lookup
-- does not recurse through tenant_memberships' own policies; it reads one row
-- by primary key, once per statement (policies call it as an InitPlan).
create or replace function app.current_tenant_id() returns uuid
  language sql stable parallel safe security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
    select m.tenant_id from public.tenant_memberships m
     where m.tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid
       and m.user_id = nullif(current_setting('app.current_user_id', true), '')::uuid
  $$;

create or replace function app.current_user_id() returns uuid
  language sql stable parallel safe
  set search_path = pg_catalog, pg_temp
  as $$ select nullif(current_setting('app.current_user_id', true), '')::uuid $$;

-- The caller's role inside the tenant, read from tenant_memberships rather
-- than trusted from the token: a demotion takes effect on the next statement.
-- Runs as the caller (security invoker), so it sees memberships only through
-- their select policy, which depends on the tenant id alone (no recursion).
create or replace function app.current_tenant_role() returns public.tenant_role
  language sql stable parallel safe
  set search_path = pg_catalog, public, pg_temp
  as $$
    select m.role from public.tenant_memberships m
    where m.tenant_id = app.current_tenant_id() and m.user_id = app.current_user_id()
  $$;

create or replace function app.is_tenant_admin() returns boolean
  language sql stable parallel safe
  set search_path = pg_catalog, public, pg_temp
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
-- the applied migration names. The worker (`npm run worker`) asks too, as
-- fortress_worker, before it starts in production.
create or replace function app.applied_migrations() returns setof text
  language sql stable security definer
  set search_path = pg_catalog, public, pg_temp
  as $$ select migration_name::text from _prisma_migrations where finished_at is not null and rolled_back_at is null $$;
revoke all on function app.applied_migrations() from public;
grant usage on schema app to fortress_authenticator;
grant execute on function app.applied_migrations() to fortress_authenticator, fortress_worker;

-- Every sql/ file runs again, in a new migration, whenever it changes, on
-- databases that already ran its previous version (src/db/sql-migrations.ts).
-- So each table file starts with this call and then recreates everything it
-- wants: every policy on the table is dropped (also one a newer version no
-- longer has, which `drop policy if exists <name>` would leave behind), and
-- every privilege anyone but the owner holds on the table, its columns and the
-- sequences it owns is revoked. Runs as the owner inside migrations only.
create or replace procedure app.reset_table_security(p_table regclass)
  language plpgsql
  set search_path = pg_catalog, pg_temp
  as $$
  declare
    r record;
  begin
    for r in select p.polname from pg_policy p where p.polrelid = p_table loop
      execute format('drop policy %I on %s', r.polname, p_table);
    end loop;
    -- Revoking a table privilege also revokes it on every column.
    for r in
      select distinct c.oid::regclass as rel, c.relkind, g.grantee
        from pg_class c
        cross join lateral (
          select (aclexplode(c.relacl)).grantee
          union
          select (aclexplode(a.attacl)).grantee from pg_attribute a where a.attrelid = c.oid and a.attacl is not null
        ) g
       where (c.oid = p_table
              or (c.relkind = 'S' and c.oid in (select d.objid from pg_depend d
                                                 where d.classid = 'pg_class'::regclass and d.refobjid = p_table
                                                   and d.deptype in ('a', 'i'))))
         and g.grantee <> c.relowner
    loop
      execute format('revoke all on %s %s from %s', case when r.relkind = 'S' then 'sequence' else 'table' end, r.rel,
                     case when r.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(r.grantee)) end);
    end loop;
  end
  $$;
revoke all on procedure app.reset_table_security(regclass) from public;
comment on procedure app.reset_table_security(regclass) is
  'Drops every policy on a table and revokes every non-owner privilege on it, its columns and owned sequences; table files in sql/rls call it first so they can run again.';

-- Argument checks for the functions in sql/functions/ (rule: validate every
-- argument). Returns the value, or raises BAD_USER_INPUT naming the argument,
-- in the error convention of README "Writing SQL functions": SQLSTATE P0001,
-- message 'FORTRESS:<code>: <text>', <code> mapped by src/errors.ts.
-- Not granted to anyone: the definer functions run as the owner.
create or replace function app.require_text(p_name text, p_value text, p_max_length integer, p_pattern text default null)
  returns text
  language plpgsql immutable
  set search_path = pg_catalog, pg_temp
  as $$
  begin
    if p_value is null or btrim(p_value) = '' then
      raise exception using errcode = 'P0001', message = format('FORTRESS:BAD_USER_INPUT: %s is required', p_name);
    end if;
    if length(p_value) > p_max_length then
      raise exception using errcode = 'P0001', message = format('FORTRESS:BAD_USER_INPUT: %s is longer than %s characters', p_name, p_max_length);
    end if;
    if p_pattern is not null and p_value !~ p_pattern then
      raise exception using errcode = 'P0001', message = format('FORTRESS:BAD_USER_INPUT: %s is malformed', p_name);
    end if;
    return p_value;
  end
  $$;
revoke all on function app.require_text(text, text, integer, text) from public;
comment on function app.require_text(text, text, integer, text) is
  'Argument check for sql/functions/: the value, or FORTRESS:BAD_USER_INPUT naming the argument.';
