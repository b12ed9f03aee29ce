-- support_sessions: one support sign-in for one tenant. Opened and revoked
-- only through definer functions (app.support_sign_in, app.support_logout)
-- and checked by app.require_live_session and app.support_tenant_id; no app
-- role holds any privilege on it.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.support_sessions');
alter table support_sessions enable row level security;
alter table support_sessions force row level security;

create policy owner_maintenance on support_sessions to fortress_owner using (true) with check (true);

comment on table support_sessions is 'Support staff sessions, one tenant each, at most an hour; readable by no app role.';
