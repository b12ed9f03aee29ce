-- Generated from sql/rls/ by `npm run rls:build`; edit those files, not this one.

-- ---- sql/rls/00_roles.sql
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
--   fortress_partner        partners: persisted operations only (grants come later)
--   fortress_support        support staff: masked views only (grants come later)
do $$
declare
  r text;
begin
  if not exists (select from pg_roles where rolname = 'fortress_authenticator') then
    create role fortress_authenticator login noinherit nosuperuser nobypassrls nocreatedb nocreaterole;
  end if;
  foreach r in array array['fortress_anonymous', 'fortress_user', 'fortress_partner', 'fortress_support'] loop
    if not exists (select from pg_roles where rolname = r) then
      execute format('create role %I nologin noinherit nosuperuser nobypassrls', r);
    end if;
    execute format('grant %I to fortress_authenticator', r);
  end loop;
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

-- ---- sql/rls/01_helpers.sql
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

create or replace function app.current_tenant_id() returns uuid
  language sql stable parallel safe
  as $$ select nullif(current_setting('app.current_tenant_id', true), '')::uuid $$;

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

revoke all on all functions in schema app from public;
grant execute on all functions in schema app to fortress_anonymous, fortress_user, fortress_partner, fortress_support;

comment on function app.current_tenant_id() is 'Tenant of the current request (transaction-local setting); NULL means no tenant rows.';
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

-- ---- sql/rls/02_auth.sql
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
-- The user row stays locked until the request transaction ends, so concurrent
-- attempts on one user are counted one after another and cannot race the lockout.
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

-- A failed attempt: recorded in login_history and counted towards the lockout
-- (p_max_attempts consecutive failures lock the user for p_lock; both come
-- from the server's config and are clamped here to 3-20 attempts and at most a
-- day). An expired lock starts the count again. Returns locked_until afterwards.
create or replace function app.record_login_failure(
  p_tenant_slug text, p_email text, p_ip text, p_user_agent text, p_reason text, p_max_attempts integer, p_lock interval)
  returns timestamptz
  language plpgsql volatile security definer
  set search_path = pg_catalog, public
  as $$
  declare
    v_tenant uuid;
    v_user uuid;
    v_locked timestamptz;
  begin
    p_max_attempts := least(greatest(p_max_attempts, 3), 20);
    p_lock := least(greatest(p_lock, interval '1 minute'), interval '1 day');
    select t.id, u.id into v_tenant, v_user
      from tenants t left join users u on u.tenant_id = t.id and lower(u.email) = lower(p_email)
     where t.slug = lower(p_tenant_slug);
    if v_tenant is null then
      return null; -- no tenant to record the attempt in
    end if;
    insert into login_history (tenant_id, user_id, email, ip, user_agent, success, reason)
    values (v_tenant, v_user, lower(p_email), p_ip, p_user_agent, false, p_reason);
    if v_user is null or p_reason = 'locked' then
      return (select locked_until from users where id = v_user);
    end if;
    update users set
        login_attempts = case when locked_until is not null and locked_until <= now() then 1 else login_attempts + 1 end,
        locked_until = case
          when (case when locked_until is not null and locked_until <= now() then 1 else login_attempts + 1 end) >= p_max_attempts
            then now() + p_lock
          when locked_until <= now() then null
          else locked_until end
      where id = v_user
      returning locked_until into v_locked;
    return v_locked;
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

-- ---- sql/rls/accounts.sql
-- accounts: a member sees and opens only their own accounts; owners/admins
-- see every account of the tenant, including corporate ones (user_id null).
-- balance is maintained by the ledger, so it is not updatable by app roles.
alter table accounts enable row level security;
alter table accounts force row level security;

create policy owner_maintenance on accounts to fortress_owner using (true) with check (true);

create policy select_own_or_admin on accounts for select to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and (user_id = (select app.current_user_id()) or (select app.is_tenant_admin())));
create policy insert_own_or_admin on accounts for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id())
              and (user_id = (select app.current_user_id()) or (select app.is_tenant_admin())));
create policy update_own_or_admin on accounts for update to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and (user_id = (select app.current_user_id()) or (select app.is_tenant_admin())))
  with check (tenant_id = (select app.current_tenant_id())
              and (user_id = (select app.current_user_id()) or (select app.is_tenant_admin())));

grant select on accounts to fortress_user;
grant insert (tenant_id, user_id, name, type, currency, metadata) on accounts to fortress_user;
grant update (name, metadata, updated_at) on accounts to fortress_user;

comment on table accounts is 'Financial accounts (wallet, bank, credit, savings, corporate); balance kept by the ledger.';

-- ---- sql/rls/audit_logs.sql
-- audit_logs: insert-only. Any user of the tenant writes entries naming
-- themselves as the actor; only owners/admins read them. No update/delete.
alter table audit_logs enable row level security;
alter table audit_logs force row level security;

create policy owner_maintenance on audit_logs to fortress_owner using (true) with check (true);

create policy select_admin on audit_logs for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));
create policy insert_as_self on audit_logs for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));

grant select on audit_logs to fortress_user;
grant insert (tenant_id, user_id, entity, entity_id, action, diff) on audit_logs to fortress_user;

comment on table audit_logs is 'Who did what to which entity; insert-only for app roles.';

-- ---- sql/rls/cart_items.sql
-- cart_items: visible and writable exactly when the cart is. The subquery
-- reads carts under the caller's own carts policies.
alter table cart_items enable row level security;
alter table cart_items force row level security;

create policy owner_maintenance on cart_items to fortress_owner using (true) with check (true);

create policy select_visible_cart on cart_items for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and cart_id in (select c.id from carts c));
create policy insert_own_cart on cart_items for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id())
              and cart_id in (select c.id from carts c where c.user_id = (select app.current_user_id())));
create policy update_own_cart on cart_items for update to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and cart_id in (select c.id from carts c where c.user_id = (select app.current_user_id())))
  with check (tenant_id = (select app.current_tenant_id()));
create policy delete_own_cart on cart_items for delete to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and cart_id in (select c.id from carts c where c.user_id = (select app.current_user_id())));

grant select, delete on cart_items to fortress_user;
grant insert (tenant_id, cart_id, product_id, quantity) on cart_items to fortress_user;
grant update (quantity) on cart_items to fortress_user;

comment on table cart_items is 'Lines of a cart (normalised instead of the spec''s jsonb items).';

-- ---- sql/rls/carts.sql
-- carts: a user's own carts; owners/admins see all of the tenant's.
alter table carts enable row level security;
alter table carts force row level security;

create policy owner_maintenance on carts to fortress_owner using (true) with check (true);

create policy select_own_or_admin on carts for select to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and (user_id = (select app.current_user_id()) or (select app.is_tenant_admin())));
create policy insert_own on carts for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));
create policy update_own_or_admin on carts for update to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and (user_id = (select app.current_user_id()) or (select app.is_tenant_admin())))
  with check (tenant_id = (select app.current_tenant_id()));
create policy delete_own on carts for delete to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));

grant select, delete on carts to fortress_user;
grant insert (tenant_id, user_id, status, expires_at) on carts to fortress_user;
grant update (status, expires_at, updated_at) on carts to fortress_user;

comment on table carts is 'Shopping carts; items in cart_items.';

-- ---- sql/rls/categories.sql
-- categories: shared reference data of a tenant. Every user of the tenant reads it;
-- only owners/admins write it.
alter table categories enable row level security;
alter table categories force row level security;

create policy owner_maintenance on categories to fortress_owner using (true) with check (true);

create policy select_own_tenant on categories for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()));
create policy insert_admin on categories for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));
create policy update_admin on categories for update to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy delete_admin on categories for delete to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));

grant select, delete on categories to fortress_user;
grant insert (tenant_id, parent_id, name, rules) on categories to fortress_user;
grant update (parent_id, name, rules) on categories to fortress_user;

comment on table categories is 'Spending/product categories, a tree per tenant.';

-- ---- sql/rls/events_outbox.sql
-- events_outbox: written in the same transaction as the change it announces
-- (outbox pattern, spec §12); owners/admins may read their tenant's events.
-- The relay that publishes events runs as its own role in a later issue.
alter table events_outbox enable row level security;
alter table events_outbox force row level security;

create policy owner_maintenance on events_outbox to fortress_owner using (true) with check (true);

create policy select_admin on events_outbox for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));
create policy insert_own_tenant on events_outbox for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()));

grant select on events_outbox to fortress_user;
grant insert (tenant_id, aggregate, aggregate_id, event_type, payload) on events_outbox to fortress_user;
grant usage on sequence events_outbox_id_seq to fortress_user;

comment on table events_outbox is 'Outbox of domain events for EDA/CDC; pending until the relay sends them.';

-- ---- sql/rls/inventory.sql
-- inventory: shared reference data of a tenant. Every user of the tenant reads it;
-- only owners/admins write it.
alter table inventory enable row level security;
alter table inventory force row level security;

create policy owner_maintenance on inventory to fortress_owner using (true) with check (true);

create policy select_own_tenant on inventory for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()));
create policy insert_admin on inventory for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));
create policy update_admin on inventory for update to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy delete_admin on inventory for delete to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));

grant select, delete on inventory to fortress_user;
grant insert (tenant_id, product_id, location_id, quantity, reserved, reorder_threshold, last_restock_at) on inventory to fortress_user;
grant update (quantity, reserved, reorder_threshold, last_restock_at, updated_at) on inventory to fortress_user;

comment on table inventory is 'Stock per product and location; reserved <= quantity.';

-- ---- sql/rls/locations.sql
-- locations: shared reference data of a tenant. Every user of the tenant reads it;
-- only owners/admins write it.
alter table locations enable row level security;
alter table locations force row level security;

create policy owner_maintenance on locations to fortress_owner using (true) with check (true);

create policy select_own_tenant on locations for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()));
create policy insert_admin on locations for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));
create policy update_admin on locations for update to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy delete_admin on locations for delete to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));

grant select, delete on locations to fortress_user;
grant insert (tenant_id, code, name, address) on locations to fortress_user;
grant update (code, name, address) on locations to fortress_user;

comment on table locations is 'Stores and warehouses holding inventory.';

-- ---- sql/rls/login_history.sql
-- login_history: every sign-in attempt; visible to the user it names and to
-- tenant admins. Written by the login function, never by app roles directly.
alter table login_history enable row level security;
alter table login_history force row level security;

create policy owner_maintenance on login_history to fortress_owner using (true) with check (true);

create policy select_self_or_admin on login_history for select to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and (user_id = (select app.current_user_id()) or (select app.is_tenant_admin())));

grant select on login_history to fortress_user;

comment on table login_history is 'Sign-in attempts (success or failure) with ip and user agent.';

-- ---- sql/rls/merchants.sql
-- merchants: shared reference data of a tenant. Every user of the tenant reads it;
-- only owners/admins write it.
alter table merchants enable row level security;
alter table merchants force row level security;

create policy owner_maintenance on merchants to fortress_owner using (true) with check (true);

create policy select_own_tenant on merchants for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()));
create policy insert_admin on merchants for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));
create policy update_admin on merchants for update to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy delete_admin on merchants for delete to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));

grant select, delete on merchants to fortress_user;
grant insert (tenant_id, name, merchant_code, category, metadata) on merchants to fortress_user;
grant update (name, merchant_code, category, metadata) on merchants to fortress_user;

comment on table merchants is 'Merchants (shops, payees) known to a tenant.';

-- ---- sql/rls/order_items.sql
-- order_items: visible when the order is; written together with the caller's
-- own order.
alter table order_items enable row level security;
alter table order_items force row level security;

create policy owner_maintenance on order_items to fortress_owner using (true) with check (true);

create policy select_visible_order on order_items for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and order_id in (select o.id from orders o));
-- Lines go only into the caller's own order that is still 'created', at the
-- product's current price.
create policy insert_own_order on order_items for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id())
              and order_id in (select o.id from orders o
                                where o.user_id = (select app.current_user_id()) and o.status = 'created')
              and unit_price = (select p.price from products p where p.id = product_id));

grant select on order_items to fortress_user;
grant insert (tenant_id, order_id, product_id, quantity, unit_price) on order_items to fortress_user;

comment on table order_items is 'Lines of an order, with the unit price at checkout.';

-- ---- sql/rls/orders.sql
-- orders: a user's own orders; owners/admins see all of the tenant's and move
-- their status. Users place orders for themselves only.
alter table orders enable row level security;
alter table orders force row level security;

create policy owner_maintenance on orders to fortress_owner using (true) with check (true);

create policy select_own_or_admin on orders for select to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and (user_id = (select app.current_user_id()) or (select app.is_tenant_admin())));
-- A new order starts as 'created'; payment moves it on, not its author.
create policy insert_own on orders for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id())
              and status = 'created');
create policy update_admin on orders for update to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()))
  with check (tenant_id = (select app.current_tenant_id()));

grant select on orders to fortress_user;
grant insert (tenant_id, user_id, cart_id, status, total_amount, currency, shipping_address, payment_reference)
  on orders to fortress_user;
grant update (status, payment_reference, updated_at) on orders to fortress_user;

comment on table orders is 'Checked-out orders; lines in order_items.';

-- ---- sql/rls/products.sql
-- products: shared reference data of a tenant. Every user of the tenant reads it;
-- only owners/admins write it.
alter table products enable row level security;
alter table products force row level security;

create policy owner_maintenance on products to fortress_owner using (true) with check (true);

create policy select_own_tenant on products for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()));
create policy insert_admin on products for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));
create policy update_admin on products for update to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy delete_admin on products for delete to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));

grant select, delete on products to fortress_user;
grant insert (tenant_id, sku, name, description, brand, category_id, price, currency, tax_code, attributes) on products to fortress_user;
grant update (sku, name, description, brand, category_id, price, currency, tax_code, attributes, updated_at) on products to fortress_user;

comment on table products is 'Catalogue; sku unique per tenant.';

-- ---- sql/rls/receipts.sql
-- receipts: a user's own receipts, or all of the tenant's for owners/admins.
alter table receipts enable row level security;
alter table receipts force row level security;

create policy owner_maintenance on receipts to fortress_owner using (true) with check (true);

create policy select_own_or_admin on receipts for select to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and (user_id = (select app.current_user_id()) or (select app.is_tenant_admin())));
create policy insert_own on receipts for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));
create policy update_own_or_admin on receipts for update to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and (user_id = (select app.current_user_id()) or (select app.is_tenant_admin())))
  with check (tenant_id = (select app.current_tenant_id()));

grant select on receipts to fortress_user;
grant insert (tenant_id, user_id, transaction_id, merchant_id, amount, currency, ocr_data, image_s3_key)
  on receipts to fortress_user;
grant update (transaction_id, merchant_id, ocr_data) on receipts to fortress_user;

comment on table receipts is 'Receipts/invoices (OCR data, S3 key), optionally linked to a ledger entry.';

-- ---- sql/rls/rotated_refresh_tokens.sql
-- rotated_refresh_tokens: read and written only by app.rotate_refresh_token()
-- (02_auth.sql). No app role has any privilege on it.
alter table rotated_refresh_tokens enable row level security;
alter table rotated_refresh_tokens force row level security;

create policy owner_maintenance on rotated_refresh_tokens to fortress_owner using (true) with check (true);

comment on table rotated_refresh_tokens is 'Hashes of refresh tokens already rotated out; reuse of one revokes its session.';

-- ---- sql/rls/sessions.sql
-- sessions: a user opens (at login), sees and revokes only their own
-- sessions. The refresh token hash is written but never readable by app
-- roles; rotation goes through app.rotate_refresh_token().
alter table sessions enable row level security;
alter table sessions force row level security;

create policy owner_maintenance on sessions to fortress_owner using (true) with check (true);

create policy select_own on sessions for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));
create policy insert_own on sessions for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));
-- Revocation is one-way: revoked_at can be set, never cleared.
create policy update_own on sessions for update to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()))
  with check (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id())
              and revoked_at is not null);

grant select (id, tenant_id, user_id, ip, user_agent, created_at, last_used_at, expires_at, revoked_at)
  on sessions to fortress_user;
grant insert (tenant_id, user_id, refresh_token_hash, ip, user_agent, expires_at) on sessions to fortress_user;
grant update (revoked_at) on sessions to fortress_user;

comment on table sessions is 'Refresh-token sessions; only a hash of the refresh token is stored.';

-- ---- sql/rls/tenant_memberships.sql
-- tenant_memberships: everyone in a tenant may see who holds which role
-- (app.current_tenant_role() reads this table as the caller, so its select
-- policy must depend on the tenant alone); owners/admins change roles, but
-- only owners touch the owner role: an admin can neither become nor demote
-- an owner.
alter table tenant_memberships enable row level security;
alter table tenant_memberships force row level security;

create policy owner_maintenance on tenant_memberships to fortress_owner using (true) with check (true);

create policy select_own_tenant on tenant_memberships for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()));
create policy insert_admin on tenant_memberships for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin())
              and (role <> 'owner' or (select app.current_tenant_role()) = 'owner'));
create policy update_admin on tenant_memberships for update to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin())
         and (role <> 'owner' or (select app.current_tenant_role()) = 'owner'))
  with check (tenant_id = (select app.current_tenant_id())
              and (role <> 'owner' or (select app.current_tenant_role()) = 'owner'));
create policy delete_admin on tenant_memberships for delete to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin())
         and (role <> 'owner' or (select app.current_tenant_role()) = 'owner'));

grant select, insert, delete on tenant_memberships to fortress_user;
grant update (role, updated_at) on tenant_memberships to fortress_user;

comment on table tenant_memberships is 'Role (owner/admin/member) of a user inside their tenant; read by app.current_tenant_role().';

-- A tenant always keeps at least one owner. Owner changes of a tenant are
-- serialised on its tenants row, so two owners demoting (or removing) each
-- other concurrently cannot both succeed, and cannot deadlock either.
-- Deleting the tenant itself (cascade) is allowed: its row is gone by then.
create or replace function app.keep_an_owner() returns trigger
  language plpgsql
  set search_path = pg_catalog, public
  as $$
  begin
    if old.role = 'owner' and (tg_op = 'DELETE' or new.role <> 'owner') then
      perform 1 from tenants where id = old.tenant_id for update;
      if found and not exists (select 1 from tenant_memberships
                                where tenant_id = old.tenant_id and role = 'owner' and user_id <> old.user_id) then
        raise exception 'the last owner of a tenant cannot be demoted or removed' using errcode = 'P0001', hint = 'LAST_OWNER';
      end if;
    end if;
    return coalesce(new, old);
  end
  $$;
create trigger keep_an_owner before update of role or delete on tenant_memberships
  for each row execute function app.keep_an_owner();

-- ---- sql/rls/tenants.sql
-- tenants: a user sees only the tenant of the request; owners/admins rename it.
alter table tenants enable row level security;
alter table tenants force row level security;

create policy owner_maintenance on tenants to fortress_owner using (true) with check (true);

create policy select_own_tenant on tenants for select to fortress_user
  using (id = (select app.current_tenant_id()));
create policy update_admin on tenants for update to fortress_user
  using (id = (select app.current_tenant_id()) and (select app.is_tenant_admin()))
  with check (id = (select app.current_tenant_id()));

grant select (id, slug, name, plan, config, created_at, updated_at) on tenants to fortress_user;
grant update (name, config, updated_at) on tenants to fortress_user;

comment on table tenants is 'A customer organisation; every other row belongs to exactly one tenant.';

-- ---- sql/rls/transactions.sql
-- transactions: the insert-only ledger. Rows are visible (and insertable)
-- when their account is the caller's own, or to tenant owners/admins. No app
-- role has UPDATE or DELETE: there are no such grants and no such policies;
-- corrections are counter-entries, status changes come through a controlled
-- function in a later migration.
-- The account subquery is uncorrelated, so Postgres runs it once per
-- statement (hashed SubPlan) instead of once per ledger row.
alter table transactions enable row level security;
alter table transactions force row level security;

create policy owner_maintenance on transactions to fortress_owner using (true) with check (true);

create policy select_own_account_or_admin on transactions for select to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and ((select app.is_tenant_admin())
              or account_id in (select a.id from accounts a where a.user_id = (select app.current_user_id()))));
-- App roles may only add pending entries; posting is the ledger's job
-- (a controlled function in a later migration), never a client's claim.
create policy insert_own_account_or_admin on transactions for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and status = 'pending'
              and ((select app.is_tenant_admin())
                   or account_id in (select a.id from accounts a where a.user_id = (select app.current_user_id()))));

grant select on transactions to fortress_user;
grant insert (tenant_id, account_id, counterparty_account_id, category_id, merchant_id, type, amount, currency,
              status, occurred_at, reference, description, metadata)
  on transactions to fortress_user;

comment on table transactions is 'Ledger entries. Insert-only for app roles; reversals are counter-entries.';

-- ---- sql/rls/users.sql
-- users: members see themselves; owners/admins see and manage everyone in
-- the tenant. password_hash and lockout counters are not readable by any app
-- role (column grants); login goes through a narrow security-definer function.
alter table users enable row level security;
alter table users force row level security;

create policy owner_maintenance on users to fortress_owner using (true) with check (true);

create policy select_self_or_admin on users for select to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and (id = (select app.current_user_id()) or (select app.is_tenant_admin())));
create policy insert_admin on users for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));
create policy update_self_or_admin on users for update to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and (id = (select app.current_user_id()) or (select app.is_tenant_admin())))
  with check (tenant_id = (select app.current_tenant_id()));

grant select (id, tenant_id, email, phone, display_name, profile, is_active, created_at, updated_at, last_login_at)
  on users to fortress_user;
grant insert (tenant_id, email, phone, display_name, profile, password_hash) on users to fortress_user;
grant update (display_name, phone, profile, updated_at) on users to fortress_user;

comment on table users is 'People who sign in; each belongs to one tenant. Email unique per tenant, case-insensitive.';
comment on column users.password_hash is 'argon2id hash; never selectable by app roles.';
