-- Receipts document a journal (issue 9, item 6: a receipt is "attached to a
-- transfer"). A receipt points at the journal (transfer_id) and, when it was
-- attached to one of the journal's entries, at that entry too
-- (transaction_id); attaching to an entry records the entry's journal
-- (sql/rls/receipts.sql refuses a pair that disagrees). Like transaction_id,
-- the link lives on the receipt, so the insert-only ledger is never touched.
alter table receipts
  add column transfer_id uuid,
  add constraint receipts_transfer_fk foreign key (tenant_id, transfer_id) references transfers (tenant_id, id);
create index ix_receipts_tenant_transfer on receipts (tenant_id, transfer_id);

-- Receipts already attached to an entry of a journal document that journal.
update receipts r
   set transfer_id = t.transfer_id
  from transactions t
 where t.tenant_id = r.tenant_id and t.id = r.transaction_id and t.transfer_id is not null and r.transfer_id is null;
