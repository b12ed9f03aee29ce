-- rotated_refresh_tokens: read and written only by app.rotate_refresh_token()
-- (sql/functions/auth.sql). No app role has any privilege on it.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.rotated_refresh_tokens');
alter table rotated_refresh_tokens enable row level security;
alter table rotated_refresh_tokens force row level security;

create policy owner_maintenance on rotated_refresh_tokens to fortress_owner using (true) with check (true);

comment on table rotated_refresh_tokens is 'Hashes of refresh tokens already rotated out; reuse of one revokes its session.';
