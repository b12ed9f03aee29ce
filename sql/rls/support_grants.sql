-- support_grants: a tenant's owners/admins let support staff read its masked
-- views, for at most 7 days (a CHECK), and revoke that at once. Members and
-- partners see and write nothing; support staff never read this table (their
-- access is decided by app.support_tenant_id).
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.support_grants');
alter table support_grants enable row level security;
alter table support_grants force row level security;

create policy owner_maintenance on support_grants to fortress_owner using (true) with check (true);

create policy select_admin on support_grants for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()));
-- Written as the admin who grants, live when written.
create policy insert_admin on support_grants for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin())
              and created_by = (select app.current_user_id()) and revoked_at is null and revoked_by is null);
-- Revocation is one-way: a live grant gets revoked_at and revoked_by (the admin), never cleared.
create policy revoke_admin on support_grants for update to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and (select app.is_tenant_admin()) and revoked_at is null)
  with check (tenant_id = (select app.current_tenant_id()) and revoked_at is not null
              and revoked_by = (select app.current_user_id()));

grant select on support_grants to fortress_user;
grant insert (tenant_id, staff_id, reason, created_by, expires_at) on support_grants to fortress_user;
grant update (revoked_at, revoked_by) on support_grants to fortress_user;

comment on table support_grants is 'A tenant''s permission for support staff (one, or any when staff_id is null) to read its masked views; at most 7 days, revocable.';
