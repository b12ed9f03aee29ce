-- Fortress v7 data model (spec §4/§6). Tables only: roles, policies and grants
-- live in sql/rls/ and are applied by the next migration.
--
-- Every tenant-owned table carries tenant_id and exposes unique (tenant_id, id),
-- and every reference between tenant-owned rows is a composite foreign key
-- (tenant_id, x_id) -> (tenant_id, id): a row can never point at another
-- tenant's row, even when written by privileged code. gen_random_uuid() is core
-- PostgreSQL (13+), so no extension is needed.


create type tenant_role as enum ('owner', 'admin', 'member');
create type account_type as enum ('wallet', 'bank', 'credit', 'savings', 'corporate');
create type transaction_type as enum ('debit', 'credit', 'transfer', 'fee', 'reversal');
create type transaction_status as enum ('pending', 'posted', 'failed', 'reversed');
create type cart_status as enum ('open', 'checked_out', 'abandoned');
create type order_status as enum ('created', 'paid', 'shipped', 'delivered', 'cancelled');
create type outbox_status as enum ('pending', 'sent', 'failed');

-- ---------------------------------------------------------------- identity
create table tenants (
  id uuid primary key default gen_random_uuid(),
  slug text not null,
  name text not null,
  plan text not null default 'free',
  config jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint tenants_slug_format check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$')
);
create unique index ux_tenants_slug on tenants (slug);

create table users (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id) on delete cascade,
  email text,
  phone text,
  password_hash text,
  display_name text,
  profile jsonb not null default '{}',
  is_active boolean not null default true,
  login_attempts integer not null default 0 check (login_attempts >= 0),
  locked_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_login_at timestamptz,
  constraint ux_users_tenant_id unique (tenant_id, id)
);
create unique index ux_users_tenant_email on users (tenant_id, lower(email)) where email is not null;
create unique index ux_users_tenant_phone on users (tenant_id, phone) where phone is not null;

-- A user's role inside their tenant. Kept apart from users so authorisation
-- data has its own policies and audit trail.
create table tenant_memberships (
  tenant_id uuid not null,
  user_id uuid not null,
  role tenant_role not null default 'member',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, user_id),
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);

create table sessions (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  user_id uuid not null,
  refresh_token_hash text not null,
  ip text,
  user_agent text,
  created_at timestamptz not null default now(),
  last_used_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  constraint ux_sessions_tenant_id unique (tenant_id, id),
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create unique index ux_sessions_refresh_token_hash on sessions (refresh_token_hash);
create index ix_sessions_tenant_user on sessions (tenant_id, user_id);

-- Refresh tokens already rotated out of their session. Presenting one again
-- means it was copied (stolen or replayed): the session is revoked.
create table rotated_refresh_tokens (
  token_hash text primary key,
  tenant_id uuid not null,
  session_id uuid not null,
  rotated_at timestamptz not null default now(),
  foreign key (tenant_id, session_id) references sessions (tenant_id, id) on delete cascade
);
create index ix_rotated_refresh_tokens_tenant_session on rotated_refresh_tokens (tenant_id, session_id);

create table login_history (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id) on delete cascade,
  user_id uuid,
  email text,
  ip text,
  user_agent text,
  success boolean not null,
  reason text,
  created_at timestamptz not null default now(),
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create index ix_login_history_tenant_user_created on login_history (tenant_id, user_id, created_at desc);

-- ---------------------------------------------------------------- finance
create table accounts (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id) on delete cascade,
  user_id uuid, -- null: corporate account, visible to tenant admins only
  name text not null,
  type account_type not null,
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  balance numeric(20,6) not null default 0,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint ux_accounts_tenant_id unique (tenant_id, id),
  foreign key (tenant_id, user_id) references users (tenant_id, id)
);
create index ix_accounts_tenant_user on accounts (tenant_id, user_id);
create index ix_accounts_tenant_type on accounts (tenant_id, type);

create table categories (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id) on delete cascade,
  parent_id uuid,
  name text not null,
  rules jsonb not null default '{}',
  created_at timestamptz not null default now(),
  constraint ux_categories_tenant_id unique (tenant_id, id),
  foreign key (tenant_id, parent_id) references categories (tenant_id, id),
  constraint categories_not_own_parent check (parent_id is distinct from id)
);
create index ix_categories_tenant_parent on categories (tenant_id, parent_id);

-- Merchants are per tenant (the spec leaves it open): one tenant's merchant
-- list is its own data.
create table merchants (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id) on delete cascade,
  name text not null,
  merchant_code text,
  category text,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  constraint ux_merchants_tenant_id unique (tenant_id, id)
);
create unique index ux_merchants_tenant_code on merchants (tenant_id, merchant_code) where merchant_code is not null;

-- Ledger: insert-only. Corrections are counter-entries (type 'reversal').
create table transactions (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id) on delete cascade,
  account_id uuid not null,
  counterparty_account_id uuid,
  category_id uuid,
  merchant_id uuid,
  type transaction_type not null,
  amount numeric(20,6) not null check (amount >= 0),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  status transaction_status not null default 'pending',
  occurred_at timestamptz not null default now(),
  reference text,
  description text,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint ux_transactions_tenant_id unique (tenant_id, id),
  foreign key (tenant_id, account_id) references accounts (tenant_id, id),
  foreign key (tenant_id, counterparty_account_id) references accounts (tenant_id, id),
  foreign key (tenant_id, category_id) references categories (tenant_id, id),
  foreign key (tenant_id, merchant_id) references merchants (tenant_id, id)
);
-- Policies add tenant_id = … to every query, so the hot indexes lead with it.
create index ix_transactions_tenant_account_occurred on transactions (tenant_id, account_id, occurred_at desc, id desc);
create index ix_transactions_tenant_occurred on transactions (tenant_id, occurred_at desc);
create index ix_transactions_account_occurred on transactions (account_id, occurred_at desc);

-- A receipt points at its ledger entry (not the other way round), so a
-- receipt can be attached after the fact without touching the insert-only ledger.
create table receipts (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id) on delete cascade,
  user_id uuid not null,
  transaction_id uuid,
  merchant_id uuid,
  amount numeric(20,6) not null check (amount >= 0),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  ocr_data jsonb not null default '{}',
  image_s3_key text,
  created_at timestamptz not null default now(),
  constraint ux_receipts_tenant_id unique (tenant_id, id),
  foreign key (tenant_id, user_id) references users (tenant_id, id),
  foreign key (tenant_id, transaction_id) references transactions (tenant_id, id),
  foreign key (tenant_id, merchant_id) references merchants (tenant_id, id)
);
create index ix_receipts_tenant_user on receipts (tenant_id, user_id, created_at desc);
create index ix_receipts_tenant_transaction on receipts (tenant_id, transaction_id);

-- ---------------------------------------------------------------- supermarket
create table products (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id) on delete cascade,
  sku text not null,
  name text not null,
  description text,
  brand text,
  category_id uuid,
  price numeric(12,2) not null check (price >= 0),
  currency char(3) not null default 'BRL' check (currency ~ '^[A-Z]{3}$'),
  tax_code text,
  attributes jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint ux_products_tenant_id unique (tenant_id, id),
  foreign key (tenant_id, category_id) references categories (tenant_id, id)
);
create unique index ux_products_tenant_sku on products (tenant_id, sku);
create index ix_products_tenant_category on products (tenant_id, category_id, name);
create index ix_products_tenant_name on products (tenant_id, name, id);

create table locations (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id) on delete cascade,
  code text not null,
  name text not null,
  address jsonb not null default '{}',
  created_at timestamptz not null default now(),
  constraint ux_locations_tenant_id unique (tenant_id, id)
);
create unique index ux_locations_tenant_code on locations (tenant_id, code);

create table inventory (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id) on delete cascade,
  product_id uuid not null,
  location_id uuid not null,
  quantity integer not null default 0 check (quantity >= 0),
  reserved integer not null default 0 check (reserved >= 0),
  reorder_threshold integer not null default 0 check (reorder_threshold >= 0),
  last_restock_at timestamptz,
  updated_at timestamptz not null default now(),
  constraint ux_inventory_tenant_id unique (tenant_id, id),
  constraint inventory_reserved_le_quantity check (reserved <= quantity),
  foreign key (tenant_id, product_id) references products (tenant_id, id) on delete cascade,
  foreign key (tenant_id, location_id) references locations (tenant_id, id) on delete cascade
);
create unique index ux_inventory_tenant_product_location on inventory (tenant_id, product_id, location_id);
create index ix_inventory_tenant_location on inventory (tenant_id, location_id);

create table carts (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id) on delete cascade,
  user_id uuid not null,
  status cart_status not null default 'open',
  expires_at timestamptz not null default now() + interval '7 days',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint ux_carts_tenant_id unique (tenant_id, id),
  foreign key (tenant_id, user_id) references users (tenant_id, id)
);
create index ix_carts_tenant_user on carts (tenant_id, user_id, created_at desc);

create table cart_items (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  cart_id uuid not null,
  product_id uuid not null,
  quantity integer not null check (quantity > 0),
  created_at timestamptz not null default now(),
  constraint ux_cart_items_tenant_id unique (tenant_id, id),
  foreign key (tenant_id, cart_id) references carts (tenant_id, id) on delete cascade,
  foreign key (tenant_id, product_id) references products (tenant_id, id)
);
create unique index ux_cart_items_tenant_cart_product on cart_items (tenant_id, cart_id, product_id);

create table orders (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id) on delete cascade,
  user_id uuid not null,
  cart_id uuid,
  status order_status not null default 'created',
  total_amount numeric(20,6) not null default 0 check (total_amount >= 0),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  shipping_address jsonb not null default '{}',
  payment_reference text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint ux_orders_tenant_id unique (tenant_id, id),
  foreign key (tenant_id, user_id) references users (tenant_id, id),
  foreign key (tenant_id, cart_id) references carts (tenant_id, id)
);
create index ix_orders_tenant_user_created on orders (tenant_id, user_id, created_at desc);
create index ix_orders_tenant_created on orders (tenant_id, created_at desc);

create table order_items (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  order_id uuid not null,
  product_id uuid not null,
  quantity integer not null check (quantity > 0),
  unit_price numeric(12,2) not null check (unit_price >= 0),
  created_at timestamptz not null default now(),
  constraint ux_order_items_tenant_id unique (tenant_id, id),
  foreign key (tenant_id, order_id) references orders (tenant_id, id) on delete cascade,
  foreign key (tenant_id, product_id) references products (tenant_id, id)
);
create index ix_order_items_tenant_order on order_items (tenant_id, order_id);

-- ---------------------------------------------------------------- audit, outbox
create table audit_logs (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id) on delete cascade,
  user_id uuid, -- the actor; null for system actions
  entity text not null,
  entity_id uuid,
  action text not null,
  diff jsonb not null default '{}',
  created_at timestamptz not null default now(),
  foreign key (tenant_id, user_id) references users (tenant_id, id)
);
create index ix_audit_logs_tenant_created on audit_logs (tenant_id, created_at desc);
create index ix_audit_logs_tenant_entity on audit_logs (tenant_id, entity, entity_id);

create table events_outbox (
  id bigserial primary key,
  tenant_id uuid not null references tenants (id) on delete cascade,
  aggregate text not null,
  aggregate_id uuid,
  event_type text not null,
  payload jsonb not null,
  status outbox_status not null default 'pending',
  attempts integer not null default 0 check (attempts >= 0),
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
create index ix_outbox_status on events_outbox (status, created_at);
create index ix_events_outbox_tenant_created on events_outbox (tenant_id, created_at desc);
