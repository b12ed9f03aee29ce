-- partner_clients: a tenant's OAuth2 clients for its partners. Owners/admins
-- create, list, rename, rotate and revoke them; members see none. Revocation
-- is final: a revoked row can no longer be updated by anyone but the owner
-- role. No app role deletes one (the audit trail and last use stay), and no
-- app role reads secret_hash: admins write it (create, rotate) without being
-- able to read it back, and the token endpoint gets it only through
-- app.partner_client_lookup (sql/functions/partner.sql).
-- A partner request (fortress_partner) reads its own client's row while it is
-- live, without the hash.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.partner_clients');
alter table partner_clients enable row level security;
alter table partner_clients force row level security;

create policy owner_maintenance on partner_clients to fortress_owner using (true) with check (true);

create policy select_admin on partner_clients for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));
-- The creator is the signed-in admin: created_by cannot name someone else.
create policy insert_admin on partner_clients for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin())
              and created_by = (select app.current_user_id()));
create policy update_admin_live on partner_clients for update to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()) and revoked_at is null)
  with check (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));

create policy select_own_client on partner_clients for select to fortress_partner
  using (tenant_id = (select app.current_partner_tenant_id()) and id = (select app.current_partner_client_id()));

-- Column lists: secret_hash is in no select grant. Every grant here is a
-- column grant, which leaves the table's own ACL at its implicit default on a
-- first run, while app.reset_table_security makes it explicit on a re-run:
-- making it explicit here keeps the catalogue identical either way.
revoke all on partner_clients from public;
grant select (id, tenant_id, name, client_id, scopes, rate_limit_per_minute, settlement_account_id, created_by, created_at,
              revoked_at, last_used_at, secret_rotated_at) on partner_clients to fortress_user;
grant insert (tenant_id, name, client_id, secret_hash, scopes, rate_limit_per_minute, settlement_account_id, created_by)
  on partner_clients to fortress_user;
grant update (name, secret_hash, scopes, rate_limit_per_minute, settlement_account_id, revoked_at, secret_rotated_at)
  on partner_clients to fortress_user;
grant select (id, tenant_id, name, client_id, scopes, rate_limit_per_minute, settlement_account_id, created_at, last_used_at)
  on partner_clients to fortress_partner;

comment on table partner_clients is 'OAuth2 client-credentials clients of a tenant''s partners: scopes, rate limit, settlement account; secret stored as argon2id, readable by no app role.';
comment on column partner_clients.client_id is 'Public client identifier (pc_…), sent with the secret to POST /oauth/token.';
comment on column partner_clients.secret_hash is 'argon2id of the client secret; never readable by app roles (column grants).';
comment on column partner_clients.scopes is 'Granted scopes: catalog:read, inventory:read, orders:read, orders:write, ledger:read.';
comment on column partner_clients.rate_limit_per_minute is 'Requests per minute for this client; NULL: the server default (PARTNER_RATE_PER_MINUTE).';
comment on column partner_clients.settlement_account_id is 'The one account (with its entries and journals) a ledger:read client may read.';
