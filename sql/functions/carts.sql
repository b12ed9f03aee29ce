-- Carts: a signed-in user's one open cart per tenant and its lines.
--
-- Rules of sql/functions/ (auth.sql's header; README "Writing SQL functions"):
-- these functions run as the caller (security invoker). Everything they write
-- the caller may write directly under the carts and cart_items policies (own
-- cart, open and unexpired; column grants), so no definer is needed and RLS
-- stays the guard: a member never reaches another member's or tenant's cart
-- even through a bug here. The functions still name the caller's own tenant
-- and user in every statement (admins, who see every cart, act only on their
-- own), and give the documented errors instead of RLS's silent zero rows.
-- search_path pinned; execute revoked from PUBLIC, granted to fortress_user.
--
-- Locking: every change first locks the caller's open cart row (the upsert,
-- or the update moving its expiry), then touches lines. Checkout locks the
-- same cart row first, so a line never changes under a checkout, and a change
-- that waited on a checkout re-checks the cart (status no longer 'open') and
-- finds nothing: NOT_FOUND.

-- How long a cart lives after its last change.
create or replace function app.cart_ttl() returns interval
  language sql immutable
  set search_path = pg_catalog, pg_temp
  as $$ select interval '2 hours' $$;
revoke all on function app.cart_ttl() from public;
grant execute on function app.cart_ttl() to fortress_user;
comment on function app.cart_ttl() is 'How long a cart lives after its last change (2 hours).';

-- The signed-in caller's tenant and user, or FORBIDDEN.
create or replace function app.cart_require_user(out tenant_id uuid, out user_id uuid)
  language plpgsql stable
  set search_path = pg_catalog, public, pg_temp
  as $$
  begin
    tenant_id := app.current_tenant_id();
    user_id := app.current_user_id();
    if tenant_id is null or user_id is null then
      raise exception using errcode = 'P0001', message = 'FORTRESS:FORBIDDEN: No active member is signed in';
    end if;
  end
  $$;
revoke all on function app.cart_require_user() from public;
grant execute on function app.cart_require_user() to fortress_user;
comment on function app.cart_require_user() is 'The signed-in member''s tenant and user, or FORTRESS:FORBIDDEN.';

create or replace function app.cart_require_quantity(p_quantity integer) returns integer
  language plpgsql immutable
  set search_path = pg_catalog, pg_temp
  as $$
  begin
    if p_quantity is null or p_quantity < 1 or p_quantity > 999 then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: quantity must be between 1 and 999',
        detail = json_build_object('field', 'input.quantity')::text;
    end if;
    return p_quantity;
  end
  $$;
revoke all on function app.cart_require_quantity(integer) from public;
grant execute on function app.cart_require_quantity(integer) to fortress_user;
comment on function app.cart_require_quantity(integer) is 'Argument check: 1..999 units, else FORTRESS:BAD_USER_INPUT naming quantity.';

-- Adds units of a product to the caller's open cart, opening one if needed.
-- An open cart past its expiry still holds the one-open-cart slot
-- (ux_carts_tenant_user_open) but can no longer change: it is deleted with its
-- lines (as the expiry job would) and a new cart takes its place. Concurrent
-- first adds meet on the unique index: one inserts, the others wait for it and
-- then update its expiry, which also locks the row, so the adds of one user
-- run one after another from there (and the currency check below holds).
-- Adding a product already in the cart adds to its line; beyond 999 units
-- the line is left as it was and BAD_USER_INPUT is raised.
create or replace function app.cart_add_item(p_product uuid, p_quantity integer)
  returns table (cart_id uuid, cart_item_id uuid)
  language plpgsql volatile
  set search_path = pg_catalog, public, pg_temp
  as $$
  #variable_conflict use_column
  declare
    v_me record;
    v_currency text;
    v_other text;
    v_cart uuid;
    v_item uuid;
  begin
    select * into v_me from app.cart_require_user();
    perform app.cart_require_quantity(p_quantity);
    select p.currency into v_currency
      from products p where p.tenant_id = v_me.tenant_id and p.id = p_product and p.active;
    if not found then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such product for sale';
    end if;

    delete from carts c
     where c.tenant_id = v_me.tenant_id and c.user_id = v_me.user_id and c.status = 'open' and c.expires_at <= now();
    insert into carts as c (tenant_id, user_id, expires_at)
    values (v_me.tenant_id, v_me.user_id, now() + app.cart_ttl())
    on conflict (tenant_id, user_id) where status = 'open'
      do update set expires_at = excluded.expires_at, updated_at = now()
    returning c.id into v_cart;

    select p.currency into v_other
      from cart_items i join products p on p.tenant_id = i.tenant_id and p.id = i.product_id
     where i.tenant_id = v_me.tenant_id and i.cart_id = v_cart and p.currency <> v_currency
     limit 1;
    if found then
      raise exception using errcode = 'P0001',
        message = format('FORTRESS:CURRENCY_MISMATCH: The cart holds products priced in %s; this one is priced in %s', v_other, v_currency);
    end if;

    insert into cart_items as i (tenant_id, cart_id, product_id, quantity)
    values (v_me.tenant_id, v_cart, p_product, p_quantity)
    on conflict (tenant_id, cart_id, product_id)
      do update set quantity = i.quantity + excluded.quantity
      where i.quantity + excluded.quantity <= 999
    returning i.id into v_item;
    if v_item is null then
      raise exception using errcode = 'P0001',
        message = 'FORTRESS:BAD_USER_INPUT: quantity would take the line above 999 units',
        detail = json_build_object('field', 'input.quantity')::text;
    end if;
    return query select v_cart, v_item;
  end
  $$;
revoke all on function app.cart_add_item(uuid, integer) from public;
grant execute on function app.cart_add_item(uuid, integer) to fortress_user;
comment on function app.cart_add_item(uuid, integer) is
  'Adds 1..999 units of an active product to the caller''s open cart (opened, or replacing an expired one, as needed); extends its expiry. NOT_FOUND, CURRENCY_MISMATCH, BAD_USER_INPUT.';

-- Locks the caller's open, unexpired cart holding the line and moves its
-- expiry; the cart's id, or NOT_FOUND (another member's line, another
-- tenant's, an expired or checked-out cart's, or none).
create or replace function app.cart_touch_for_item(p_cart_item uuid) returns uuid
  language plpgsql volatile
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_me record;
    v_cart uuid;
  begin
    select * into v_me from app.cart_require_user();
    update carts c set expires_at = now() + app.cart_ttl(), updated_at = now()
     where c.tenant_id = v_me.tenant_id and c.user_id = v_me.user_id and c.status = 'open' and c.expires_at > now()
       and c.id = (select i.cart_id from cart_items i where i.tenant_id = v_me.tenant_id and i.id = p_cart_item)
    returning c.id into v_cart;
    if v_cart is null then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such item in your open cart';
    end if;
    return v_cart;
  end
  $$;
revoke all on function app.cart_touch_for_item(uuid) from public;
grant execute on function app.cart_touch_for_item(uuid) to fortress_user;
comment on function app.cart_touch_for_item(uuid) is
  'Internal to the cart functions: locks the caller''s open cart holding the line and extends its expiry (NOT_FOUND otherwise).';

-- Sets a line's quantity (1..999); returns the cart's id.
create or replace function app.cart_set_quantity(p_cart_item uuid, p_quantity integer) returns uuid
  language plpgsql volatile
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_cart uuid;
  begin
    perform app.cart_require_quantity(p_quantity);
    v_cart := app.cart_touch_for_item(p_cart_item);
    update cart_items i set quantity = p_quantity where i.cart_id = v_cart and i.id = p_cart_item;
    return v_cart;
  end
  $$;
revoke all on function app.cart_set_quantity(uuid, integer) from public;
grant execute on function app.cart_set_quantity(uuid, integer) to fortress_user;
comment on function app.cart_set_quantity(uuid, integer) is
  'Sets a line of the caller''s open cart to 1..999 units and extends the cart''s expiry; returns the cart id. NOT_FOUND, BAD_USER_INPUT.';

-- Removes a line; returns the cart's id (the cart stays open, maybe empty).
create or replace function app.cart_remove_item(p_cart_item uuid) returns uuid
  language plpgsql volatile
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_cart uuid := app.cart_touch_for_item(p_cart_item);
  begin
    delete from cart_items i where i.cart_id = v_cart and i.id = p_cart_item;
    return v_cart;
  end
  $$;
revoke all on function app.cart_remove_item(uuid) from public;
grant execute on function app.cart_remove_item(uuid) to fortress_user;
comment on function app.cart_remove_item(uuid) is
  'Removes a line from the caller''s open cart and extends the cart''s expiry; returns the cart id. NOT_FOUND.';

-- A cart's total at live catalogue prices, exact (numeric): total and
-- currency are null when its lines are priced in different currencies (a
-- product's currency changed after it was added; checkout refuses such a
-- cart); an empty cart totals 0 with no currency. item_count counts units.
-- Reads under the caller's policies: a cart they cannot see has no row.
create or replace function app.cart_total(p_cart uuid)
  returns table (total numeric, currency text, item_count integer)
  language sql stable
  set search_path = pg_catalog, public, pg_temp
  as $$
    select case when count(distinct p.currency) <= 1 then coalesce(sum(i.quantity * p.price), 0) end,
           case when count(distinct p.currency) = 1 then min(p.currency)::text end,
           coalesce(sum(i.quantity), 0)::integer
      from carts c
      left join cart_items i on i.tenant_id = c.tenant_id and i.cart_id = c.id
      left join products p on p.tenant_id = i.tenant_id and p.id = i.product_id
     where c.id = p_cart
     group by c.id
  $$;
revoke all on function app.cart_total(uuid) from public;
grant execute on function app.cart_total(uuid) to fortress_user;
comment on function app.cart_total(uuid) is
  'A visible cart''s total at live prices (exact; null when its lines mix currencies), its currency (null when empty or mixed) and its number of units.';
