-- Commerce (issue 10): the columns, constraints and indexes the catalogue,
-- inventory, cart and order functions rely on. Policies and grants are in
-- sql/rls/ (the generated migration after this one).

-- ---------------------------------------------------------------- types
-- pg_trgm is a trusted extension: the database owner may create it.
create extension if not exists pg_trgm;
create type location_kind as enum ('store', 'warehouse');
-- An added enum value cannot be used in the transaction that adds it (each
-- migration is one): 'payment' is used only inside plpgsql bodies, later.
alter type transfer_kind add value if not exists 'payment';

-- ---------------------------------------------------------------- products
-- Products are never deleted once ordered: they are deactivated.
alter table products add column active boolean not null default true;
create index ix_products_tenant_price on products (tenant_id, price, id);
create index ix_products_tenant_created on products (tenant_id, created_at desc, id desc);
-- Substring search (ILIKE '%term%', terms of 3+ characters) on name, sku and brand.
create index ix_products_name_trgm on products using gin (name gin_trgm_ops);
create index ix_products_sku_trgm on products using gin (sku gin_trgm_ops);
create index ix_products_brand_trgm on products using gin (brand gin_trgm_ops);

-- ---------------------------------------------------------------- locations, inventory
alter table locations add column kind location_kind not null default 'store';
-- Computed by Postgres, never written: the low-stock index and filters read it.
alter table inventory add column available integer not null generated always as (quantity - reserved) stored;
create index ix_inventory_tenant_low on inventory (tenant_id, location_id) where available <= reorder_threshold;

-- ---------------------------------------------------------------- carts
-- One open cart per user. Development databases may hold several: all but the
-- newest become abandoned.
update carts c set status = 'abandoned'
 where c.status = 'open'
   and exists (select 1 from carts n
                where n.tenant_id = c.tenant_id and n.user_id = c.user_id and n.status = 'open'
                  and (n.created_at, n.id) > (c.created_at, c.id));
create unique index ux_carts_tenant_user_open on carts (tenant_id, user_id) where status = 'open';
alter table carts alter column expires_at set default now() + interval '2 hours';
create index ix_carts_expiring on carts (expires_at) where status in ('open', 'abandoned');
alter table cart_items add constraint cart_items_quantity_max check (quantity <= 999);

-- ---------------------------------------------------------------- orders
-- The paid and cancelled checks are NOT VALID: existing rows (the old seed's
-- paid order without a payment, directly inserted benchmark orders) predate
-- them; every new or changed row is checked.
alter table orders
  add column location_id uuid,
  add column payment_transfer_id uuid,
  add column refund_transfer_id uuid,
  add column paid_at timestamptz,
  add column shipped_at timestamptz,
  add column delivered_at timestamptz,
  add column cancelled_at timestamptz,
  add column cancel_reason text check (length(cancel_reason) <= 500),
  add constraint orders_location_fk foreign key (tenant_id, location_id) references locations (tenant_id, id),
  add constraint orders_payment_fk foreign key (tenant_id, payment_transfer_id) references transfers (tenant_id, id),
  add constraint orders_refund_fk foreign key (tenant_id, refund_transfer_id) references transfers (tenant_id, id),
  add constraint orders_paid_has_payment check (status in ('created', 'cancelled')
      or (paid_at is not null and (payment_transfer_id is not null or total_amount = 0))) not valid,
  add constraint orders_cancelled_at check ((status = 'cancelled') = (cancelled_at is not null)) not valid,
  add constraint orders_refund_only_cancelled check (refund_transfer_id is null or status = 'cancelled');
-- One order per cart (replaces the plain index).
create unique index ux_orders_tenant_cart on orders (tenant_id, cart_id);
drop index ix_orders_tenant_cart;
create index ix_orders_tenant_location on orders (tenant_id, location_id);
create unique index ux_orders_tenant_payment_transfer on orders (tenant_id, payment_transfer_id);
create unique index ux_orders_tenant_refund_transfer on orders (tenant_id, refund_transfer_id);
create index ix_orders_tenant_status_created on orders (tenant_id, status, created_at desc, id desc);
create index ix_orders_tenant_paid on orders (tenant_id, paid_at) where paid_at is not null;
-- The expiry job's scan across tenants.
create index ix_orders_unpaid on orders (created_at) where status = 'created';

-- ---------------------------------------------------------------- order_items
-- A line keeps what the customer bought (name, sku, currency), whatever later
-- happens to the product.
alter table order_items add column product_name text, add column sku text, add column currency char(3);
update order_items i set product_name = p.name, sku = p.sku, currency = p.currency
  from products p where p.tenant_id = i.tenant_id and p.id = i.product_id;
alter table order_items
  alter column product_name set not null,
  alter column sku set not null,
  alter column currency set not null,
  add constraint order_items_currency_format check (currency ~ '^[A-Z]{3}$'),
  add column line_total numeric(20,6) not null generated always as (unit_price * quantity) stored;
