-- login_history: every sign-in attempt; visible to the user it names and to
-- tenant admins. Written by the login function, never by app roles directly.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.login_history');
alter table login_history enable row level security;
alter table login_history force row level security;

create policy owner_maintenance on login_history to fortress_owner using (true) with check (true);

create policy select_self_or_admin on login_history for select to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and (user_id = (select app.current_user_id()) or (select app.is_tenant_admin())));

grant select on login_history to fortress_user;

comment on table login_history is 'Sign-in attempts (success or failure) with ip and user agent.';
