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

grant select on orders to fortress_user;

comment on table orders is 'Checked-out orders; lines in order_items. Written only by the order functions.';
