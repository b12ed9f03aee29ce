-- cart_items: visible exactly when the cart is; written by the cart's user
-- only while the cart is open and unexpired, so the lines of a checked-out,
-- abandoned or expired cart are frozen. The subqueries read carts under the
-- caller's own carts policies.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.cart_items');
alter table cart_items enable row level security;
alter table cart_items force row level security;

create policy owner_maintenance on cart_items to fortress_owner using (true) with check (true);

create policy select_visible_cart on cart_items for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and cart_id in (select c.id from carts c));
create policy insert_own_cart on cart_items for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id())
              and cart_id in (select c.id from carts c
                               where c.user_id = (select app.current_user_id()) and c.status = 'open' and c.expires_at > now()));
create policy update_own_cart on cart_items for update to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and cart_id in (select c.id from carts c
                          where c.user_id = (select app.current_user_id()) and c.status = 'open' and c.expires_at > now()))
  with check (tenant_id = (select app.current_tenant_id()));
create policy delete_own_cart on cart_items for delete to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and cart_id in (select c.id from carts c
                          where c.user_id = (select app.current_user_id()) and c.status = 'open' and c.expires_at > now()));

grant select, delete on cart_items to fortress_user;
grant insert (tenant_id, cart_id, product_id, quantity) on cart_items to fortress_user;
grant update (quantity) on cart_items to fortress_user;

comment on table cart_items is 'Lines of a cart (normalised instead of the spec''s jsonb items); frozen once the cart is no longer open or has expired; quantity 1..999.';
