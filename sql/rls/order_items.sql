-- order_items: visible when the order is. Read only for app roles: checkout
-- (a security definer function) writes the lines with their snapshot of the
-- product (name, sku, price, currency).
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.order_items');
alter table order_items enable row level security;
alter table order_items force row level security;

create policy owner_maintenance on order_items to fortress_owner using (true) with check (true);

-- `exists` on the line's own order, not `order_id in (select … from orders)`: the orders policy
-- is `user_id = me or admin`, an OR no index serves, so the `in` form hashed every order of the
-- tenant to show one order's lines (3.3 ms at 5,000 orders; BENCHMARKS.md, 2026-11-23 14:45).
-- Correlated, it is one primary-key probe per line, under the same orders policy.
create policy select_visible_order on order_items for select to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and exists (select from orders o where o.tenant_id = order_items.tenant_id and o.id = order_items.order_id));

-- Partners: the lines of the orders they may see (orders:read, above).
create policy select_partner_visible_order on order_items for select to fortress_partner
  using (tenant_id = (select app.current_partner_tenant_id())
         and exists (select from orders o where o.tenant_id = order_items.tenant_id and o.id = order_items.order_id));

grant select on order_items to fortress_user;
grant select on order_items to fortress_partner;

-- Support staff read masked views (sql/support/views.sql) owned by fortress_support_reader:
-- it reads these columns of the one tenant a live support grant opens (app.support_tenant_id()).
create policy select_support_reader on order_items for select to fortress_support_reader
  using (tenant_id = (select app.support_tenant_id()));
grant select (id, tenant_id, order_id, product_name, sku, quantity, unit_price, line_total, currency) on order_items to fortress_support_reader;

comment on table order_items is 'Lines of an order: the product as it was at checkout (name, sku, unit price, currency); line_total is generated.';
