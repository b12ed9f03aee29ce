-- Partner clients (issue 11): OAuth2 client-credentials clients a tenant's
-- owners/admins create for its partners. Policies, grants and the token
-- endpoint's lookup function are in sql/rls/partner_clients.sql and
-- sql/functions/partner.sql (the generated migration after this one), with
-- the partner policies on the tables partners read.

create table partner_clients (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 200),
  -- Public identifier a partner sends with its secret: 'pc_' + 128 random bits (base64url).
  client_id text not null check (client_id ~ '^pc_[A-Za-z0-9_-]{16,64}$'),
  -- argon2id of the secret (src/auth/passwords.ts); no app role may read it (column grants).
  secret_hash text not null check (secret_hash like '$argon2id$%' and length(secret_hash) <= 512),
  -- The documented scopes only (README, "Partners"), at least one; the API stores each once.
  scopes text[] not null,
  -- Requests a minute this client may send; null: the server's default (PARTNER_RATE_PER_MINUTE).
  rate_limit_per_minute integer check (rate_limit_per_minute between 1 and 100000),
  -- The one account a ledger:read client may read, with its entries and journals.
  settlement_account_id uuid,
  created_by uuid,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  last_used_at timestamptz,
  secret_rotated_at timestamptz,
  constraint ux_partner_clients_tenant_id unique (tenant_id, id),
  constraint ux_partner_clients_client_id unique (client_id),
  constraint partner_clients_scopes_known check (
    cardinality(scopes) between 1 and 5
    and scopes <@ array['catalog:read', 'inventory:read', 'orders:read', 'orders:write', 'ledger:read']::text[]
    and array_position(scopes, null) is null),
  constraint partner_clients_ledger_needs_account check (not ('ledger:read' = any (scopes)) or settlement_account_id is not null),
  constraint partner_clients_settlement_account_fk foreign key (tenant_id, settlement_account_id) references accounts (tenant_id, id),
  constraint partner_clients_created_by_fk foreign key (tenant_id, created_by) references users (tenant_id, id)
);
-- The admins' list (latest first) and every policy lead with tenant_id; the
-- unique (tenant_id, id) serves the lookups by row.
create index ix_partner_clients_tenant_created on partner_clients (tenant_id, created_at desc, id desc);
create index ix_partner_clients_tenant_settlement_account on partner_clients (tenant_id, settlement_account_id);
create index ix_partner_clients_tenant_created_by on partner_clients (tenant_id, created_by);

-- Orders a partner placed (orders:write, app.partner_place_order) name the client.
alter table orders
  add column partner_client_id uuid,
  add constraint orders_partner_client_fk foreign key (tenant_id, partner_client_id) references partner_clients (tenant_id, id);
create index ix_orders_tenant_partner_client on orders (tenant_id, partner_client_id, created_at desc);
