-- order_items: visible when the order is; written together with the caller's
-- own order.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.order_items');
alter table order_items enable row level security;
alter table order_items force row level security;

create policy owner_maintenance on order_items to fortress_owner using (true) with check (true);

create policy select_visible_order on order_items for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and order_id in (select o.id from orders o));
-- Lines go only into the caller's own order that is still 'created', at the
-- product's current price.
create policy insert_own_order on order_items for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id())
              and order_id in (select o.id from orders o
                                where o.user_id = (select app.current_user_id()) and o.status = 'created')
              and unit_price = (select p.price from products p where p.id = product_id));

grant select on order_items to fortress_user;
grant insert (tenant_id, order_id, product_id, quantity, unit_price) on order_items to fortress_user;

comment on table order_items is 'Lines of an order, with the unit price at checkout.';
