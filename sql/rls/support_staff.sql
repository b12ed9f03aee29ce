-- support_staff: platform users (issue 12), created and disabled by the CLI as
-- the owner. No app role holds any privilege on it: sign-in reads it through
-- app.support_login_lookup, the request path through app.support_tenant_id
-- (sql/functions/support.sql).
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.support_staff');
alter table support_staff enable row level security;
alter table support_staff force row level security;

create policy owner_maintenance on support_staff to fortress_owner using (true) with check (true);

comment on table support_staff is 'Platform support staff (not tenant members); readable by no app role.';
comment on column support_staff.password_hash is 'argon2id hash; leaves the database only to the sign-in check.';
