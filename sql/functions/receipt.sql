-- Receipts and the journal they document: a receipt attached to a ledger
-- entry documents that entry's journal (transfers) too. The link is the
-- database's, not each writer's: whoever inserts or re-points a receipt (the
-- attachReceipt mutation, an owner's script, a migration), transfer_id is
-- filled in from the entry, and a transfer_id that names another journal is
-- refused, so Transfer.receipts finds every receipt of the journal.
--
-- Rules of sql/functions/ (auth.sql's header; README "Writing SQL functions"):
-- a trigger function running as the caller (security invoker). It reads only
-- the entry the row names, through the caller's own transactions policy: for
-- a member an entry of someone else's account is not found, the row passes
-- through unchanged, and the receipts policies then refuse the invisible
-- entry (sql/rls/receipts.sql). search_path pinned; execute revoked from
-- PUBLIC (a trigger fires without it). The error is FORTRESS:BAD_USER_INPUT
-- (src/errors.ts). Re-runnable: create or replace.
create or replace function app.receipts_link_transfer() returns trigger
  language plpgsql
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_transfer uuid;
  begin
    if new.transaction_id is null then
      return new;
    end if;
    select t.transfer_id into v_transfer from transactions t where t.tenant_id = new.tenant_id and t.id = new.transaction_id;
    if not found then
      return new;
    end if;
    -- Omitted, or left as it was while the entry changed: the entry's journal.
    if new.transfer_id is null
       or (tg_op = 'UPDATE' and new.transfer_id is not distinct from old.transfer_id
           and new.transaction_id is distinct from old.transaction_id) then
      new.transfer_id := v_transfer;
    elsif new.transfer_id is distinct from v_transfer then
      raise exception using errcode = 'P0001',
        message = 'FORTRESS:BAD_USER_INPUT: transferId must be the transfer of the ledger entry transactionId';
    end if;
    return new;
  end
  $$;
revoke all on function app.receipts_link_transfer() from public;
comment on function app.receipts_link_transfer() is
  'Trigger: a receipt attached to a ledger entry documents its journal too (transfer_id filled in; another journal is FORTRESS:BAD_USER_INPUT).';

create or replace trigger receipts_link_transfer
  before insert or update of transaction_id, transfer_id on receipts
  for each row execute function app.receipts_link_transfer();
