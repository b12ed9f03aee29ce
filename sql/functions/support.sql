-- Support staff (issue 12): masking functions for the masked views
-- (sql/support/views.sql), the support request context, sign-in, grants and
-- the access log. Rules of sql/functions/auth.sql apply (definer only where
-- unavoidable, pinned search_path, named grants, arguments validated,
-- FORTRESS:<CODE> errors, narrowest result).

-- ---------------------------------------------------------------------------
-- Masking. Immutable and total: NULL in, NULL out; never an error, whatever
-- the text (empty, one character, unicode), so a bad value can never make a
-- masked view fail or fall back to the raw value. Executable by the roles
-- that read the views (a view's functions run with the caller's privileges).
-- ---------------------------------------------------------------------------

-- 'joao.silva@example.com' -> 'j***@example.com': the first character of the
-- local part and the domain. Without a usable '@' (no local part or no
-- domain) only '***' is left, never the raw text.
create or replace function app.mask_email(p_email text) returns text
  language sql immutable parallel safe
  set search_path = pg_catalog, pg_temp
  as $$
    select case
      when p_email is null then null
      when position('@' in p_email) > 1 and substring(p_email from '@([^@]+)$') is not null
        then left(p_email, 1) || '***@' || substring(p_email from '@([^@]+)$')
      else '***'
    end
  $$;

-- '+55 11 98765-4321' -> '***21': only the last two digits, never the others
-- (nor their count). Fewer than three digits in all: '***'.
create or replace function app.mask_phone(p_phone text) returns text
  language sql immutable parallel safe
  set search_path = pg_catalog, pg_temp
  as $$
    select case
      when p_phone is null then null
      when length(regexp_replace(p_phone, '\D', '', 'g')) < 3 then '***'
      else '***' || right(regexp_replace(p_phone, '\D', '', 'g'), 2)
    end
  $$;

-- 'Ana Maria Lima' -> 'A.M.L.': the first letter of each word, upper case,
-- at most four. Blank: NULL.
create or replace function app.initials(p_name text) returns text
  language sql immutable parallel safe
  set search_path = pg_catalog, pg_temp
  as $$
    select nullif(string_agg(upper(left(w, 1)) || '.', '' order by n), '')
      from unnest(regexp_split_to_array(btrim(coalesce(p_name, '')), '\s+')) with ordinality as t (w, n)
     where w <> '' and n <= 4
  $$;

-- Free text (descriptions, account and counterparty names): its first
-- character and '***'; '' stays ''.
create or replace function app.mask_text(p_text text) returns text
  language sql immutable parallel safe
  set search_path = pg_catalog, pg_temp
  as $$ select case when p_text is null then null when p_text = '' then '' else left(p_text, 1) || '***' end $$;

-- ---------------------------------------------------------------------------
-- The support request context. The identity statement (src/db/identity.ts)
-- sets app.current_support_staff_id and app.current_support_session_id for
-- role fortress_support ('' for every other role) beside the tenant.
-- ---------------------------------------------------------------------------

-- The tenant the current support request may read, or NULL (no rows): only
-- while the staff member is active, their session for this tenant is live
-- (unrevoked, unexpired) and the tenant has a live grant to them or to any
-- staff member. Every masked view's base-table policy calls it once per
-- statement, so a revoked grant, session or staff member hides everything
-- from the next statement on. Definer: it reads the support tables, which no
-- app role may read; it matches every row to the settings itself (rule 1).
create or replace function app.support_tenant_id() returns uuid
  language sql stable parallel safe security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
    select s.tenant_id
      from support_sessions s
      join support_staff st on st.id = s.staff_id
     where s.id = nullif(current_setting('app.current_support_session_id', true), '')::uuid
       and s.staff_id = nullif(current_setting('app.current_support_staff_id', true), '')::uuid
       and s.tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid
       and s.revoked_at is null and s.expires_at > now()
       and st.is_active and st.disabled_at is null
       and exists (select from support_grants g
                    where g.tenant_id = s.tenant_id and (g.staff_id is null or g.staff_id = s.staff_id)
                      and g.revoked_at is null and g.expires_at > now())
  $$;

-- ---------------------------------------------------------------------------
-- Sign-in (supportLogin), the same machinery as users' login
-- (src/resolvers/identity.ts): the server looks up the hash, verifies it with
-- argon2 outside any transaction, records a failure in a short transaction of
-- its own, then opens the session. Anonymous role only.
-- ---------------------------------------------------------------------------

-- The hash of an active staff member by email; no row otherwise.
create or replace function app.support_login_lookup(p_email text)
  returns table (staff_id uuid, password_hash text)
  language plpgsql stable security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  begin
    perform app.require_text('email', p_email, 254);
    return query
      select st.id, st.password_hash from support_staff st
       where st.email = lower(btrim(p_email)) and st.is_active and st.disabled_at is null;
  end
  $$;

-- A failed support sign-in: counted on the staff row (consecutive failures).
-- The server's rate limits (keyed on what the caller sent) do the locking.
create or replace function app.record_support_login_failure(p_email text)
  returns void
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  begin
    perform app.require_text('email', p_email, 254);
    update support_staff set login_attempts = login_attempts + 1 where email = lower(btrim(p_email));
  end
  $$;

-- Opens a support session for a verified staff member in one tenant: only
-- with a live grant there (FORBIDDEN otherwise, the same for an unknown
-- tenant), for p_ttl_seconds (1..3600) but never past the latest live grant's
-- expiry. Resets the failure count. Returns the session.
create or replace function app.support_sign_in(p_staff_id uuid, p_tenant_slug text, p_ttl_seconds integer, p_ip text, p_user_agent text)
  returns table (session_id uuid, tenant_id uuid, expires_at timestamptz)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid;
    v_until timestamptz;
    v_session uuid;
    v_expires timestamptz;
  begin
    if p_staff_id is null then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: staffId is required';
    end if;
    perform app.require_text('tenantSlug', p_tenant_slug, 63);
    if p_ttl_seconds is null or p_ttl_seconds not between 1 and 3600 then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: ttlSeconds must be between 1 and 3600';
    end if;
    if p_ip is not null then perform app.require_text('ip', p_ip, 64); end if;
    if p_user_agent is not null then perform app.require_text('userAgent', p_user_agent, 512); end if;
    perform from support_staff st where st.id = p_staff_id and st.is_active and st.disabled_at is null for update;
    if not found then
      raise exception using errcode = 'P0001', message = 'FORTRESS:UNAUTHENTICATED: This support staff member is disabled';
    end if;
    select t.id into v_tenant from tenants t where t.slug = lower(btrim(p_tenant_slug));
    select max(g.expires_at) into v_until from support_grants g
     where g.tenant_id = v_tenant and (g.staff_id is null or g.staff_id = p_staff_id)
       and g.revoked_at is null and g.expires_at > now();
    if v_until is null then
      raise exception using errcode = 'P0001',
        message = 'FORTRESS:FORBIDDEN: This tenant has not granted support access (or the grant expired or was revoked): ask one of its owners or admins for a grant';
    end if;
    v_expires := least(now() + make_interval(secs => p_ttl_seconds), v_until);
    insert into support_sessions (staff_id, tenant_id, expires_at, ip, user_agent)
    values (p_staff_id, v_tenant, v_expires, p_ip, p_user_agent) returning id into v_session;
    update support_staff set login_attempts = 0, locked_until = null, last_login_at = now() where id = p_staff_id;
    return query select v_session, v_tenant, v_expires;
  end
  $$;

-- supportLogout: ends the current support session (from the settings). True when it was live.
create or replace function app.support_logout() returns boolean
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  begin
    update support_sessions s set revoked_at = now()
     where s.id = nullif(current_setting('app.current_support_session_id', true), '')::uuid
       and s.staff_id = nullif(current_setting('app.current_support_staff_id', true), '')::uuid
       and s.revoked_at is null;
    return found;
  end
  $$;

-- ---------------------------------------------------------------------------
-- Grants (tenant owners/admins) and the access log.
-- ---------------------------------------------------------------------------

-- grantSupportAccess names a staff member by email, but no app role reads
-- support_staff: this returns the id of an active one, to an owner/admin of
-- the current tenant only (FORBIDDEN otherwise); BAD_USER_INPUT when the
-- email names nobody. The grant itself is inserted under the table's policies.
create or replace function app.support_staff_id(p_email text) returns uuid
  language plpgsql stable security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_id uuid;
  begin
    perform app.require_text('staffEmail', p_email, 254);
    if not app.is_tenant_admin() then
      raise exception using errcode = 'P0001', message = 'FORTRESS:FORBIDDEN: Only owners and admins grant support access';
    end if;
    select st.id into v_id from support_staff st where st.email = lower(btrim(p_email)) and st.is_active and st.disabled_at is null;
    if v_id is null then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: staffEmail names no active support staff member';
    end if;
    return v_id;
  end
  $$;

-- One support request, recorded before it runs in a transaction of its own
-- (src/auth/support.ts), so it stays recorded when the request fails. Re-checks
-- what app.support_tenant_id() checks and names the grant that let the
-- request in (one to this staff member first, then the longest-lived);
-- FORBIDDEN when there is none any more: the request must not run.
create or replace function app.record_support_access(p_operation_name text, p_variables jsonb) returns uuid
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid := app.support_tenant_id();
    v_staff uuid := nullif(current_setting('app.current_support_staff_id', true), '')::uuid;
    v_session uuid := nullif(current_setting('app.current_support_session_id', true), '')::uuid;
    v_grant uuid;
    v_id uuid;
  begin
    if p_operation_name is not null then perform app.require_text('operationName', p_operation_name, 200); end if;
    if p_variables is not null and (jsonb_typeof(p_variables) <> 'object' or octet_length(p_variables::text) > 16384) then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: variables must be a JSON object of at most 16 KB';
    end if;
    select g.id into v_grant from support_grants g
     where g.tenant_id = v_tenant and (g.staff_id is null or g.staff_id = v_staff)
       and g.revoked_at is null and g.expires_at > now()
     order by (g.staff_id is null), g.expires_at desc limit 1;
    if v_grant is null then
      raise exception using errcode = 'P0001',
        message = 'FORTRESS:FORBIDDEN: Support access to this tenant was revoked or has expired';
    end if;
    insert into support_access_logs (tenant_id, grant_id, staff_id, staff_email, session_id, operation_name, variables)
    select v_tenant, v_grant, st.id, st.email, v_session, p_operation_name, coalesce(p_variables, '{}')
      from support_staff st where st.id = v_staff
    returning id into v_id;
    return v_id;
  end
  $$;

revoke all on function app.mask_email(text), app.mask_phone(text), app.initials(text), app.mask_text(text),
  app.support_tenant_id(), app.support_login_lookup(text), app.record_support_login_failure(text),
  app.support_sign_in(uuid, text, integer, text, text), app.support_logout(), app.support_staff_id(text),
  app.record_support_access(text, jsonb)
  from public, fortress_authenticator, fortress_anonymous, fortress_user, fortress_partner, fortress_support;
grant execute on function app.mask_email(text), app.mask_phone(text), app.initials(text), app.mask_text(text), app.support_tenant_id()
  to fortress_support, fortress_support_reader;
grant execute on function app.support_login_lookup(text), app.record_support_login_failure(text),
  app.support_sign_in(uuid, text, integer, text, text) to fortress_anonymous;
grant execute on function app.support_logout(), app.record_support_access(text, jsonb) to fortress_support;
grant execute on function app.support_staff_id(text) to fortress_user;

comment on function app.mask_email(text) is 'First character of the local part, ***, and the domain (j***@example.com); *** without a usable @.';
comment on function app.mask_phone(text) is 'The last two digits only (***21); *** with fewer than three digits.';
comment on function app.initials(text) is 'Initials of a name (A.M.L.), at most four; NULL when blank.';
comment on function app.mask_text(text) is 'First character and *** (free text: descriptions, names).';
comment on function app.support_tenant_id() is 'Tenant of the current support request while its staff member, session and a grant are live; NULL otherwise (no rows).';
comment on function app.support_login_lookup(text) is 'Hash and id of an active support staff member by email; no row otherwise. Anonymous role only.';
comment on function app.record_support_login_failure(text) is 'Counts a failed support sign-in. Anonymous role only.';
comment on function app.support_sign_in(uuid, text, integer, text, text) is 'Opens a support session in a tenant with a live grant (FORBIDDEN otherwise), never past the grant. Anonymous role only.';
comment on function app.support_logout() is 'Revokes the current support session.';
comment on function app.support_staff_id(text) is 'Id of an active support staff member by email, for owners/admins granting access.';
comment on function app.record_support_access(text, jsonb) is 'Records one support request in support_access_logs (FORBIDDEN without a live grant).';
