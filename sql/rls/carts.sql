-- carts: a user's own carts; owners/admins see all of the tenant's. A user
-- opens carts for themselves only, one open cart at a time (unique index
-- ux_carts_tenant_user_open); the status is never written directly: checkout
-- (a security definer function) closes a cart, the expiry job removes it.
-- An open, unexpired cart may have its expiry moved; open and abandoned carts
-- may be deleted (checked-out ones are referenced by their order).
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.carts');
alter table carts enable row level security;
alter table carts force row level security;

create policy owner_maintenance on carts to fortress_owner using (true) with check (true);

create policy select_own_or_admin on carts for select to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and (user_id = (select app.current_user_id()) or (select app.is_tenant_admin())));
create policy insert_own on carts for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id())
              and status = 'open');
create policy update_own on carts for update to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id())
         and status = 'open' and expires_at > now())
  with check (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id())
              and status = 'open');
create policy delete_own on carts for delete to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id())
         and status in ('open', 'abandoned'));

grant select, delete on carts to fortress_user;
grant insert (tenant_id, user_id, expires_at) on carts to fortress_user;
grant update (expires_at, updated_at) on carts to fortress_user;

comment on table carts is 'Shopping carts, at most one open per user; items in cart_items.';
