-- inventory: stock of a tenant. Every user of the tenant reads it; nobody
-- writes it directly: quantity and reserved change only through the inventory
-- and order functions (security definer), which lock the row, check the
-- caller's role and audit the change.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.inventory');
alter table inventory enable row level security;
alter table inventory force row level security;

create policy owner_maintenance on inventory to fortress_owner using (true) with check (true);

create policy select_own_tenant on inventory for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()));

-- Partners (sql/functions/partner.sql) with inventory:read read it, never write it.
create policy select_partner_inventory on inventory for select to fortress_partner
  using (tenant_id = (select app.current_partner_tenant_id()) and (select app.current_partner_scopes()) @> array['inventory:read']);

grant select on inventory to fortress_user;
grant select on inventory to fortress_partner;

comment on table inventory is 'Stock per product and location; reserved <= quantity; available = quantity - reserved (generated). Written only by the inventory and order functions.';
