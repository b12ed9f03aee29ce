-- Partner clients (issue 11): the policy helpers that say what a partner
-- request may see, and the token endpoint's two functions. Rules of
-- sql/functions/ in auth.sql's header.
--
-- A partner request (src/db/request.ts) runs as fortress_partner with three
-- transaction-local settings: app.current_tenant_id (the client's tenant),
-- app.current_partner_client_id (the client's row id) and
-- app.current_partner_scopes (the scopes its access token was issued with,
-- space-separated). No user is signed in, so app.current_tenant_id() (which
-- requires a membership) is NULL for partners; their policies use the
-- helpers below instead.
--
-- Every helper reads the client's row on each statement (an InitPlan, by
-- primary key), so revoking a client, narrowing its scopes or changing its
-- settlement account bites on the partner's next statement, even while its
-- access token (5 minutes) is still valid. The token's scopes narrow further:
-- the effective scopes are the client's current ones that the token also
-- names. Definer, because partner_clients' own policies let a partner see only
-- its row, and the helpers must not depend on what the caller may read.
-- No arguments: policies call them as (select app.fn()), once per statement
-- (test/db/catalogue.test.ts refuses any other form), and test scopes with
-- `(select app.current_partner_scopes()) @> array['catalog:read']`.

-- ---------------------------------------------------------------- policy helpers
create or replace function app.current_partner_client_id() returns uuid
  language sql stable parallel safe security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
    select c.id from public.partner_clients c
     where c.tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid
       and c.id = nullif(current_setting('app.current_partner_client_id', true), '')::uuid
       and c.revoked_at is null
  $$;

-- The partner's tenant, while its client is live (not revoked).
create or replace function app.current_partner_tenant_id() returns uuid
  language sql stable parallel safe security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
    select c.tenant_id from public.partner_clients c
     where c.tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid
       and c.id = nullif(current_setting('app.current_partner_client_id', true), '')::uuid
       and c.revoked_at is null
  $$;

-- Scopes the request holds: the live client's, narrowed to the token's. Empty
-- (never NULL) when there is no live client, so `x = any (…)` is false.
create or replace function app.current_partner_scopes() returns text[]
  language sql stable parallel safe security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
    select coalesce(
      (select array(select s from unnest(c.scopes) s
                     where s = any (string_to_array(nullif(current_setting('app.current_partner_scopes', true), ''), ' '))
                     order by s)
         from public.partner_clients c
        where c.tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid
          and c.id = nullif(current_setting('app.current_partner_client_id', true), '')::uuid
          and c.revoked_at is null),
      '{}'::text[])
  $$;

-- The one account a ledger:read request may read (its entries and journals
-- too): the live client's settlement account, when client and token both
-- hold ledger:read; NULL otherwise. Only an account of the tenant itself
-- counts (no holder, not a system account): a member's own account, or the
-- clearing and revenue accounts that see every member's money, never
-- become readable by a partner, whatever an admin designates.
create or replace function app.current_partner_settlement_account_id() returns uuid
  language sql stable parallel safe security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
    select a.id from public.partner_clients c
      join public.accounts a on a.tenant_id = c.tenant_id and a.id = c.settlement_account_id
     where c.tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid
       and c.id = nullif(current_setting('app.current_partner_client_id', true), '')::uuid
       and c.revoked_at is null
       and 'ledger:read' = any (c.scopes)
       and 'ledger:read' = any (string_to_array(nullif(current_setting('app.current_partner_scopes', true), ''), ' '))
       and a.user_id is null and a.system_kind is null
  $$;

revoke all on function app.current_partner_client_id(), app.current_partner_tenant_id(), app.current_partner_scopes(),
  app.current_partner_settlement_account_id() from public, fortress_anonymous, fortress_user, fortress_support, fortress_worker;
grant execute on function app.current_partner_client_id(), app.current_partner_tenant_id(), app.current_partner_scopes(),
  app.current_partner_settlement_account_id() to fortress_partner;

comment on function app.current_partner_client_id() is 'Row id of the partner client of the current request while it is not revoked; NULL otherwise.';
comment on function app.current_partner_tenant_id() is 'Tenant of the partner client of the current request while it is not revoked; NULL means no tenant rows.';
comment on function app.current_partner_scopes() is 'Scopes of the current partner request: the live client''s scopes that its access token also names; empty otherwise.';
comment on function app.current_partner_settlement_account_id() is 'The live partner client''s settlement account when client and token hold ledger:read; NULL otherwise.';

-- ---------------------------------------------------------------- token endpoint
-- What POST /oauth/token needs to check a client's secret: its row id,
-- tenant, argon2id hash, scopes and rate limit. Why a hash leaves the
-- database: as for app.login_lookup (auth.sql), argon2id runs in the server.
-- Only for a live client: a revoked or unknown client_id returns no row, so
-- the endpoint refuses it at once (invalid_client) and its hash never leaves.
-- Anonymous role only; called in a short transaction of its own, behind the
-- endpoint's per-address rate limit.
create or replace function app.partner_client_lookup(p_client_id text)
  returns table (id uuid, tenant_id uuid, secret_hash text, scopes text[], rate_limit_per_minute integer)
  language plpgsql stable security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  begin
    perform app.require_text('client_id', p_client_id, 100);
    return query
      select c.id, c.tenant_id, c.secret_hash, c.scopes, c.rate_limit_per_minute
        from partner_clients c
       where c.client_id = p_client_id and c.revoked_at is null;
  end
  $$;

-- A token was issued to the client (its secret verified): stamp last_used_at.
-- Only a live client; anything else is a no-op (the token endpoint calls it
-- only right after a successful lookup and verification).
create or replace function app.partner_client_token_issued(p_id uuid)
  returns void
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  begin
    if p_id is null then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: id is required';
    end if;
    update partner_clients c set last_used_at = now() where c.id = p_id and c.revoked_at is null;
  end
  $$;

revoke all on function app.partner_client_lookup(text), app.partner_client_token_issued(uuid)
  from public, fortress_user, fortress_partner, fortress_support, fortress_worker;
grant execute on function app.partner_client_lookup(text), app.partner_client_token_issued(uuid) to fortress_anonymous;

comment on function app.partner_client_lookup(text) is 'Row id, tenant, secret hash, scopes and rate limit of a live partner client, by its public client_id; no row for a revoked or unknown one. Anonymous role only (POST /oauth/token).';
comment on function app.partner_client_token_issued(uuid) is 'Stamps last_used_at of a live partner client after a token was issued to it. Anonymous role only (POST /oauth/token).';

-- ---------------------------------------------------------------- orders:write
-- A partner places an order for a customer of the tenant (an active member):
-- lines given as [{"productId", "quantity"}] rather than a cart, reserved at
-- a location all or nothing, exactly as app.checkout (orders.sql) does, and
-- recorded with the client that placed it (orders.partner_client_id). The
-- order then lives like any other: the customer or an admin pays or cancels
-- it, and an unpaid one expires (ORDER_PAYMENT_TIMEOUT_MINUTES).
-- fortress_partner only, and only while the client is live and both client
-- and token hold orders:write (FORBIDDEN otherwise). NOT_FOUND for a
-- customer, location or product the tenant does not have (one answer,
-- whatever the reason); BAD_USER_INPUT for malformed lines; OUT_OF_STOCK
-- (detail items) and CURRENCY_MISMATCH as checkout. Lock order as in
-- orders.sql: inventory rows in product order. Returns the order's id.
create or replace function app.partner_place_order(p_customer uuid, p_location uuid, p_items jsonb, p_shipping_address jsonb)
  returns uuid
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid := app.current_partner_tenant_id();
    v_client uuid := app.current_partner_client_id();
    v_lines integer;
    v_found integer;
    v_currencies integer;
    v_currency text;
    v_total numeric;
    v_short jsonb;
    v_updated integer;
    v_order uuid;
    v_items jsonb;
    v_products uuid[];
    v_quantities integer[];
  begin
    if v_tenant is null or not (app.current_partner_scopes() @> array['orders:write']) then
      raise exception using errcode = 'P0001', message = 'FORTRESS:FORBIDDEN: This partner client may not place orders (scope orders:write)';
    end if;
    if p_customer is null then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: customerId is required';
    end if;
    if p_shipping_address is null or jsonb_typeof(p_shipping_address) <> 'object' then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: shippingAddress must be a JSON object';
    end if;
    if octet_length(p_shipping_address::text) > 4096 then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: shippingAddress is larger than 4 KB';
    end if;
    if p_items is null or jsonb_typeof(p_items) <> 'array' or jsonb_array_length(p_items) not between 1 and 100 then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: items must hold 1 to 100 lines';
    end if;
    if exists (select 1 from jsonb_array_elements(p_items) e
                where jsonb_typeof(e) <> 'object' or jsonb_typeof(e -> 'productId') <> 'string'
                   or (e ->> 'productId') !~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
                   or jsonb_typeof(e -> 'quantity') <> 'number' or (e ->> 'quantity') !~ '^[0-9]{1,3}$'
                   or (e ->> 'quantity')::integer not between 1 and 999) then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: each line needs a productId (UUID) and a quantity from 1 to 999';
    end if;
    select array_agg((e ->> 'productId')::uuid order by (e ->> 'productId')::uuid), array_agg((e ->> 'quantity')::integer order by (e ->> 'productId')::uuid)
      into v_products, v_quantities
      from jsonb_array_elements(p_items) e;
    if cardinality(v_products) <> (select count(distinct x) from unnest(v_products) x) then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: items name a product more than once';
    end if;

    -- The customer: an active member of the partner's tenant.
    if not exists (select 1 from users u join tenant_memberships m on m.tenant_id = u.tenant_id and m.user_id = u.id
                    where u.tenant_id = v_tenant and u.id = p_customer and u.is_active) then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such customer';
    end if;
    if p_location is null or not exists (select 1 from locations l where l.tenant_id = v_tenant and l.id = p_location) then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such location';
    end if;
    select count(*), count(p.id), count(distinct p.currency), min(p.currency), sum(ol.quantity * p.price)
      into v_lines, v_found, v_currencies, v_currency, v_total
      from unnest(v_products, v_quantities) ol (product_id, quantity) left join products p on p.tenant_id = v_tenant and p.id = ol.product_id;
    if v_found <> v_lines then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such product';
    end if;
    if v_currencies > 1 then
      raise exception using errcode = 'P0001', message = 'FORTRESS:CURRENCY_MISMATCH: The lines hold products in more than one currency';
    end if;
    if v_total >= 1e14 then
      raise exception using errcode = 'P0001', message = 'FORTRESS:INVALID_AMOUNT: The order total exceeds 14 integer digits';
    end if;

    -- Reserve all or nothing, as checkout: lock the stock rows in product
    -- order, then decide on what the locks returned.
    perform 1 from inventory i
     where i.tenant_id = v_tenant and i.location_id = p_location and i.product_id = any (v_products)
     order by i.product_id
       for update;
    select jsonb_agg(jsonb_build_object('productId', p.id, 'sku', p.sku, 'name', p.name, 'requested', ol.quantity,
                                        'available', case when p.active then coalesce(i.available, 0) else 0 end)
                     order by p.sku, p.id)
      into v_short
      from unnest(v_products, v_quantities) ol (product_id, quantity)
      join products p on p.tenant_id = v_tenant and p.id = ol.product_id
      left join inventory i on i.tenant_id = v_tenant and i.location_id = p_location and i.product_id = ol.product_id
     where not p.active or i.id is null or i.available < ol.quantity;
    if v_short is not null then
      raise exception using errcode = 'P0001',
        message = 'FORTRESS:OUT_OF_STOCK: Not enough stock for '
                  || (select string_agg(e ->> 'sku', ', ' order by e ->> 'sku') from jsonb_array_elements(v_short) e),
        detail = jsonb_build_object('items', v_short)::text;
    end if;
    update inventory i
       set reserved = i.reserved + ol.quantity, updated_at = now()
      from unnest(v_products, v_quantities) ol (product_id, quantity)
     where i.tenant_id = v_tenant and i.location_id = p_location and i.product_id = ol.product_id
       and i.quantity - i.reserved >= ol.quantity;
    get diagnostics v_updated = row_count;
    if v_updated <> v_lines then
      raise exception 'partner_place_order: % of % lines reserved under lock', v_updated, v_lines;
    end if;

    insert into orders (tenant_id, user_id, status, total_amount, currency, shipping_address, location_id, partner_client_id)
    values (v_tenant, p_customer, 'created', v_total, v_currency, p_shipping_address, p_location, v_client)
    returning id into v_order;
    insert into order_items (tenant_id, order_id, product_id, quantity, unit_price, product_name, sku, currency)
    select v_tenant, v_order, p.id, ol.quantity, p.price, p.name, p.sku, p.currency
      from unnest(v_products, v_quantities) ol (product_id, quantity) join products p on p.tenant_id = v_tenant and p.id = ol.product_id
     order by p.id;

    select jsonb_agg(jsonb_build_object('productId', l.product_id, 'sku', l.sku, 'quantity', l.quantity,
                                        'unitPrice', trim_scale(l.unit_price)::text) order by l.product_id)
      into v_items
      from order_items l where l.tenant_id = v_tenant and l.order_id = v_order;
    perform app.order_event(v_tenant, v_order, 'OrderCreated', jsonb_build_object(
      'userId', p_customer, 'partnerClientId', v_client, 'locationId', p_location, 'totalAmount', trim_scale(v_total)::text,
      'currency', v_currency, 'items', v_items));
    return v_order;
  end
  $$;

revoke all on function app.partner_place_order(uuid, uuid, jsonb, jsonb) from public, fortress_anonymous, fortress_user, fortress_support, fortress_worker;
grant execute on function app.partner_place_order(uuid, uuid, jsonb, jsonb) to fortress_partner;
comment on function app.partner_place_order(uuid, uuid, jsonb, jsonb) is
  'A live partner client with orders:write places a created order for a customer of its tenant, reserving every line at a location or none (OUT_OF_STOCK). Returns the order id. fortress_partner only.';

-- ---------------------------------------------------------------- audit
-- Created, renamed, rotated, revoked: one audit_logs row each, actor the
-- signed-in admin (app.audit_row_change, audit.sql). The secret's hash never
-- enters the diff; last_used_at (stamped at every token) writes no row.
create or replace trigger audit_partner_clients
  after insert or update or delete on partner_clients
  for each row execute function app.audit_row_change('partner_client', 'secret_hash', 'last_used_at');
