-- Orders: checkout (stock reserved all or nothing), the state machine
-- created → paid → shipped → delivered, cancel from created or paid, and the
-- payment through the ledger. orders, order_items and inventory are read-only
-- for app roles (sql/rls/): these functions are their only writers.
--
-- The rules of sql/functions/auth.sql's header apply. In particular:
-- - The callable ones are security definer and run as fortress_owner, which
--   sees every tenant: each re-applies the tenant (app.ledger_require_tenant()),
--   the caller's role (app.is_tenant_admin()) and ownership (members: their
--   own carts, orders and accounts). A row the caller may not act on is
--   NOT_FOUND with one text whatever the reason (another tenant's, another
--   member's, missing), so an answer never reveals that it exists.
-- - Lock order, everywhere: cart → order → inventory rows (order by
--   product_id … for update) → accounts (in id order, inside app.ledger_post).
--   Inventory is locked in product order before anything is decided, so two
--   multi-item checkouts in opposite orders never wait on each other in a
--   cycle; a READ COMMITTED `for update` that had to wait returns the row as
--   committed, so a shortage check always sees the latest stock.
-- - Every change writes its outbox event (OrderCreated, OrderPaid,
--   OrderShipped, OrderDelivered, OrderCancelled) in the same transaction;
--   the audit entry comes from the audit_orders trigger below, with the actor
--   app.current_user_id() (null for the expiry job).
-- - Errors are FORTRESS:<CODE> (src/errors.ts): BAD_USER_INPUT, NOT_FOUND,
--   CONFLICT, CURRENCY_MISMATCH, INVALID_AMOUNT, OUT_OF_STOCK (detail
--   {"items": [...]}, which reaches the client as extensions.items),
--   INVALID_ORDER_STATE, FORBIDDEN, and the ledger's (INSUFFICIENT_FUNDS,
--   ACCOUNT_CLOSED, CURRENCY_MISMATCH). An error rolls the whole call back.
-- Invariants (test/db/functions/{checkout,pay_order,cancel_order,ship_order,
-- deliver_order}.test.ts, test/api/commerce-concurrency.test.ts):
-- - 0 <= reserved <= quantity on every inventory row (check constraints too);
-- - for orders placed by checkout, reserved at a location equals the
--   quantities of its created and paid orders there;
-- - a paid, shipped or delivered order with a non-zero total has exactly one
--   'payment' journal of its total into the tenant's revenue account; a
--   cancelled paid order also has that journal's reversal.

-- ---------------------------------------------------------------- helpers
-- Locks the stock rows of an order's lines at its location, in product order,
-- and applies `reserved - q` (release) or `quantity - q, reserved - q` (ship).
-- Internal: the caller holds the order's lock. An order placed before
-- locations were recorded reserved nothing, so there is nothing to undo.
create or replace function app.order_unreserve(p_tenant uuid, p_order uuid, p_location uuid, p_ship boolean)
  returns void
  language plpgsql volatile
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_lines integer;
    v_updated integer;
  begin
    if p_location is null then
      return;
    end if;
    perform 1 from inventory i
     where i.tenant_id = p_tenant and i.location_id = p_location
       and i.product_id in (select l.product_id from order_items l where l.tenant_id = p_tenant and l.order_id = p_order)
     order by i.product_id
       for update;
    with lines as (
      select l.product_id, sum(l.quantity)::integer as quantity
        from order_items l where l.tenant_id = p_tenant and l.order_id = p_order
       group by l.product_id
    )
    update inventory i
       set reserved = i.reserved - l.quantity,
           quantity = case when p_ship then i.quantity - l.quantity else i.quantity end,
           updated_at = now()
      from lines l
     where i.tenant_id = p_tenant and i.location_id = p_location and i.product_id = l.product_id
       and i.reserved >= l.quantity;
    get diagnostics v_updated = row_count;
    select count(distinct l.product_id) into v_lines from order_items l where l.tenant_id = p_tenant and l.order_id = p_order;
    if v_updated <> v_lines then
      -- Stock changed behind the order functions' back (a manual fix as the owner).
      raise exception 'order % holds reservations its inventory rows no longer show', p_order;
    end if;
  end
  $$;

-- An outbox event of the order aggregate.
create or replace function app.order_event(p_tenant uuid, p_order uuid, p_type text, p_payload jsonb)
  returns void
  language sql volatile
  set search_path = pg_catalog, public, pg_temp
  as $$
    insert into events_outbox (tenant_id, aggregate, aggregate_id, event_type, payload)
    values (p_tenant, 'order', p_order, p_type, jsonb_build_object('orderId', p_order) || p_payload)
  $$;

-- ---------------------------------------------------------------- checkout
-- The caller's own open, unexpired cart becomes a 'created' order at a
-- location: every line is reserved there, or none is. A line is short when
-- the location holds no stock row for it, when its available quantity is
-- below the line's, or when the product is inactive; any short line raises
-- OUT_OF_STOCK naming them all (message: their SKUs; detail: {"items":
-- [{productId, sku, name, requested, available}]}), and nothing changes.
-- The order's lines keep the product as it is now (name, sku, price,
-- currency); the total is computed here, in numeric. Returns the order's id.
create or replace function app.checkout(p_cart uuid, p_location uuid, p_shipping_address jsonb)
  returns uuid
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid := app.ledger_require_tenant();
    v_user uuid := app.current_user_id();
    v_cart carts%rowtype;
    v_lines integer;
    v_currencies integer;
    v_currency text;
    v_total numeric;
    v_short jsonb;
    v_updated integer;
    v_order uuid;
    v_items jsonb;
  begin
    if p_shipping_address is null or jsonb_typeof(p_shipping_address) <> 'object' then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: shippingAddress must be a JSON object';
    end if;
    if octet_length(p_shipping_address::text) > 4096 then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: shippingAddress is larger than 4 KB';
    end if;

    -- The cart: the caller's own (admins too), locked first.
    select * into v_cart from carts c where c.tenant_id = v_tenant and c.id = p_cart and c.user_id = v_user for update;
    if not found or v_cart.status = 'abandoned' or (v_cart.status = 'open' and v_cart.expires_at <= now()) then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such cart';
    end if;
    if v_cart.status = 'checked_out' then
      raise exception using errcode = 'P0001', message = 'FORTRESS:CONFLICT: This cart was already checked out';
    end if;
    if p_location is null or not exists (select 1 from locations l where l.tenant_id = v_tenant and l.id = p_location) then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such location';
    end if;

    select count(*), count(distinct p.currency), min(p.currency), sum(ci.quantity * p.price)
      into v_lines, v_currencies, v_currency, v_total
      from cart_items ci join products p on p.tenant_id = ci.tenant_id and p.id = ci.product_id
     where ci.tenant_id = v_tenant and ci.cart_id = p_cart;
    if v_lines = 0 then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: The cart is empty';
    end if;
    if v_currencies > 1 then
      raise exception using errcode = 'P0001', message = 'FORTRESS:CURRENCY_MISMATCH: The cart holds products in more than one currency';
    end if;
    if v_total >= 1e14 then
      raise exception using errcode = 'P0001', message = 'FORTRESS:INVALID_AMOUNT: The order total exceeds 14 integer digits';
    end if;

    -- Reserve all or nothing: lock the stock rows in product order, then decide
    -- on what the locks returned (the latest committed stock).
    perform 1 from inventory i
     where i.tenant_id = v_tenant and i.location_id = p_location
       and i.product_id in (select ci.product_id from cart_items ci where ci.tenant_id = v_tenant and ci.cart_id = p_cart)
     order by i.product_id
       for update;
    select jsonb_agg(jsonb_build_object('productId', p.id, 'sku', p.sku, 'name', p.name, 'requested', ci.quantity,
                                        'available', case when p.active then coalesce(i.available, 0) else 0 end)
                     order by p.sku, p.id)
      into v_short
      from cart_items ci
      join products p on p.tenant_id = ci.tenant_id and p.id = ci.product_id
      left join inventory i on i.tenant_id = ci.tenant_id and i.location_id = p_location and i.product_id = ci.product_id
     where ci.tenant_id = v_tenant and ci.cart_id = p_cart
       and (not p.active or i.id is null or i.available < ci.quantity);
    if v_short is not null then
      raise exception using errcode = 'P0001',
        message = 'FORTRESS:OUT_OF_STOCK: Not enough stock for '
                  || (select string_agg(e ->> 'sku', ', ' order by e ->> 'sku') from jsonb_array_elements(v_short) e),
        detail = jsonb_build_object('items', v_short)::text;
    end if;
    update inventory i
       set reserved = i.reserved + ci.quantity, updated_at = now()
      from cart_items ci
     where ci.tenant_id = v_tenant and ci.cart_id = p_cart
       and i.tenant_id = v_tenant and i.location_id = p_location and i.product_id = ci.product_id
       and i.quantity - i.reserved >= ci.quantity;
    get diagnostics v_updated = row_count;
    if v_updated <> v_lines then
      raise exception 'checkout: % of % lines reserved under lock', v_updated, v_lines;
    end if;

    insert into orders (tenant_id, user_id, cart_id, status, total_amount, currency, shipping_address, location_id)
    values (v_tenant, v_user, p_cart, 'created', v_total, v_currency, p_shipping_address, p_location)
    returning id into v_order;
    insert into order_items (tenant_id, order_id, product_id, quantity, unit_price, product_name, sku, currency)
    select v_tenant, v_order, p.id, ci.quantity, p.price, p.name, p.sku, p.currency
      from cart_items ci join products p on p.tenant_id = ci.tenant_id and p.id = ci.product_id
     where ci.tenant_id = v_tenant and ci.cart_id = p_cart
     order by p.id;
    update carts c set status = 'checked_out', updated_at = now() where c.tenant_id = v_tenant and c.id = p_cart;

    select jsonb_agg(jsonb_build_object('productId', l.product_id, 'sku', l.sku, 'quantity', l.quantity,
                                        'unitPrice', trim_scale(l.unit_price)::text) order by l.product_id)
      into v_items
      from order_items l where l.tenant_id = v_tenant and l.order_id = v_order;
    perform app.order_event(v_tenant, v_order, 'OrderCreated', jsonb_build_object(
      'userId', v_user, 'cartId', p_cart, 'locationId', p_location, 'totalAmount', trim_scale(v_total)::text,
      'currency', v_currency, 'items', v_items));
    return v_order;
  end
  $$;

-- ---------------------------------------------------------------- pay
-- A created order paid from an account: a 'payment' journal of its total
-- from the account to the tenant's revenue account in its currency (created
-- on first use), posted by app.ledger_post in this transaction, with the
-- idempotency key 'order:<id>:payment'. Members pay their own orders from
-- their own accounts; owners/admins any of the tenant's. Paying a paid (or
-- shipped, delivered) order again from the same account is a replay: the
-- original journal, replayed = true. Another status, or a payment from
-- another account, is INVALID_ORDER_STATE. INSUFFICIENT_FUNDS,
-- CURRENCY_MISMATCH and ACCOUNT_CLOSED leave the order created. A zero total
-- posts no journal (transfer_id null).
create or replace function app.pay_order(p_order uuid, p_account uuid)
  returns table (transfer_id uuid, replayed boolean)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid := app.ledger_require_tenant();
    v_admin boolean := app.is_tenant_admin();
    v_user uuid := app.current_user_id();
    v_order orders%rowtype;
    v_transfer uuid;
    v_replayed boolean;
    v_paid_from uuid;
  begin
    select * into v_order from orders o
     where o.tenant_id = v_tenant and o.id = p_order and (v_admin or o.user_id = v_user)
       for update;
    if not found then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such order';
    end if;
    if p_account is null or not exists (select 1 from accounts a where a.tenant_id = v_tenant and a.id = p_account
                                          and a.system_kind is null and (v_admin or a.user_id = v_user)) then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such account';
    end if;

    if v_order.status in ('paid', 'shipped', 'delivered') then
      select t.from_account_id into v_paid_from from transfers t where t.tenant_id = v_tenant and t.id = v_order.payment_transfer_id;
      if v_paid_from = p_account or (v_order.payment_transfer_id is null and v_order.total_amount = 0) then
        return query select v_order.payment_transfer_id, true;
        return;
      end if;
    end if;
    if v_order.status <> 'created' then
      raise exception using errcode = 'P0001',
        message = format('FORTRESS:INVALID_ORDER_STATE: A %s order cannot be paid', v_order.status);
    end if;

    if v_order.total_amount > 0 then
      select r.transfer_id, r.replayed into v_transfer, v_replayed from app.ledger_post(v_tenant, 'payment', p_account,
        app.ledger_system_account(v_tenant, 'revenue', v_order.currency), v_order.total_amount, v_order.currency,
        'Order ' || p_order, null, 'order:' || p_order || ':payment', null, null, true) r;
    end if;
    update orders o
       set status = 'paid', paid_at = now(), payment_transfer_id = v_transfer,
           payment_reference = v_transfer::text, updated_at = now()
     where o.tenant_id = v_tenant and o.id = p_order;
    perform app.order_event(v_tenant, p_order, 'OrderPaid', jsonb_build_object(
      'transferId', v_transfer, 'accountId', p_account,
      'totalAmount', trim_scale(v_order.total_amount)::text, 'currency', v_order.currency));
    return query select v_transfer, coalesce(v_replayed, false);
  end
  $$;

-- ---------------------------------------------------------------- release (cancel)
-- Cancels a created or paid order: its reservations are released (product
-- order) and a payment is refunded by reversing its journal (revenue →
-- the customer's account; revenue is a system account, so no funds check, but
-- a closed customer account is ACCOUNT_CLOSED). Internal: the interface
-- cancel_order and the expiry job (app.expire_orders) call, after they have
-- decided the caller may; the order's lock is taken (again) and its status
-- re-checked here. Returns the order's id.
create or replace function app.order_release(p_tenant uuid, p_order uuid, p_reason text)
  returns uuid
  language plpgsql volatile
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_order orders%rowtype;
    v_refund uuid;
  begin
    select * into v_order from orders o where o.tenant_id = p_tenant and o.id = p_order for update;
    if not found then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such order';
    end if;
    if v_order.status not in ('created', 'paid') then
      raise exception using errcode = 'P0001',
        message = format('FORTRESS:INVALID_ORDER_STATE: A %s order cannot be cancelled', v_order.status);
    end if;
    perform app.order_unreserve(p_tenant, p_order, v_order.location_id, false);
    if v_order.status = 'paid' and v_order.payment_transfer_id is not null then
      select r.transfer_id into v_refund
        from app.ledger_reverse(p_tenant, v_order.payment_transfer_id, coalesce(p_reason, 'Order cancelled')) r;
    end if;
    update orders o
       set status = 'cancelled', cancelled_at = now(), cancel_reason = p_reason, refund_transfer_id = v_refund, updated_at = now()
     where o.tenant_id = p_tenant and o.id = p_order;
    perform app.order_event(p_tenant, p_order, 'OrderCancelled', jsonb_build_object(
      'previousStatus', v_order.status, 'reason', p_reason, 'refundTransferId', v_refund));
    return p_order;
  end
  $$;

-- cancel_order: members cancel their own created orders; owners/admins any
-- created or paid order of the tenant (a refund needs staff). Anything else
-- is INVALID_ORDER_STATE, which also gives a member's concurrent pay and
-- cancel exactly one winner (both lock the order first).
create or replace function app.cancel_order(p_order uuid, p_reason text)
  returns uuid
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid := app.ledger_require_tenant();
    v_admin boolean := app.is_tenant_admin();
    v_order orders%rowtype;
  begin
    perform app.ledger_optional_text('reason', p_reason, 500);
    select * into v_order from orders o
     where o.tenant_id = v_tenant and o.id = p_order and (v_admin or o.user_id = app.current_user_id())
       for update;
    if not found then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such order';
    end if;
    if v_order.status = 'paid' and not v_admin then
      raise exception using errcode = 'P0001',
        message = 'FORTRESS:INVALID_ORDER_STATE: A paid order can be cancelled (and refunded) by owners and admins only';
    end if;
    return app.order_release(v_tenant, p_order, p_reason);
  end
  $$;

-- ---------------------------------------------------------------- ship, deliver
-- ship_order: paid → shipped; the goods leave the location, so quantity and
-- reserved both go down by the order's quantities. Owners/admins.
create or replace function app.ship_order(p_order uuid)
  returns uuid
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid := app.ledger_require_tenant();
    v_order orders%rowtype;
  begin
    if not app.is_tenant_admin() then
      raise exception using errcode = 'P0001', message = 'FORTRESS:FORBIDDEN: Only owners and admins ship orders';
    end if;
    select * into v_order from orders o where o.tenant_id = v_tenant and o.id = p_order for update;
    if not found then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such order';
    end if;
    if v_order.status <> 'paid' then
      raise exception using errcode = 'P0001',
        message = format('FORTRESS:INVALID_ORDER_STATE: A %s order cannot be shipped', v_order.status);
    end if;
    perform app.order_unreserve(v_tenant, p_order, v_order.location_id, true);
    update orders o set status = 'shipped', shipped_at = now(), updated_at = now() where o.tenant_id = v_tenant and o.id = p_order;
    perform app.order_event(v_tenant, p_order, 'OrderShipped', jsonb_build_object('locationId', v_order.location_id));
    return p_order;
  end
  $$;

-- deliver_order: shipped → delivered. Owners/admins.
create or replace function app.deliver_order(p_order uuid)
  returns uuid
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid := app.ledger_require_tenant();
    v_status order_status;
  begin
    if not app.is_tenant_admin() then
      raise exception using errcode = 'P0001', message = 'FORTRESS:FORBIDDEN: Only owners and admins deliver orders';
    end if;
    select o.status into v_status from orders o where o.tenant_id = v_tenant and o.id = p_order for update;
    if not found then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such order';
    end if;
    if v_status <> 'shipped' then
      raise exception using errcode = 'P0001',
        message = format('FORTRESS:INVALID_ORDER_STATE: A %s order cannot be delivered', v_status);
    end if;
    update orders o set status = 'delivered', delivered_at = now(), updated_at = now() where o.tenant_id = v_tenant and o.id = p_order;
    perform app.order_event(v_tenant, p_order, 'OrderDelivered', '{}');
    return p_order;
  end
  $$;

-- ---------------------------------------------------------------- expiry job
-- Cancels created orders placed more than p_older_than ago (of p_tenant, or
-- every tenant), oldest first, at most p_limit, releasing their reservations
-- through app.order_release with the reason 'expired'. Rows are locked
-- `for update skip locked`: an order being paid (or taken by another worker)
-- is skipped this round, and one paid meanwhile no longer matches (the locked
-- row is re-checked), so no order is released twice. Runs as the job queue's
-- role (sql/functions/commerce_jobs.sql's rules): no tenant or user setting,
-- so the audit actor is null. Returns how many orders it cancelled.
create or replace function app.expire_orders(p_older_than interval, p_limit integer default 500, p_tenant uuid default null)
  returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_row record;
    v_count integer := 0;
  begin
    if p_older_than is null or p_older_than < interval '0' then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: olderThan must be a non-negative interval';
    end if;
    if p_limit is null or p_limit < 1 or p_limit > 10000 then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: limit must be between 1 and 10000';
    end if;
    for v_row in
      select o.tenant_id, o.id
        from orders o
       where o.status = 'created'
         and o.created_at <= now() - p_older_than
         and (p_tenant is null or o.tenant_id = p_tenant)
       order by o.created_at
       limit p_limit
         for update skip locked
    loop
      perform app.order_release(v_row.tenant_id, v_row.id, 'expired');
      v_count := v_count + 1;
    end loop;
    return v_count;
  end
  $$;

-- ---------------------------------------------------------------- audit
-- Every insert and status change of an order, with its actor (sql/functions/audit.sql).
create or replace trigger audit_orders
  after insert or update or delete on orders
  for each row execute function app.audit_row_change('order');

-- ---------------------------------------------------------------- grants
-- Named grants (rule 3). The internal helpers are executable by no app role.
revoke all on function app.order_unreserve(uuid, uuid, uuid, boolean), app.order_event(uuid, uuid, text, jsonb),
  app.checkout(uuid, uuid, jsonb), app.pay_order(uuid, uuid), app.order_release(uuid, uuid, text),
  app.cancel_order(uuid, text), app.ship_order(uuid), app.deliver_order(uuid), app.expire_orders(interval, integer, uuid)
  from public, fortress_authenticator, fortress_anonymous, fortress_user, fortress_partner, fortress_support, fortress_worker;
grant execute on function app.checkout(uuid, uuid, jsonb), app.pay_order(uuid, uuid), app.cancel_order(uuid, text),
  app.ship_order(uuid), app.deliver_order(uuid)
  to fortress_user;
grant execute on function app.expire_orders(interval, integer, uuid) to fortress_worker;

comment on function app.checkout(uuid, uuid, jsonb) is 'Turns the caller''s open cart into a created order at a location, reserving every line''s stock or none (OUT_OF_STOCK with detail items). Returns the order id.';
comment on function app.pay_order(uuid, uuid) is 'Pays a created order from an account: a payment journal into the tenant''s revenue account, idempotent per order. Returns the journal id and whether it was a replay.';
comment on function app.order_release(uuid, uuid, text) is 'Internal: cancels a created or paid order of a tenant, releasing its reservations and refunding its payment. The caller decides who may.';
comment on function app.cancel_order(uuid, text) is 'Cancels an order: members their own created ones; owners/admins created or paid ones (refunded).';
comment on function app.ship_order(uuid) is 'paid → shipped; stock quantity and reserved go down. Owners/admins.';
comment on function app.deliver_order(uuid) is 'shipped → delivered. Owners/admins.';
comment on function app.expire_orders(interval, integer, uuid) is
  'Job: cancels up to p_limit created orders older than p_older_than (of p_tenant, or every tenant), skipping locked ones; returns how many. fortress_worker only.';
