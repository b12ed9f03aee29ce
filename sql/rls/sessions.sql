-- sessions: a user opens (at login), sees and revokes only their own
-- sessions. The refresh token hash is written but never readable by app
-- roles; rotation goes through app.rotate_refresh_token().
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.sessions');
alter table sessions enable row level security;
alter table sessions force row level security;

create policy owner_maintenance on sessions to fortress_owner using (true) with check (true);

create policy select_own on sessions for select to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));
create policy insert_own on sessions for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()));
-- Revocation is one-way: revoked_at can be set, never cleared.
create policy update_own on sessions for update to fortress_user
  using (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id()))
  with check (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id())
              and revoked_at is not null);

grant select (id, tenant_id, user_id, ip, user_agent, created_at, last_used_at, expires_at, revoked_at)
  on sessions to fortress_user;
grant insert (tenant_id, user_id, refresh_token_hash, ip, user_agent, expires_at) on sessions to fortress_user;
grant update (revoked_at) on sessions to fortress_user;

comment on table sessions is 'Refresh-token sessions; only a hash of the refresh token is stored.';
