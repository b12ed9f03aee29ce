-- Catalogue search, and stock: restocking, adjusting and reorder thresholds
-- (owners/admins), and the InventoryLow announcement. No app role writes inventory directly
-- (sql/rls/inventory.sql): quantity and reserved change only here and in the
-- order functions (sql/functions/orders.sql), which lock the row first.
--
-- Rules of sql/functions/ (auth.sql's header; README "Writing SQL functions"):
-- security definer, because inventory has no write grant for any app role. It
-- runs as fortress_owner, so each function re-applies the tenant
-- (app.ledger_require_tenant(): FORBIDDEN unless a member is signed in) and
-- the role (owners/admins, FORBIDDEN otherwise) itself, and reads and writes
-- only rows of that tenant: a product or location of another tenant is
-- NOT_FOUND, like a missing one. Arguments are validated first and named in
-- BAD_USER_INPUT by their GraphQL names (productId, locationId, quantity,
-- delta, threshold, reason). The inventory row is locked (for update, or the
-- upsert's own lock) before it is read for a decision, so concurrent changes
-- queue on it and none is lost; only one row is locked per call.
--
-- Audit: each function writes one audit_logs row (entity inventory, action
-- restock / adjust / set_reorder_threshold) with the reason the caller gave,
-- which a row trigger could not know; numbers as strings, like
-- app.audit_row_change. Inventory has no audit trigger: every checkout and
-- shipment would add a row saying less than its order's own audit entry.

-- The caller's tenant, when the caller is one of its owners/admins.
create or replace function app.inventory_require_admin() returns uuid
  language plpgsql stable
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid := app.ledger_require_tenant();
  begin
    if not app.is_tenant_admin() then
      raise exception using errcode = 'P0001', message = 'FORTRESS:FORBIDDEN: Only owners and admins change stock';
    end if;
    return v_tenant;
  end
  $$;
revoke all on function app.inventory_require_admin() from public;

-- A count argument within [min, max], or BAD_USER_INPUT naming it.
create or replace function app.inventory_require_count(p_name text, p_value integer, p_min integer, p_max integer) returns integer
  language plpgsql immutable
  set search_path = pg_catalog, pg_temp
  as $$
  begin
    if p_value is null or p_value < p_min or p_value > p_max then
      raise exception using errcode = 'P0001',
        message = format('FORTRESS:BAD_USER_INPUT: %s must be a whole number from %s to %s', p_name, p_min, p_max);
    end if;
    return p_value;
  end
  $$;
revoke all on function app.inventory_require_count(text, integer, integer, integer) from public;

-- The product and location named by a call, both in the tenant (NOT_FOUND
-- otherwise, with the same text whether missing or another tenant's).
create or replace function app.inventory_require_refs(p_tenant uuid, p_product uuid, p_location uuid) returns void
  language plpgsql stable
  set search_path = pg_catalog, public, pg_temp
  as $$
  begin
    if p_product is null then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: productId is required';
    end if;
    if p_location is null then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: locationId is required';
    end if;
    if not exists (select 1 from products p where p.tenant_id = p_tenant and p.id = p_product) then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such product';
    end if;
    if not exists (select 1 from locations l where l.tenant_id = p_tenant and l.id = p_location) then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such location';
    end if;
  end
  $$;
revoke all on function app.inventory_require_refs(uuid, uuid, uuid) from public;

-- One audit_logs row for a stock change, the caller as the actor.
create or replace function app.inventory_audit(p_tenant uuid, p_inventory uuid, p_action text, p_diff jsonb) returns void
  language sql volatile
  set search_path = pg_catalog, public, pg_temp
  as $$
    insert into audit_logs (tenant_id, user_id, entity, entity_id, action, diff, created_at)
    values (p_tenant, app.current_user_id(), 'inventory', p_inventory, p_action, p_diff, clock_timestamp())
  $$;
revoke all on function app.inventory_audit(uuid, uuid, text, jsonb) from public;

-- ---------------------------------------------------------------- restock
-- Adds 1..1,000,000 units of a product at a location, creating its stock row
-- on the first restock (on conflict: concurrent first restocks meet on
-- ux_inventory_tenant_product_location and add up). Sets last_restock_at.
-- The reason is optional (e.g. a delivery note), at most 500 characters.
-- A total beyond what the integer column holds is BAD_USER_INPUT.
-- Returns the inventory row's id.
create or replace function app.restock(p_product uuid, p_location uuid, p_quantity integer, p_reason text) returns uuid
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid := app.inventory_require_admin();
    v_id uuid;
    v_to integer;
  begin
    perform app.inventory_require_count('quantity', p_quantity, 1, 1000000);
    if p_reason is not null then
      perform app.require_text('reason', p_reason, 500);
    end if;
    perform app.inventory_require_refs(v_tenant, p_product, p_location);
    insert into inventory as i (tenant_id, product_id, location_id, quantity, last_restock_at)
    values (v_tenant, p_product, p_location, p_quantity, now())
    on conflict (tenant_id, product_id, location_id) do update
       set quantity = i.quantity + excluded.quantity, last_restock_at = now(), updated_at = now()
     where i.quantity <= 2147483647 - excluded.quantity
    returning i.id, i.quantity into v_id, v_to;
    if v_id is null then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: quantity would take the stock beyond 2147483647 units';
    end if;
    perform app.inventory_audit(v_tenant, v_id, 'restock', jsonb_build_object(
      'productId', p_product, 'locationId', p_location,
      'quantity', jsonb_build_object('from', (v_to - p_quantity)::text, 'to', v_to::text),
      'reason', p_reason));
    return v_id;
  end
  $$;
revoke all on function app.restock(uuid, uuid, integer, text)
  from public, fortress_authenticator, fortress_anonymous, fortress_user, fortress_partner, fortress_support, fortress_worker;
grant execute on function app.restock(uuid, uuid, integer, text) to fortress_user;
comment on function app.restock(uuid, uuid, integer, text) is
  'Owners/admins: adds 1..1,000,000 units of a product at a location (creating its stock row), audited with the reason; returns the inventory id.';

-- ---------------------------------------------------------------- adjust_stock
-- Corrects the stock on hand by a non-zero delta (-1,000,000..1,000,000):
-- breakage, shrinkage, a count. The reason is required (at most 500
-- characters). Units reserved by orders cannot be taken away: going below
-- `reserved` is OUT_OF_STOCK. No stock row for the product at the location
-- is NOT_FOUND (restock creates it). Returns the inventory row's id.
create or replace function app.adjust_stock(p_product uuid, p_location uuid, p_delta integer, p_reason text) returns uuid
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid := app.inventory_require_admin();
    v_row inventory%rowtype;
  begin
    perform app.inventory_require_count('delta', p_delta, -1000000, 1000000);
    if p_delta = 0 then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: delta must not be 0';
    end if;
    perform app.require_text('reason', p_reason, 500);
    perform app.inventory_require_refs(v_tenant, p_product, p_location);
    select * into v_row from inventory i
     where i.tenant_id = v_tenant and i.product_id = p_product and i.location_id = p_location
       for update;
    if not found then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No stock of this product at this location';
    end if;
    if v_row.quantity + p_delta::bigint < v_row.reserved then
      raise exception using errcode = 'P0001',
        message = format('FORTRESS:OUT_OF_STOCK: Only %s available, %s reserved', v_row.available, v_row.reserved),
        detail = json_build_object('available', v_row.available, 'reserved', v_row.reserved)::text;
    end if;
    if v_row.quantity + p_delta::bigint > 2147483647 then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: delta would take the stock beyond 2147483647 units';
    end if;
    update inventory i set quantity = i.quantity + p_delta, updated_at = now() where i.id = v_row.id;
    perform app.inventory_audit(v_tenant, v_row.id, 'adjust', jsonb_build_object(
      'productId', p_product, 'locationId', p_location, 'delta', p_delta::text,
      'quantity', jsonb_build_object('from', v_row.quantity::text, 'to', (v_row.quantity + p_delta)::text),
      'reason', p_reason));
    return v_row.id;
  end
  $$;
revoke all on function app.adjust_stock(uuid, uuid, integer, text)
  from public, fortress_authenticator, fortress_anonymous, fortress_user, fortress_partner, fortress_support, fortress_worker;
grant execute on function app.adjust_stock(uuid, uuid, integer, text) to fortress_user;
comment on function app.adjust_stock(uuid, uuid, integer, text) is
  'Owners/admins: changes the stock on hand by a non-zero delta with a reason (audited); OUT_OF_STOCK below the reserved units; returns the inventory id.';

-- ---------------------------------------------------------------- set_reorder_threshold
-- The reorder level of an existing stock row, 0..1,000,000 (NOT_FOUND when
-- the product has no stock row at the location). Raising it to or above the
-- available units announces InventoryLow (the trigger below). An unchanged
-- threshold writes no audit row. Returns the inventory row's id.
create or replace function app.set_reorder_threshold(p_product uuid, p_location uuid, p_threshold integer) returns uuid
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid := app.inventory_require_admin();
    v_row inventory%rowtype;
  begin
    perform app.inventory_require_count('threshold', p_threshold, 0, 1000000);
    perform app.inventory_require_refs(v_tenant, p_product, p_location);
    select * into v_row from inventory i
     where i.tenant_id = v_tenant and i.product_id = p_product and i.location_id = p_location
       for update;
    if not found then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No stock of this product at this location';
    end if;
    if v_row.reorder_threshold <> p_threshold then
      update inventory i set reorder_threshold = p_threshold, updated_at = now() where i.id = v_row.id;
      perform app.inventory_audit(v_tenant, v_row.id, 'set_reorder_threshold', jsonb_build_object(
        'productId', p_product, 'locationId', p_location,
        'reorderThreshold', jsonb_build_object('from', v_row.reorder_threshold::text, 'to', p_threshold::text)));
    end if;
    return v_row.id;
  end
  $$;
revoke all on function app.set_reorder_threshold(uuid, uuid, integer)
  from public, fortress_authenticator, fortress_anonymous, fortress_user, fortress_partner, fortress_support, fortress_worker;
grant execute on function app.set_reorder_threshold(uuid, uuid, integer) to fortress_user;
comment on function app.set_reorder_threshold(uuid, uuid, integer) is
  'Owners/admins: sets the reorder level (0..1,000,000) of a stock row (audited); returns the inventory id.';

-- ---------------------------------------------------------------- InventoryLow
-- One outbox event each time a stock row crosses into "low" (available <=
-- reorder_threshold): on an insert that starts low, or an update from above
-- the threshold to at or below it. A further drop while low announces
-- nothing; going back above and down again announces again. Whatever moves
-- the numbers (adjust_stock, a threshold change, a checkout's reservation)
-- announces the same way; shipping lowers quantity and reserved together, so
-- available and the event stay put. The WHEN clauses keep the function off
-- every other update (checkout's hot path). Concurrent changes of one row are
-- serialised by its row lock, and each trigger compares the versions its own
-- update saw, so a crossing is announced exactly once.
-- Definer: it writes events_outbox whoever changed the row (the functions and
-- the owner's scripts); it writes only the changed row's tenant.
create or replace function app.inventory_announce_low() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  begin
    insert into events_outbox (tenant_id, aggregate, aggregate_id, event_type, payload)
    values (new.tenant_id, 'inventory', new.id, 'InventoryLow', jsonb_build_object(
      'inventoryId', new.id, 'productId', new.product_id, 'locationId', new.location_id,
      'available', new.available, 'reorderThreshold', new.reorder_threshold));
    return null;
  end
  $$;
revoke all on function app.inventory_announce_low() from public;
comment on function app.inventory_announce_low() is
  'Trigger: an InventoryLow outbox event when a stock row crosses to available <= reorder_threshold.';

create or replace trigger inventory_announce_low_insert
  after insert on inventory
  for each row when (new.available <= new.reorder_threshold)
  execute function app.inventory_announce_low();
create or replace trigger inventory_announce_low
  after update of quantity, reserved, reorder_threshold on inventory
  for each row when (new.available <= new.reorder_threshold and old.available > old.reorder_threshold)
  execute function app.inventory_announce_low();

-- ---------------------------------------------------------------- search_products
-- The ids of the caller's tenant's products whose name, sku or brand contains
-- the term (case-insensitive; % _ and \ match themselves), at most p_limit
-- (1..10,000) of them, withdrawn ones too: `products(search:)` filters by
-- them (src/schema/product.ts). Why a function: under RLS a query's own
-- conditions run after the policy's (a security barrier), and only
-- leakproof operators may become index conditions; ILIKE is not leakproof,
-- so for fortress_user the planner can never use the trigram indexes
-- (ix_products_{name,sku,brand}_trgm) and scans every product of the tenant
-- instead. Run as the owner, with the tenant as an ordinary condition (and a
-- literal, through EXECUTE, so the plan sees the tenant's real size), the
-- search is a BitmapOr of the three indexes (test/api/catalog.test.ts,
-- EXPLAIN on 10,000 products). It returns only ids of products the caller
-- can read anyway; no tenant (not a member) returns nothing.
create or replace function app.search_products(p_term text, p_limit integer) returns setof uuid
  language plpgsql stable security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    -- A member's tenant, or a partner's when its client may read the catalog
    -- (the products policies' rule for partners, sql/rls/products.sql).
    v_tenant uuid := coalesce(app.current_tenant_id(),
      case when 'catalog:read' = any (app.current_partner_scopes()) then app.current_partner_tenant_id() end);
  begin
    perform app.require_text('search', p_term, 200);
    perform app.inventory_require_count('limit', p_limit, 1, 10000);
    if v_tenant is null then
      return;
    end if;
    return query execute
      'select p.id from products p
        where p.tenant_id = $1 and (p.name ilike $2 or p.sku ilike $2 or p.brand ilike $2)
        limit $3'
      using v_tenant, '%' || regexp_replace(p_term, '([\\%_])', '\\\1', 'g') || '%', p_limit;
  end
  $$;
revoke all on function app.search_products(text, integer)
  from public, fortress_authenticator, fortress_anonymous, fortress_user, fortress_partner, fortress_support, fortress_worker;
grant execute on function app.search_products(text, integer) to fortress_user, fortress_partner;
comment on function app.search_products(text, integer) is
  'Ids of the current tenant''s products whose name, sku or brand contains the term (ILIKE, trigram-indexed; runs as the owner because ILIKE is not leakproof under RLS).';
