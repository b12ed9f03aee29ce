-- The compiled read path (src/compiled/): one JSON-building statement per
-- persisted operation. Where that statement meets something the GraphQL
-- schema forbids or the ordinary path refuses (a null in a non-null field, a
-- cursor whose row is not in the connection), it calls this function, which
-- fails the statement: the server rolls back and answers the request through
-- the ordinary (Pothos) path, which produces the canonical data and errors.
-- Never reaches a client.
--
-- Security invoker (it reads and writes nothing); volatile, so the planner
-- never folds it away or evaluates it ahead of the coalesce() guarding it.
create or replace function app.compiled_anomaly(p_what text) returns json
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
  as $$ begin raise exception using errcode = 'P0001', message = 'compiled read path: ' || p_what; end $$;

revoke all on function app.compiled_anomaly(text) from public;
grant execute on function app.compiled_anomaly(text) to fortress_user, fortress_partner;

comment on function app.compiled_anomaly(text) is
  'Fails the compiled read path''s statement (src/compiled/) so the request is answered by the ordinary path instead.';
