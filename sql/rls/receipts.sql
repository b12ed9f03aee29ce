-- receipts: a user's own receipts, or all of the tenant's for owners/admins.
-- Runs again whenever this file changes: start from no policies and no grants.
call app.reset_table_security('public.receipts');
alter table receipts enable row level security;
alter table receipts force row level security;

create policy owner_maintenance on receipts to fortress_owner using (true) with check (true);

create policy select_own_or_admin on receipts for select to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and (user_id = (select app.current_user_id()) or (select app.is_tenant_admin())));
-- A receipt documents a journal (transfer_id) and, when attached to one of its
-- entries, that entry (transaction_id; the receipts_link_transfer trigger,
-- sql/functions/receipt.sql, fills in the entry's journal). Both must be
-- visible to the caller (the foreign keys alone would accept any row of the
-- tenant whose id is known): an entry of their own account, a journal
-- touching one (all of the tenant's for owners/admins, through those tables'
-- own policies).
create policy insert_own on receipts for insert to fortress_user
  with check (tenant_id = (select app.current_tenant_id()) and user_id = (select app.current_user_id())
              and (transaction_id is null or exists (select from transactions t where t.id = receipts.transaction_id))
              and (transfer_id is null or exists (select from transfers j where j.id = receipts.transfer_id)));
-- Re-pointing a receipt follows the same rules as attaching it.
create policy update_own_or_admin on receipts for update to fortress_user
  using (tenant_id = (select app.current_tenant_id())
         and (user_id = (select app.current_user_id()) or (select app.is_tenant_admin())))
  with check (tenant_id = (select app.current_tenant_id())
              and (transaction_id is null or exists (select from transactions t where t.id = receipts.transaction_id))
              and (transfer_id is null or exists (select from transfers j where j.id = receipts.transfer_id)));

grant select on receipts to fortress_user;
grant insert (tenant_id, user_id, transaction_id, transfer_id, merchant_id, amount, currency, ocr_data, image_s3_key)
  on receipts to fortress_user;
grant update (transaction_id, transfer_id, merchant_id, ocr_data) on receipts to fortress_user;

comment on table receipts is 'Receipts/invoices (OCR data, S3 key), optionally attached to a journal (transfer) and one of its ledger entries.';
