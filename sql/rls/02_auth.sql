-- Authentication happens before the caller has a tenant: the anonymous role
-- can read no table, so sign-up, login and refresh go through these security
-- definer functions, the only way in. Each does one narrow thing and returns
-- only what the server needs; search_path is pinned. They run as
-- fortress_owner (through its owner_maintenance policies), never as a
-- superuser or BYPASSRLS role. Password hashing and verification stay in the
-- server (argon2id): the database only stores and returns hashes.

-- What login needs for (tenant slug, email): the user's id and hash, whether
-- they may sign in, and their role. A known tenant with an unknown email still
-- returns a row (user_id null) so the attempt can be recorded in that tenant.
-- It runs in a short transaction of its own, before argon2 (src/resolvers/auth.ts);
-- the server's rate limits, not a row lock, keep concurrent guesses in check.
create or replace function app.login_lookup(p_tenant_slug text, p_email text)
  returns table (tenant_id uuid, user_id uuid, password_hash text, is_active boolean, locked_until timestamptz, role tenant_role)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public
  as $$
  declare
    v_tenant uuid;
  begin
    select t.id into v_tenant from tenants t where t.slug = lower(p_tenant_slug);
    if v_tenant is null then
      return;
    end if;
    return query
      select v_tenant, u.id, u.password_hash, u.is_active, u.locked_until,
             (select m.role from tenant_memberships m where m.tenant_id = v_tenant and m.user_id = u.id)
        from (select 1) one
        left join (select * from users x where x.tenant_id = v_tenant and lower(x.email) = lower(p_email) for update) u on true;
  end
  $$;

-- A failed attempt: recorded in login_history and counted in
-- users.login_attempts (consecutive failures, for admins to see). It no longer
-- locks the user: a per-user lock answered differently for known and unknown
-- emails and let anyone lock a victim out. The server's rate limits, keyed on
-- what the caller sent, decide instead (src/auth/limits.ts). p_max_attempts
-- and p_lock are kept so the signature (and its grants) stay; they are unused.
-- Returns locked_until, always null now.
create or replace function app.record_login_failure(
  p_tenant_slug text, p_email text, p_ip text, p_user_agent text, p_reason text, p_max_attempts integer, p_lock interval)
  returns timestamptz
  language plpgsql volatile security definer
  set search_path = pg_catalog, public
  as $$
  declare
    v_tenant uuid;
    v_user uuid;
  begin
    select t.id, u.id into v_tenant, v_user
      from tenants t left join users u on u.tenant_id = t.id and lower(u.email) = lower(p_email)
     where t.slug = lower(p_tenant_slug);
    if v_tenant is null then
      return null; -- no tenant to record the attempt in
    end if;
    insert into login_history (tenant_id, user_id, email, ip, user_agent, success, reason)
    values (v_tenant, v_user, lower(p_email), p_ip, p_user_agent, false, p_reason);
    if v_user is not null then
      update users set login_attempts = login_attempts + 1, locked_until = null where id = v_user;
    end if;
    return null;
  end
  $$;

-- A successful login of the current user (the request has already become
-- that user): reset the lockout counter, stamp last_login_at, record history,
-- and store a rehashed password when the server upgraded its parameters.
create or replace function app.record_login_success(p_ip text, p_user_agent text, p_new_password_hash text)
  returns void
  language sql volatile security definer
  set search_path = pg_catalog, public
  as $$
    update users set login_attempts = 0, locked_until = null, last_login_at = now(),
                     password_hash = coalesce(p_new_password_hash, password_hash)
     where id = app.current_user_id() and tenant_id = app.current_tenant_id();
    insert into login_history (tenant_id, user_id, email, ip, user_agent, success)
    select tenant_id, id, email, p_ip, p_user_agent, true from users
     where id = app.current_user_id() and tenant_id = app.current_tenant_id();
  $$;

-- Sign-up: a new tenant and its owner. Returns their ids.
create or replace function app.sign_up(p_tenant_slug text, p_tenant_name text, p_email text, p_password_hash text)
  returns table (tenant_id uuid, user_id uuid)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public
  as $$
  declare
    v_tenant uuid;
    v_user uuid;
  begin
    insert into tenants (slug, name) values (lower(p_tenant_slug), p_tenant_name) returning id into v_tenant;
    insert into users (tenant_id, email, password_hash) values (v_tenant, p_email, p_password_hash) returning id into v_user;
    insert into tenant_memberships (tenant_id, user_id, role) values (v_tenant, v_user, 'owner');
    return query select v_tenant, v_user;
  end
  $$;

-- Refresh-token rotation with reuse detection. The session row is locked, so
-- of two concurrent refreshes with one token at most one succeeds; the other
-- then finds the token already rotated, which revokes the session.
-- status: ok | invalid | revoked | expired | reused
create or replace function app.rotate_refresh_token(p_old_hash text, p_new_hash text)
  returns table (status text, session_id uuid, tenant_id uuid, user_id uuid, role tenant_role)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public
  as $$
  declare
    s sessions%rowtype;
    v_session uuid;
  begin
    select * into s from sessions where refresh_token_hash = p_old_hash for update;
    if found then
      if s.revoked_at is not null then
        return query select 'revoked', s.id, s.tenant_id, s.user_id, null::tenant_role;
      elsif s.expires_at <= now() then
        return query select 'expired', s.id, s.tenant_id, s.user_id, null::tenant_role;
      elsif not exists (select 1 from users u where u.id = s.user_id and u.is_active) then
        return query select 'revoked', s.id, s.tenant_id, s.user_id, null::tenant_role;
      else
        insert into rotated_refresh_tokens (token_hash, tenant_id, session_id) values (p_old_hash, s.tenant_id, s.id);
        update sessions set refresh_token_hash = p_new_hash, last_used_at = now() where id = s.id;
        return query select 'ok', s.id, s.tenant_id, s.user_id, m.role
          from tenant_memberships m where m.tenant_id = s.tenant_id and m.user_id = s.user_id;
      end if;
      return;
    end if;
    select r.session_id into v_session from rotated_refresh_tokens r where r.token_hash = p_old_hash;
    if found then
      update sessions set revoked_at = coalesce(revoked_at, now()) where id = v_session;
      return query select 'reused', v_session, null::uuid, null::uuid, null::tenant_role;
    else
      return query select 'invalid', null::uuid, null::uuid, null::uuid, null::tenant_role;
    end if;
  end
  $$;

-- The current user's own password hash (to verify changePassword), and
-- setting it. Nothing else can read or write password_hash.
create or replace function app.current_password_hash() returns text
  language sql stable security definer
  set search_path = pg_catalog, public
  as $$ select password_hash from users where id = app.current_user_id() and tenant_id = app.current_tenant_id() $$;

create or replace function app.set_current_password_hash(p_hash text) returns void
  language sql volatile security definer
  set search_path = pg_catalog, public
  as $$ update users set password_hash = p_hash, updated_at = now()
         where id = app.current_user_id() and tenant_id = app.current_tenant_id() $$;

revoke all on function app.login_lookup(text, text), app.record_login_failure(text, text, text, text, text, integer, interval),
  app.record_login_success(text, text, text), app.sign_up(text, text, text, text), app.rotate_refresh_token(text, text),
  app.current_password_hash(), app.set_current_password_hash(text) from public;
-- Sign-in steps run as the anonymous role only: the server drops to it for
-- them even when the caller sent an access token.
grant execute on function app.login_lookup(text, text), app.record_login_failure(text, text, text, text, text, integer, interval),
  app.sign_up(text, text, text, text), app.rotate_refresh_token(text, text) to fortress_anonymous;
grant execute on function app.record_login_success(text, text, text), app.current_password_hash(),
  app.set_current_password_hash(text) to fortress_user;
