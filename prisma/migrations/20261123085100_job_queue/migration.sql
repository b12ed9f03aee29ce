-- The job queue (graphile-worker, src/jobs/) lives in schema graphile_worker,
-- owned by fortress_worker. graphile-worker enables RLS with no policies on its
-- tables, so only their owner can use them, and its worker checks (and runs)
-- its own migrations on every start. The owner creates the schema here because
-- graphile-worker's bootstrap runs `create schema`, which needs CREATE on the
-- database, a right fortress_worker never gets; src/db/migrate.ts then runs
-- graphile-worker's migrations as fortress_worker, after these ones.
--
-- fortress_worker is created here if it does not exist yet, with the
-- attributes of the other app roles; sql/rls/00_roles.sql (a later migration)
-- creates it too and grants it to fortress_authenticator.
do $$
begin
  if not exists (select from pg_roles where rolname = 'fortress_worker') then
    create role fortress_worker nologin noinherit nosuperuser nobypassrls;
  end if;
end
$$;
-- PostgreSQL 16+: creating an object owned by another role takes membership
-- in it (the owner holds only ADMIN on the roles it created). The membership
-- also lets db:migrate connect with `-c role=fortress_worker`.
grant fortress_worker to fortress_owner;
create schema if not exists graphile_worker authorization fortress_worker;
revoke all on schema graphile_worker from public;
-- graphile-worker's bootstrap table, exactly as its installSchema creates it:
-- with it present graphile-worker skips the bootstrap and its `create schema`.
create table if not exists graphile_worker.migrations (
  id int primary key,
  ts timestamptz default now() not null,
  breaking boolean not null default false
);
alter table graphile_worker.migrations owner to fortress_worker;
comment on schema graphile_worker is 'Job queue (graphile-worker), owned and used by fortress_worker only; its tables come from graphile-worker''s migrations, run by src/db/migrate.ts.';
