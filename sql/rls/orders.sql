-- orders: a user's own orders; owners/admins see all of the tenant's and move
-- their status. Users place orders for themselves only.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.orders');
alter table orders enable row level security;
alter table orders force row level security;

create policy owner_maintenance on orders to fortress_owner using (true) with check (true);

create policy select_own_or_admin on orders for select to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and (user_id = (select app.current_user_id()) or (select app.is_tenant_admin())));
-- A new order starts as 'created'; payment moves it on, not its author.
create policy insert_own on orders for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id())
              and status = 'created');
create policy update_admin on orders for update to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()))
  with check (tenant_id = (select app.current_tenant_id()));

grant select on orders to fortress_user;
grant insert (tenant_id, user_id, cart_id, status, total_amount, currency, shipping_address, payment_reference)
  on orders to fortress_user;
grant update (status, payment_reference, updated_at) on orders to fortress_user;

comment on table orders is 'Checked-out orders; lines in order_items.';
