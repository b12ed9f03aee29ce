-- rotated_refresh_tokens: read and written only by app.rotate_refresh_token()
-- (02_auth.sql). No app role has any privilege on it.
alter table rotated_refresh_tokens enable row level security;
alter table rotated_refresh_tokens force row level security;

create policy owner_maintenance on rotated_refresh_tokens to fortress_owner using (true) with check (true);

comment on table rotated_refresh_tokens is 'Hashes of refresh tokens already rotated out; reuse of one revokes its session.';
