-- Sign-in functions. Signing up, logging in and refreshing happen before the
-- caller has a tenant: the anonymous role reads no table, so these security
-- definer functions are its only way in. A signed-in user records a login and
-- changes a password through the last two. Password hashing and verification
-- stay in the server (argon2id): the database only stores and returns hashes.
--
-- Rules for every function in sql/functions/ (README, "Writing SQL functions";
-- test/db/catalogue.test.ts checks 2 and 3 for the whole schema):
-- 1. security definer only where the caller's own privileges cannot do the
--    job. It then runs as fortress_owner, whose owner_maintenance policies see
--    EVERY tenant, so it re-applies the tenant and membership filters itself:
--    app.current_tenant_id() (which returns the tenant only while the current
--    user is a member of it) for a signed-in caller, or an explicit tenant +
--    user + tenant_memberships match for the anonymous sign-in steps.
-- 2. search_path pinned to pg_catalog, public, pg_temp (pg_temp last, so a
--    temporary table can never stand in for a real one).
-- 3. Execute revoked from PUBLIC and from every app role, then granted to
--    exactly the role that calls it.
-- 4. Every argument validated first (app.require_text for text); a bad one
--    raises BAD_USER_INPUT naming it.
-- 5. Errors: SQLSTATE P0001 with message 'FORTRESS:<CODE>: <text>', <CODE> one
--    of the codes src/errors.ts maps (BAD_USER_INPUT, FORBIDDEN, …); anything
--    else reaches clients only as its SQLSTATE's generic code.
-- 6. Rows are locked in one order, tenants → users → tenant_memberships →
--    sessions, so two functions can never wait on each other in a cycle.
-- 7. The narrowest result: only what the caller needs.
-- 8. This file runs again whenever it changes: `create or replace`, named
--    grants. Changing a function's arguments or result type, or removing one,
--    takes a hand-written migration that drops the old one first.
-- Each function has its tests in test/db/functions/<function>.test.ts.

-- The only hashes the database accepts: argon2id in its PHC string form, as
-- src/auth/passwords.ts writes them ($argon2id$v=19$m=19456,p=1,t=2$salt$hash;
-- the parameters in any order). Not granted to anyone.
create or replace function app.argon2id_pattern() returns text
  language sql immutable
  set search_path = pg_catalog, pg_temp
  as $$ select '^\$argon2id\$v=[0-9]+\$[a-z]=[0-9]+(,[a-z]=[0-9]+)*\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$' $$;
revoke all on function app.argon2id_pattern() from public;

-- What login needs to check a password for (tenant slug, email): the hash,
-- and the tenant, user and role to sign in as once it verifies. Why a hash
-- leaves the database at all: argon2id runs in the server (core PostgreSQL
-- and pgcrypto have no argon2), so a verdict-only function would need the
-- password itself in SQL, where it can end up in logs and
-- pg_stat_statements. Instead the hash is as narrow as it gets: one account,
-- named by tenant slug and email (no tenant context exists yet), and only
-- when that account can sign in (active, a member of that tenant, with a
-- password); any other account returns no row, so its hash never leaves.
-- No lockout state, no flags. Anonymous role only; the server calls it behind
-- its rate limits (src/auth/limits.ts), in a short transaction of its own.
create or replace function app.login_lookup(p_tenant_slug text, p_email text)
  returns table (tenant_id uuid, user_id uuid, role tenant_role, password_hash text)
  language plpgsql stable security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  begin
    perform app.require_text('tenantSlug', p_tenant_slug, 63);
    perform app.require_text('email', p_email, 254);
    return query
      select t.id, u.id, m.role, u.password_hash
        from tenants t
        join users u on u.tenant_id = t.id and lower(u.email) = lower(p_email)
        join tenant_memberships m on m.tenant_id = t.id and m.user_id = u.id
       where t.slug = lower(p_tenant_slug) and u.is_active and u.password_hash is not null;
  end
  $$;

-- A failed attempt: recorded in login_history, and counted in
-- users.login_attempts (consecutive failures, for admins to see). The reason
-- is decided here, from the account's state, since the server learns nothing
-- about an account login_lookup does not return: unknown_user, inactive,
-- no_membership, no_password, else wrong_password. Nothing is recorded for an
-- unknown tenant (there is no tenant to record it in). It locks no one out:
-- the server's rate limits, keyed on what the caller sent, do that.
create or replace function app.record_login_failure(p_tenant_slug text, p_email text, p_ip text, p_user_agent text)
  returns void
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid;
    v_user users%rowtype;
    v_reason text;
  begin
    perform app.require_text('tenantSlug', p_tenant_slug, 63);
    perform app.require_text('email', p_email, 254);
    if p_ip is not null then perform app.require_text('ip', p_ip, 64); end if;
    if p_user_agent is not null then perform app.require_text('userAgent', p_user_agent, 512); end if;
    select t.id into v_tenant from tenants t where t.slug = lower(p_tenant_slug);
    if v_tenant is null then
      return;
    end if;
    select u.* into v_user from users u where u.tenant_id = v_tenant and lower(u.email) = lower(p_email) for update;
    v_reason := case
      when v_user.id is null then 'unknown_user'
      when not v_user.is_active then 'inactive'
      when not exists (select 1 from tenant_memberships m where m.tenant_id = v_tenant and m.user_id = v_user.id) then 'no_membership'
      when v_user.password_hash is null then 'no_password'
      else 'wrong_password'
    end;
    insert into login_history (tenant_id, user_id, email, ip, user_agent, success, reason)
    values (v_tenant, v_user.id, lower(p_email), p_ip, p_user_agent, false, v_reason);
    if v_user.id is not null then
      update users set login_attempts = login_attempts + 1 where tenant_id = v_tenant and id = v_user.id;
    end if;
  end
  $$;

-- A successful login of the current user (the request has already become
-- that user): reset the failure count, stamp last_login_at, record history,
-- and store a rehashed password when the server upgraded its parameters.
-- FORBIDDEN unless the current user is an active member of the current tenant.
create or replace function app.record_login_success(p_ip text, p_user_agent text, p_new_password_hash text)
  returns void
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid := app.current_tenant_id();
    v_user users%rowtype;
  begin
    if p_ip is not null then perform app.require_text('ip', p_ip, 64); end if;
    if p_user_agent is not null then perform app.require_text('userAgent', p_user_agent, 512); end if;
    if p_new_password_hash is not null then
      perform app.require_text('passwordHash', p_new_password_hash, 512, app.argon2id_pattern());
    end if;
    update users u set login_attempts = 0, locked_until = null, last_login_at = now(),
                       password_hash = coalesce(p_new_password_hash, u.password_hash)
     where u.tenant_id = v_tenant and u.id = app.current_user_id() and u.is_active
    returning u.* into v_user;
    if v_user.id is null then
      raise exception using errcode = 'P0001', message = 'FORTRESS:FORBIDDEN: No active member is signed in';
    end if;
    insert into login_history (tenant_id, user_id, email, ip, user_agent, success)
    values (v_tenant, v_user.id, v_user.email, p_ip, p_user_agent, true);
  end
  $$;

-- Sign-up: a new tenant and its first user, who owns it. Returns their ids. A
-- taken slug or email is a unique violation (CONFLICT).
create or replace function app.sign_up(p_tenant_slug text, p_tenant_name text, p_email text, p_password_hash text)
  returns table (tenant_id uuid, user_id uuid)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid;
    v_user uuid;
  begin
    perform app.require_text('tenantSlug', p_tenant_slug, 63, '^[a-z0-9][a-z0-9-]{1,62}$');
    perform app.require_text('tenantName', p_tenant_name, 100);
    perform app.require_text('email', p_email, 254, '^[^\s@]+@[^\s@]+$');
    perform app.require_text('passwordHash', p_password_hash, 512, app.argon2id_pattern());
    insert into tenants (slug, name) values (p_tenant_slug, btrim(p_tenant_name)) returning id into v_tenant;
    insert into users (tenant_id, email, password_hash) values (v_tenant, lower(p_email), p_password_hash) returning id into v_user;
    insert into tenant_memberships (tenant_id, user_id, role) values (v_tenant, v_user, 'owner');
    return query select v_tenant, v_user;
  end
  $$;

-- Refresh-token rotation with reuse detection, for the anonymous role (the
-- refresh token is the only credential). The session row is locked, so of two
-- concurrent refreshes with one token at most one succeeds; the other then
-- finds the token already rotated, which revokes the session. A session whose
-- user is inactive or no longer a member of its tenant is 'revoked' and not
-- rotated. status: ok | invalid | revoked | expired | reused
create or replace function app.rotate_refresh_token(p_old_hash text, p_new_hash text)
  returns table (status text, session_id uuid, tenant_id uuid, user_id uuid, role tenant_role)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    s sessions%rowtype;
    v_role tenant_role;
    v_rotated rotated_refresh_tokens%rowtype;
  begin
    perform app.require_text('oldHash', p_old_hash, 64, '^[0-9a-f]{64}$');
    perform app.require_text('newHash', p_new_hash, 64, '^[0-9a-f]{64}$');
    if p_old_hash = p_new_hash then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: newHash must differ from oldHash';
    end if;
    select * into s from sessions x where x.refresh_token_hash = p_old_hash for update;
    if found then
      select m.role into v_role
        from users u join tenant_memberships m on m.tenant_id = u.tenant_id and m.user_id = u.id
       where u.tenant_id = s.tenant_id and u.id = s.user_id and u.is_active;
      if s.revoked_at is not null or v_role is null then
        return query select 'revoked', s.id, s.tenant_id, s.user_id, null::tenant_role;
      elsif s.expires_at <= now() then
        return query select 'expired', s.id, s.tenant_id, s.user_id, null::tenant_role;
      else
        insert into rotated_refresh_tokens (token_hash, tenant_id, session_id) values (p_old_hash, s.tenant_id, s.id);
        update sessions x set refresh_token_hash = p_new_hash, last_used_at = now() where x.tenant_id = s.tenant_id and x.id = s.id;
        return query select 'ok', s.id, s.tenant_id, s.user_id, v_role;
      end if;
      return;
    end if;
    select * into v_rotated from rotated_refresh_tokens r where r.token_hash = p_old_hash;
    if found then
      update sessions x set revoked_at = coalesce(x.revoked_at, now())
       where x.tenant_id = v_rotated.tenant_id and x.id = v_rotated.session_id;
      return query select 'reused', v_rotated.session_id, null::uuid, null::uuid, null::tenant_role;
    else
      return query select 'invalid', null::uuid, null::uuid, null::uuid, null::tenant_role;
    end if;
  end
  $$;

-- changePassword: the current user's new hash (the server verified the old
-- password with login_lookup first). Nothing else can write password_hash of
-- an existing user. FORBIDDEN unless the current user is an active member of
-- the current tenant.
create or replace function app.set_current_password_hash(p_hash text)
  returns void
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  begin
    perform app.require_text('passwordHash', p_hash, 512, app.argon2id_pattern());
    update users u set password_hash = p_hash, updated_at = now()
     where u.tenant_id = app.current_tenant_id() and u.id = app.current_user_id() and u.is_active;
    if not found then
      raise exception using errcode = 'P0001', message = 'FORTRESS:FORBIDDEN: No active member is signed in';
    end if;
  end
  $$;

-- The request transaction's session check (item 5 of issue 12): the identity
-- statement (src/db/identity.ts) ends with a call to this function, so an
-- access token stops working the moment its session is revoked (logout,
-- logoutAll, changePassword, refresh-token reuse) or expires, with no extra
-- round trip: the check travels in the statement that sets the identity, and
-- a failure aborts the transaction before anything else runs. A token without
-- a session id (`npm run token`, the development GraphiQL token, tests) has
-- nothing to check and lives out its short lifetime.
-- Definer: it runs before the role's own policies could find the session (and
-- for the anonymous steps of sign-in, which carry no session). It reads one row by
-- primary key and matches it to the token's subject itself (rule 1).
create or replace function app.require_live_session(p_role text, p_session_id text, p_subject_id text) returns boolean
  language plpgsql stable security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  begin
    -- Support tokens always name their session (src/auth/tokens.ts): one without is refused.
    if coalesce(p_session_id, '') = '' and p_role <> 'fortress_support' then
      return true;
    end if;
    -- A support session (sql/functions/support.sql): the token's staff member, still active.
    if p_role = 'fortress_support' and coalesce(p_session_id, '') <> '' and exists (
      select from support_sessions s join support_staff st on st.id = s.staff_id
       where s.id = p_session_id::uuid and s.staff_id = nullif(p_subject_id, '')::uuid
         and s.revoked_at is null and s.expires_at > now() and st.is_active and st.disabled_at is null
    ) then
      return true;
    end if;
    if p_role = 'fortress_user' and exists (
      select from sessions s
       where s.id = p_session_id::uuid and s.user_id = nullif(p_subject_id, '')::uuid
         and s.revoked_at is null and s.expires_at > now()
    ) then
      return true;
    end if;
    raise exception using errcode = 'P0001',
      message = 'FORTRESS:UNAUTHENTICATED: This access token''s session was revoked or has expired: sign in again';
  end
  $$;

-- Named grants (rule 3): first every app role loses execute, so a grant a
-- later version drops does not linger; then each function goes to its caller.
-- The sign-in steps run as the anonymous role only: the server drops to it for
-- them even when the caller sent an access token.
revoke all on function app.login_lookup(text, text), app.record_login_failure(text, text, text, text),
  app.sign_up(text, text, text, text), app.rotate_refresh_token(text, text),
  app.record_login_success(text, text, text), app.set_current_password_hash(text)
  from public, fortress_authenticator, fortress_anonymous, fortress_user, fortress_partner, fortress_support;
grant execute on function app.login_lookup(text, text), app.record_login_failure(text, text, text, text),
  app.sign_up(text, text, text, text), app.rotate_refresh_token(text, text) to fortress_anonymous;
grant execute on function app.record_login_success(text, text, text), app.set_current_password_hash(text) to fortress_user;

comment on function app.login_lookup(text, text) is 'Hash, tenant, user and role of one account that can sign in, by tenant slug and email; no row otherwise. Anonymous role only.';
comment on function app.record_login_failure(text, text, text, text) is 'Records a failed sign-in (reason from the account''s state) and counts it. Anonymous role only.';
comment on function app.record_login_success(text, text, text) is 'Records the current user''s successful sign-in, optionally storing a rehashed password.';
comment on function app.sign_up(text, text, text, text) is 'Creates a tenant and its owner. Anonymous role only.';
comment on function app.rotate_refresh_token(text, text) is 'Rotates a refresh token (by hash); a reused one revokes its session. Anonymous role only.';
-- Checked in every request's first statement: the caller's role is only being set
-- in that statement, so execute is checked as the server's login.
revoke all on function app.require_live_session(text, text, text) from public;
grant execute on function app.require_live_session(text, text, text)
  to fortress_authenticator, fortress_anonymous, fortress_user, fortress_partner, fortress_support;
comment on function app.require_live_session(text, text, text) is
  'True when the access token''s session (if it names one) is live; otherwise FORTRESS:UNAUTHENTICATED. Called by the identity statement of every request.';
comment on function app.set_current_password_hash(text) is 'Sets the current user''s password hash (changePassword).';
