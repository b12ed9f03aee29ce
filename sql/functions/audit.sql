-- The audit trail of the finance tables, written by triggers: whatever path
-- changes an account, a journal, an entry's metadata, a category, a merchant,
-- a receipt, a product or a location (a mutation, a ledger function, the owner's scripts), the
-- change and its actor land in audit_logs in the same transaction. The actor
-- is app.current_user_id() (null when no user is signed in, e.g.
-- `npm run reconcile` as the owner).
--
-- One row per changed row: action create / update / delete, entity = the
-- concept's name (TG_ARGV[0]), diff = the new row (create), the old row
-- (delete) or, for an update, only the changed columns as
-- {"column": {"from": old, "to": new}}. Numbers are written as strings so
-- money stays exact for every JSON reader. Columns named in TG_ARGV[1..] are
-- left out of the diff; an update that changes nothing else writes no row.
-- What is left out, and why:
-- - id, tenant_id (the row's entity_id and tenant_id), created_at,
--   updated_at (the audit row has its own time);
-- - accounts.balance: a balance only moves with a journal, whose insert is
--   audited (amount, from, to), or by reconciliation, which writes its own
--   entry (action reconcile, old and new balance) — three rows per transfer
--   would say nothing more;
-- - transfers.request_hash (a digest of the request, no information);
-- - receipts.ocr_data (large, machine-written; the receipt row keeps it);
-- - entries (transactions) inserted as part of a journal: the journal's row
--   describes both; later changes to an entry (category, merchant, status
--   reversed) are audited.
--
-- Rules of sql/functions/ (auth.sql's header): security definer, because the
-- writer may be a member who may not write audit rows for the whole tenant
-- (audit_logs' insert policy only lets a user name themselves) and the
-- trigger runs for owner scripts too; it writes only the tenant of the row
-- that changed, which the caller's own statement was already allowed (by
-- RLS) to change. search_path pinned; execute revoked from PUBLIC (a trigger
-- fires without it).
-- A JSON number as a string (numeric columns: money, limits), anything else as is.
create or replace function app.audit_value(p_value jsonb) returns jsonb
  language sql immutable
  set search_path = pg_catalog, pg_temp
  as $$ select case when jsonb_typeof(p_value) = 'number' then to_jsonb(p_value #>> '{}') else p_value end $$;

create or replace function app.audit_row_change() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_skip text[] := array['id', 'tenant_id', 'created_at', 'updated_at'] || tg_argv[1:];
    v_row jsonb := case when tg_op = 'DELETE' then to_jsonb(old) else to_jsonb(new) end;
    v_old jsonb;
    v_diff jsonb;
  begin
    -- A tenant being deleted takes its audit trail with it: nothing to add.
    if tg_op = 'DELETE' and not exists (select 1 from tenants t where t.id = old.tenant_id) then
      return null;
    end if;
    if tg_op = 'UPDATE' then
      v_old := to_jsonb(old);
      select jsonb_object_agg(n.key, jsonb_build_object('from', app.audit_value(v_old -> n.key), 'to', app.audit_value(n.value)))
        into v_diff
        from jsonb_each(v_row) n
       where n.key <> all (v_skip) and n.value is distinct from v_old -> n.key;
      if v_diff is null then
        return null;
      end if;
    else
      select coalesce(jsonb_object_agg(n.key, app.audit_value(n.value)), '{}') into v_diff
        from jsonb_each(v_row) n
       where n.key <> all (v_skip);
    end if;
    -- clock_timestamp(), not now(): several changes in one transaction keep their order.
    insert into audit_logs (tenant_id, user_id, entity, entity_id, action, diff, created_at)
    values ((v_row ->> 'tenant_id')::uuid, app.current_user_id(), tg_argv[0], (v_row ->> 'id')::uuid,
            case tg_op when 'INSERT' then 'create' when 'UPDATE' then 'update' else 'delete' end, v_diff, clock_timestamp());
    return null;
  end
  $$;

revoke all on function app.audit_row_change(), app.audit_value(jsonb) from public;
comment on function app.audit_row_change() is
  'Trigger: one audit_logs row per changed row (entity = TG_ARGV[0]; TG_ARGV[1..] = columns left out of the diff), actor app.current_user_id().';
comment on function app.audit_value(jsonb) is 'Audit diffs: JSON numbers as strings, so money stays exact.';

-- accounts: the update trigger names its columns (all but balance and the
-- skipped ones), so the two balance updates of every posting do not even
-- fire it; test/db/functions/audit_row_change.test.ts fails when a new
-- column of accounts is missing here.
create or replace trigger audit_accounts
  after insert or delete on accounts
  for each row execute function app.audit_row_change('account', 'balance');
drop trigger if exists audit_accounts_update on accounts;
create trigger audit_accounts_update
  after update of user_id, name, type, currency, metadata, credit_limit, status, closed_at, system_kind on accounts
  for each row execute function app.audit_row_change('account', 'balance');
create or replace trigger audit_transfers
  after insert or update or delete on transfers
  for each row execute function app.audit_row_change('transfer', 'request_hash');
create or replace trigger audit_transactions_standalone
  after insert on transactions
  for each row when (new.transfer_id is null) execute function app.audit_row_change('transaction');
create or replace trigger audit_transactions
  after update or delete on transactions
  for each row execute function app.audit_row_change('transaction');
create or replace trigger audit_categories
  after insert or update or delete on categories
  for each row execute function app.audit_row_change('category');
create or replace trigger audit_merchants
  after insert or update or delete on merchants
  for each row execute function app.audit_row_change('merchant');
create or replace trigger audit_receipts
  after insert or update or delete on receipts
  for each row execute function app.audit_row_change('receipt', 'ocr_data');
-- Catalogue (issue 10). Stock rows have no trigger: the inventory functions
-- (sql/functions/inventory.sql) audit each change with its reason.
create or replace trigger audit_products
  after insert or update or delete on products
  for each row execute function app.audit_row_change('product');
create or replace trigger audit_locations
  after insert or update or delete on locations
  for each row execute function app.audit_row_change('location');
