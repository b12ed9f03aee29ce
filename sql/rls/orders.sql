-- orders: a user's own orders; owners/admins see all of the tenant's. Read
-- only for app roles: orders are placed, paid, shipped and cancelled only by
-- the order functions (security definer), so no caller sets a status, a
-- total or a payment directly.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.orders');
alter table orders enable row level security;
alter table orders force row level security;

create policy owner_maintenance on orders to fortress_owner using (true) with check (true);

create policy select_own_or_admin on orders for select to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and (user_id = (select app.current_user_id()) or (select app.is_tenant_admin())));

-- Partners (sql/functions/partner.sql) with orders:read read every order of
-- the tenant (as its owners/admins do); with orders:write, the orders their
-- client placed (app.partner_place_order). They never write one directly.
create policy select_partner_orders on orders for select to fortress_partner
  using (tenant_id = (select app.current_partner_tenant_id())
         and ((select app.current_partner_scopes()) @> array['orders:read']
              or ((select app.current_partner_scopes()) @> array['orders:write']
                  and partner_client_id = (select app.current_partner_client_id()))));

grant select on orders to fortress_user;
grant select on orders to fortress_partner;

-- Support staff read masked views (sql/support/views.sql) owned by fortress_support_reader:
-- it reads these columns of the one tenant a live support grant opens (app.support_tenant_id()).
create policy select_support_reader on orders for select to fortress_support_reader
  using (tenant_id = (select app.support_tenant_id()));
grant select (id, tenant_id, user_id, status, total_amount, currency, shipping_address, created_at, paid_at, shipped_at, delivered_at, cancelled_at) on orders to fortress_support_reader;

comment on table orders is 'Checked-out orders; lines in order_items. Written only by the order functions.';
