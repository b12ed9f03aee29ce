-- The sign-in functions moved from sql/rls/02_auth.sql to
-- sql/functions/auth.sql (applied by the next migration, which recreates them
-- with create or replace). Functions whose signature or result changed must be
-- dropped first, and a removed one is dropped here, since deleting its file
-- removes nothing from a database:
-- - app.current_password_hash(): granted to fortress_user, never called;
-- - app.login_lookup(text, text): now returns only (tenant_id, user_id, role,
--   password_hash), and only for an account that can sign in;
-- - app.record_login_failure with the unused lockout arguments: the reason is
--   now decided in SQL, so it takes (tenant slug, email, ip, user agent).
-- Nothing depends on them (no view, policy or other function).
drop function if exists app.current_password_hash();
drop function if exists app.login_lookup(text, text);
drop function if exists app.record_login_failure(text, text, text, text, text, integer, interval);
