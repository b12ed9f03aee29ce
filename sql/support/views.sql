-- Masked views for support staff (issue 12; spec §11 "views com columns
-- mascarados para acesso de suporte"). fortress_support holds SELECT on these
-- views and no privilege on any table. The views are owned by
-- fortress_support_reader (NOLOGIN, NOBYPASSRLS, not granted to the server's
-- login, owns nothing else), so the tables behind them are read with its
-- column grants and under its policies (select_support_reader in each table's
-- file): only the tenant app.support_tenant_id() names, i.e. while the
-- caller's support session and a grant of that tenant are live. Without them
-- every view is empty. security_barrier: a caller's own conditions (a leaky
-- function in a where clause) never run before the view's joins and masking.
-- Money is numeric cast to text in SQL (never a float); PII leaves only
-- masked (app.mask_* in sql/functions/support.sql).
-- Runs again whenever this file changes: the views are dropped and recreated.
create schema if not exists support;
revoke all on schema support from public;
grant usage on schema support to fortress_support;

drop view if exists support.users, support.accounts, support.ledger_entries, support.orders, support.audit_logs;

-- Users: email as j***@example.com, phone as its last two digits, name as initials.
create view support.users with (security_barrier = true) as
  select u.id, app.mask_email(u.email) as email, app.mask_phone(u.phone) as phone, app.initials(u.display_name) as initials,
         m.role::text as role, u.is_active, u.created_at, u.last_login_at
    from public.users u
    left join public.tenant_memberships m on m.tenant_id = u.tenant_id and m.user_id = u.id;

-- Accounts: type, currency, balance, status; the name masked, no external numbers or metadata.
create view support.accounts with (security_barrier = true) as
  select a.id, a.user_id, a.type::text as type, a.currency::text as currency, trim_scale(a.balance)::text as balance,
         a.status::text as status, app.mask_text(a.name) as name, a.system_kind is not null as is_system, a.created_at, a.closed_at
    from public.accounts a;

-- Ledger entries: amount, date, type, status, category; description and counterparty masked.
create view support.ledger_entries with (security_barrier = true) as
  select t.id, t.account_id, t.type::text as type, t.status::text as status, trim_scale(t.amount)::text as amount,
         t.currency::text as currency, t.occurred_at, c.name as category, app.mask_text(t.description) as description,
         app.mask_text(cp.name) as counterparty
    from public.transactions t
    left join public.categories c on c.tenant_id = t.tenant_id and c.id = t.category_id
    left join public.accounts cp on cp.tenant_id = t.tenant_id and cp.id = t.counterparty_account_id;

-- Orders: status, totals, items; the shipping address reduced to its city and country.
create view support.orders with (security_barrier = true) as
  select o.id, o.user_id, o.status::text as status, trim_scale(o.total_amount)::text as total_amount, o.currency::text as currency,
         left(nullif(btrim(o.shipping_address ->> 'city'), ''), 100) as shipping_city,
         left(nullif(btrim(o.shipping_address ->> 'country'), ''), 100) as shipping_country,
         o.created_at, o.paid_at, o.shipped_at, o.delivered_at, o.cancelled_at,
         coalesce((select jsonb_agg(jsonb_build_object(
                             'productName', i.product_name, 'sku', i.sku, 'quantity', i.quantity,
                             'unitPrice', trim_scale(i.unit_price)::text, 'lineTotal', trim_scale(i.line_total)::text,
                             'currency', i.currency::text) order by i.sku, i.id)
                     from public.order_items i where i.tenant_id = o.tenant_id and i.order_id = o.id), '[]'::jsonb) as items
    from public.orders o;

-- Audit logs: entity, action, when, the actor's initials, and only the names of
-- the fields an entry touched, never their values (diffs hold PII).
create view support.audit_logs with (security_barrier = true) as
  select l.id, l.entity, l.entity_id, l.action, l.created_at, app.initials(u.display_name) as actor_initials,
         case when jsonb_typeof(l.diff) = 'object' then array(select k from jsonb_object_keys(l.diff) k order by 1) else '{}'::text[] end
           as changed_fields
    from public.audit_logs l
    left join public.users u on u.tenant_id = l.tenant_id and u.id = l.user_id;

-- Owned by the reader (it needs CREATE on the schema only for the hand-over).
grant create on schema support to fortress_support_reader;
alter view support.users owner to fortress_support_reader;
alter view support.accounts owner to fortress_support_reader;
alter view support.ledger_entries owner to fortress_support_reader;
alter view support.orders owner to fortress_support_reader;
alter view support.audit_logs owner to fortress_support_reader;
revoke create on schema support from fortress_support_reader;

grant select on support.users, support.accounts, support.ledger_entries, support.orders, support.audit_logs to fortress_support;

comment on schema support is 'Masked views for support staff (fortress_support); owned by fortress_support_reader, empty without a live grant.';
comment on view support.users is 'Users of the granted tenant: masked email and phone, initials, role.';
comment on view support.accounts is 'Accounts of the granted tenant: type, currency, balance (text), status, masked name.';
comment on view support.ledger_entries is 'Ledger entries of the granted tenant: amount (text), type, status, category; masked description and counterparty.';
comment on view support.orders is 'Orders of the granted tenant: status, totals and items (text money), shipping city and country only.';
comment on view support.audit_logs is 'Audit trail of the granted tenant: entity, action, time, actor initials, names of the changed fields (no values).';
