-- Roles (graphile/starter pattern). Run by fortress_owner, which needs
-- CREATEROLE once to create them; role names are cluster-wide, so creation is
-- idempotent and several databases of one cluster can share them.
--
--   fortress_owner          owns every object, runs migrations; the server never uses it
--   fortress_authenticator  the server's login: LOGIN NOINHERIT, owns nothing, no table
--                           privileges; per transaction it becomes one of the roles below
--   fortress_anonymous      no token
--   fortress_user           SPA/mobile users of a tenant (owner/admin/member is a claim
--                           checked by app.current_tenant_role(), not a Postgres role)
--   fortress_partner        partner clients (OAuth2 client credentials): read-only grants on the
--                           catalogue, stock, orders and their settlement account, keyed on
--                           their scopes (sql/functions/partner.sql)
--   fortress_support        support staff: SELECT on the masked views of schema support only
--                           (sql/support/views.sql), no privilege on any table
--   fortress_support_reader owns those views and nothing else: NOLOGIN, not granted to the
--                           authenticator; column SELECT on the tables behind them, under
--                           policies that show only the tenant app.support_tenant_id() names
--   fortress_worker         the job queue (src/jobs): owns schema graphile_worker
--                           (prisma/migrations/20261123085100_job_queue), executes the
--                           job functions (sql/functions/commerce_jobs.sql), reads no
--                           table; the server login becomes it with -c role=fortress_worker
do $$
declare
  r text;
begin
  if not exists (select from pg_roles where rolname = 'fortress_authenticator') then
    create role fortress_authenticator login noinherit nosuperuser nobypassrls nocreatedb nocreaterole;
  end if;
  foreach r in array array['fortress_anonymous', 'fortress_user', 'fortress_partner', 'fortress_support', 'fortress_worker'] loop
    if not exists (select from pg_roles where rolname = r) then
      execute format('create role %I nologin noinherit nosuperuser nobypassrls', r);
    end if;
    execute format('grant %I to fortress_authenticator', r);
  end loop;
  if not exists (select from pg_roles where rolname = 'fortress_support_reader') then
    create role fortress_support_reader nologin noinherit nosuperuser nobypassrls;
  end if;
  -- The migrating role hands it the views (alter view ... owner to: PostgreSQL 16+ wants SET ROLE
  -- rights) and later replaces them (drop view: the owner's privileges), so it is a member.
  -- Harmless: it owns every table anyway. (CREATEROLE alone gives only ADMIN on PostgreSQL 16+.)
  if not pg_has_role(current_user, 'fortress_support_reader', 'usage') then
    execute format('grant fortress_support_reader to %I', current_user);
  end if;
end
$$;

-- Nothing is reachable by default: each role gets exactly what its table files grant.
revoke all on schema public from public;
grant usage on schema public to fortress_anonymous, fortress_user, fortress_partner, fortress_support;
do $$
begin
  execute format('revoke all on database %I from public', current_database());
  execute format('grant connect on database %I to fortress_authenticator', current_database());
end
$$;

-- Every table is ENABLE + FORCE ROW LEVEL SECURITY, so even the owner goes
-- through policies. Migrations, seeds and maintenance run as the owner, so
-- each table file grants it access through an explicit `owner_maintenance`
-- policy instead of the silent owner exemption.
