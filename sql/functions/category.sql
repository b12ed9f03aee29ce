-- Category trees: a category can never end up under itself. createCategory and
-- moveCategory check it in the server for a clear error, but any writer
-- (another mutation, the owner's scripts) goes through this trigger.
--
-- Rules of sql/functions/ (auth.sql's header; README "Writing SQL functions"):
-- this is a trigger function running as the caller (security invoker): the
-- parent chain it walks is in the caller's own tenant (the composite foreign
-- key (tenant_id, parent_id) guarantees it), which categories' select policy
-- shows to every member, so no definer is needed. search_path pinned, execute
-- revoked from PUBLIC (a trigger fires without it). The error is
-- FORTRESS:CATEGORY_CYCLE (src/errors.ts). Re-runnable: create or replace.

-- Concurrent moves (A under B while B moves under A) could each pass the
-- check on their own snapshot; a transaction-scoped advisory lock per tenant
-- serialises the tree changes of one tenant (moves are rare, reads unaffected).
create or replace function app.categories_refuse_cycle() returns trigger
  language plpgsql
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_ancestor uuid := new.parent_id;
    v_depth integer := 0;
  begin
    if new.parent_id is null then
      return new;
    end if;
    perform pg_advisory_xact_lock(hashtextextended('categories:' || new.tenant_id::text, 0));
    while v_ancestor is not null loop
      if v_ancestor = new.id then
        raise exception using errcode = 'P0001',
          message = 'FORTRESS:CATEGORY_CYCLE: A category cannot be moved under itself or one of its subcategories';
      end if;
      v_depth := v_depth + 1;
      if v_depth > 1000 then
        raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: The category tree is deeper than 1000 levels';
      end if;
      select c.parent_id into v_ancestor from categories c where c.tenant_id = new.tenant_id and c.id = v_ancestor;
    end loop;
    return new;
  end
  $$;
revoke all on function app.categories_refuse_cycle() from public;
comment on function app.categories_refuse_cycle() is
  'Trigger: refuses a parent_id that would put a category under itself (FORTRESS:CATEGORY_CYCLE).';

create or replace trigger categories_refuse_cycle
  before insert or update of parent_id on categories
  for each row execute function app.categories_refuse_cycle();
