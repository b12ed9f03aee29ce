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

-- Deleting a category (deleteCategory): owners/admins of the tenant. What
-- referred to it loses its category, nothing else: ledger entries, journals
-- and products become uncategorised (categorisation is metadata; amounts,
-- statuses and balances are never touched; every cleared entry and journal
-- gets its own audit entry from the tables' triggers). Subcategories are not guessed
-- about: a category that still has any is IN_USE (move or delete them
-- first), so a delete never silently reshapes the tree or the spending it
-- rolls up.
--
-- Rules of sql/functions/ (auth.sql's header): security definer, because a
-- journal's category is on transfers, which no app role may write (the
-- ledger's journals are written only by definer functions). It runs as
-- fortress_owner, so it re-applies the tenant (app.current_tenant_id(), null
-- unless the caller is a member) and the role (owners/admins, FORBIDDEN
-- otherwise) itself, and touches only rows of that tenant. It locks the
-- category first (parents before children): a concurrent write referring to
-- it (an entry categorised, a subcategory created or moved under it) waits
-- on the foreign key's lock, and then either came first (and is cleared, or
-- makes it IN_USE) or finds the category gone (INVALID_REFERENCE).
-- Returns the deleted category's name and parent and how many rows lost it.
create or replace function app.delete_category(p_category uuid)
  returns table (category_name text, category_parent_id uuid, entries_cleared integer, transfers_cleared integer,
                 products_cleared integer)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid := app.current_tenant_id();
    v_category categories%rowtype;
    v_children integer;
    v_entries integer;
    v_transfers integer;
    v_products integer;
  begin
    if v_tenant is null or app.current_user_id() is null then
      raise exception using errcode = 'P0001', message = 'FORTRESS:FORBIDDEN: No active member is signed in';
    end if;
    if not app.is_tenant_admin() then
      raise exception using errcode = 'P0001', message = 'FORTRESS:FORBIDDEN: Only owners and admins delete categories';
    end if;
    if p_category is null then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: rowId is required';
    end if;
    select * into v_category from categories c where c.tenant_id = v_tenant and c.id = p_category for update;
    if not found then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such category';
    end if;
    select count(*) into v_children from categories c where c.tenant_id = v_tenant and c.parent_id = p_category;
    if v_children > 0 then
      raise exception using errcode = 'P0001',
        message = format('FORTRESS:IN_USE: The category has %s subcategories: move or delete them first', v_children);
    end if;
    update transactions t set category_id = null, updated_at = now() where t.tenant_id = v_tenant and t.category_id = p_category;
    get diagnostics v_entries = row_count;
    update transfers j set category_id = null where j.tenant_id = v_tenant and j.category_id = p_category;
    get diagnostics v_transfers = row_count;
    update products p set category_id = null, updated_at = now() where p.tenant_id = v_tenant and p.category_id = p_category;
    get diagnostics v_products = row_count;
    delete from categories c where c.tenant_id = v_tenant and c.id = p_category;
    return query select v_category.name, v_category.parent_id, v_entries, v_transfers, v_products;
  end
  $$;
revoke all on function app.delete_category(uuid)
  from public, fortress_authenticator, fortress_anonymous, fortress_user, fortress_partner, fortress_support;
grant execute on function app.delete_category(uuid) to fortress_user;
comment on function app.delete_category(uuid) is
  'Deletes a category of the current tenant (owners/admins): entries, journals and products referring to it become uncategorised; IN_USE while it has subcategories.';

-- A category and every category below it (products(categoryId:,
-- includeSubcategories: true)). Security invoker: the caller's own policies
-- show only their tenant's categories, so another tenant's id yields nothing.
-- union (not union all) stops at a row already seen, so even a cycle written
-- past categories_refuse_cycle could not loop.
create or replace function app.category_descendants(p_category uuid) returns setof uuid
  language sql stable
  set search_path = pg_catalog, public, pg_temp
  as $$
    with recursive tree (id) as (
      select c.id from categories c where c.id = p_category
      union
      select c.id from categories c join tree t on c.parent_id = t.id
    )
    select id from tree
  $$;
revoke all on function app.category_descendants(uuid)
  from public, fortress_authenticator, fortress_anonymous, fortress_user, fortress_partner, fortress_support;
grant execute on function app.category_descendants(uuid) to fortress_user;
comment on function app.category_descendants(uuid) is
  'The category and all its subcategories, as far as the caller may see (security invoker); empty when it is not visible.';
