-- Covering indexes for the composite foreign keys that had none (found by
-- Supabase's splinter lint `unindexed_foreign_keys`; test/db/catalogue.test.ts
-- now fails on any). Without one, deleting or re-keying a parent row (a
-- category, merchant, cart, product or user) scans the whole child table to
-- check the reference, and a join from the parent to its children cannot use
-- an index. They lead with tenant_id like the keys themselves, which also
-- serves the tenant filter every policy adds.
create index ix_transactions_tenant_category on transactions (tenant_id, category_id);
create index ix_transactions_tenant_counterparty_account on transactions (tenant_id, counterparty_account_id);
create index ix_transactions_tenant_merchant on transactions (tenant_id, merchant_id);
create index ix_receipts_tenant_merchant on receipts (tenant_id, merchant_id);
create index ix_orders_tenant_cart on orders (tenant_id, cart_id);
create index ix_cart_items_tenant_product on cart_items (tenant_id, product_id);
create index ix_order_items_tenant_product on order_items (tenant_id, product_id);
create index ix_audit_logs_tenant_user on audit_logs (tenant_id, user_id);
