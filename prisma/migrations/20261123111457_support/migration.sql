-- Support staff through masked views (issue 12, items 1-4). Platform tables
-- (support_staff, support_sessions) belong to no tenant; a tenant lets support
-- in with support_grants and reads who used it in support_access_logs.
-- Policies, grants, the definer functions and the masked views live in sql/
-- (sql/rls/support_*.sql, sql/functions/support.sql, sql/support/views.sql),
-- in the generated migration after this one.

-- Platform users, not tenant members: created by `npm run support:create` as
-- the owner, never through the API. No app role reads this table; sign-in
-- goes through app.support_login_lookup (anonymous role only).
create table support_staff (
  id uuid primary key default gen_random_uuid(),
  -- Stored in lower case (the CLI lower-cases it): unique case-insensitively.
  email text not null check (email = lower(email) and length(email) between 3 and 254 and email ~ '^[^\s@]+@[^\s@]+$'),
  display_name text not null check (length(btrim(display_name)) between 1 and 200),
  -- argon2id (src/auth/passwords.ts), like users.password_hash.
  password_hash text not null check (password_hash like '$argon2id$%' and length(password_hash) <= 512),
  is_active boolean not null default true,
  -- Consecutive failed sign-ins (for operators to see); the server's rate limits do the locking, as for users.
  login_attempts integer not null default 0,
  locked_until timestamptz,
  created_at timestamptz not null default now(),
  last_login_at timestamptz,
  disabled_at timestamptz,
  constraint ux_support_staff_email unique (email),
  constraint support_staff_disabled_inactive check (disabled_at is null or not is_active)
);

-- One signed-in support session for one tenant: a support access token names
-- it (sid), and the request's first statement refuses the token once it is
-- revoked or expired (app.require_live_session). At most one hour long.
create table support_sessions (
  id uuid primary key default gen_random_uuid(),
  staff_id uuid not null references support_staff (id) on delete cascade,
  tenant_id uuid not null references tenants (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  ip text check (length(ip) <= 64),
  user_agent text check (length(user_agent) <= 512),
  constraint support_sessions_lifetime check (expires_at > created_at and expires_at <= created_at + interval '60 minutes')
);
create index ix_support_sessions_staff on support_sessions (staff_id, created_at desc);
create index ix_support_sessions_tenant on support_sessions (tenant_id, created_at desc);

-- A tenant's permission for support to read its masked views: to one staff
-- member or (staff_id null) to any, with a reason, for at most 7 days;
-- revocable at once (revoked_at, one-way).
create table support_grants (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id) on delete cascade,
  staff_id uuid references support_staff (id) on delete cascade,
  reason text not null check (length(btrim(reason)) between 1 and 500),
  created_by uuid not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_by uuid,
  constraint ux_support_grants_tenant_id unique (tenant_id, id),
  constraint support_grants_expiry check (expires_at > created_at and expires_at <= created_at + interval '7 days'),
  constraint support_grants_revoked_by check (revoked_by is null or revoked_at is not null),
  constraint support_grants_created_by_fk foreign key (tenant_id, created_by) references users (tenant_id, id),
  constraint support_grants_revoked_by_fk foreign key (tenant_id, revoked_by) references users (tenant_id, id)
);
create index ix_support_grants_tenant_created on support_grants (tenant_id, created_at desc, id desc);
create index ix_support_grants_staff on support_grants (staff_id);
create index ix_support_grants_tenant_created_by on support_grants (tenant_id, created_by);
create index ix_support_grants_tenant_revoked_by on support_grants (tenant_id, revoked_by);

-- One row per support request, written before the request runs (so a failing
-- request is recorded too) by app.record_support_access, which re-checks the
-- grant and session. The tenant's owners/admins read it; nobody updates it.
create table support_access_logs (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id) on delete cascade,
  grant_id uuid not null,
  staff_id uuid not null references support_staff (id) on delete cascade,
  -- A snapshot: the tenant's record stays readable whatever happens to the staff row.
  staff_email text not null,
  session_id uuid references support_sessions (id) on delete set null,
  operation_name text check (length(operation_name) <= 200),
  -- The request's variables with secrets (password, token, secret, …) removed by the server.
  variables jsonb not null default '{}',
  created_at timestamptz not null default now(),
  constraint ux_support_access_logs_tenant_id unique (tenant_id, id),
  constraint support_access_logs_grant_fk foreign key (tenant_id, grant_id) references support_grants (tenant_id, id) on delete cascade
);
create index ix_support_access_logs_tenant_created on support_access_logs (tenant_id, created_at desc, id desc);
create index ix_support_access_logs_tenant_grant on support_access_logs (tenant_id, grant_id, created_at desc);
create index ix_support_access_logs_staff on support_access_logs (staff_id);
create index ix_support_access_logs_session on support_access_logs (session_id);
