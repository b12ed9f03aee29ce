-- The ledger's posting functions: the only way money moves. Every movement is
-- a journal (a transfers row) posted as two ledger entries that sum to zero:
-- a debit on the source and a credit on the destination, pointing at each
-- other (counterparty_account_id), inserted 'posted', with both balances
-- updated in the same transaction. App roles can neither insert a posted
-- entry nor write a balance (sql/rls/transactions.sql, accounts.sql): these
-- security definer functions are their only path.
--
-- The rules of sql/functions/auth.sql's header apply. In particular:
-- - They run as fortress_owner, which sees every tenant: each re-applies the
--   tenant (app.current_tenant_id(), null unless the caller is a member),
--   the caller's role (app.is_tenant_admin()) and, for members, "only from
--   an account of their own". An account the caller may not use is NOT_FOUND
--   with one text for every reason (another tenant's, another member's,
--   missing, a system account), so an answer never reveals that it exists.
-- - Accounts are locked in id order (select … order by id for update) before
--   anything is read for a decision, so two opposite transfers never wait on
--   each other in a cycle, and no balance update is lost.
-- - Errors are FORTRESS:<CODE> (src/errors.ts): INVALID_AMOUNT,
--   CURRENCY_MISMATCH, ACCOUNT_CLOSED, INSUFFICIENT_FUNDS, NOT_FOUND,
--   ALREADY_REVERSED, IDEMPOTENCY_KEY_REUSED, BALANCE_NOT_ZERO,
--   BAD_USER_INPUT, FORBIDDEN. An error rolls the whole call back.
-- Invariants (test/db/functions/*, test/api/ledger.test.ts):
-- - every journal's entries sum to zero (credit +amount, debit -amount);
-- - a balance is the signed sum of its entries in status posted or reversed
--   (a reversed entry stays applied: its reversal's counter-entries cancel it);
-- - an account that is not a system account never goes below -credit_limit
--   (0 unless it is a credit account); also a check constraint.

-- An amount: positive, at most 6 decimal places, below 10^14 (numeric(20,6)).
create or replace function app.ledger_require_amount(p_amount numeric) returns numeric
  language plpgsql immutable
  set search_path = pg_catalog, pg_temp
  as $$
  begin
    if p_amount is null or p_amount <= 0 or p_amount <> round(p_amount, 6) or p_amount >= 1e14 then
      raise exception using errcode = 'P0001',
        message = 'FORTRESS:INVALID_AMOUNT: amount must be positive, with at most 6 decimal places and 14 integer digits';
    end if;
    return p_amount;
  end
  $$;

-- The tenant of the signed-in member, or FORBIDDEN.
create or replace function app.ledger_require_tenant() returns uuid
  language plpgsql stable
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid := app.current_tenant_id();
  begin
    if v_tenant is null or app.current_user_id() is null then
      raise exception using errcode = 'P0001', message = 'FORTRESS:FORBIDDEN: No active member is signed in';
    end if;
    return v_tenant;
  end
  $$;

-- The tenant's system account of a kind and currency, created on first use
-- (there is one per currency the tenant moves money in; currencies are not
-- known when the tenant is created). Concurrent first uses meet on the
-- partial unique index: one inserts, the others find its row.
create or replace function app.ledger_system_account(p_tenant uuid, p_kind system_account_kind, p_currency text) returns uuid
  language plpgsql volatile
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_id uuid;
  begin
    insert into accounts (tenant_id, user_id, name, type, currency, system_kind)
    values (p_tenant, null, initcap(p_kind::text) || ' ' || p_currency, 'corporate', p_currency, p_kind)
    on conflict (tenant_id, system_kind, currency) where system_kind is not null do nothing
    returning id into v_id;
    if v_id is null then
      select a.id into v_id from accounts a where a.tenant_id = p_tenant and a.system_kind = p_kind and a.currency = p_currency;
    end if;
    return v_id;
  end
  $$;

-- The posting core, called by the functions below once they have decided the
-- caller may move money from p_from to p_to. Locks both accounts in id order,
-- then: an idempotent replay returns the original journal (before any check,
-- so a retry succeeds even after the balance moved on); then status,
-- currency and funds; then the journal, its two entries, both balances, and
-- the outbox event (the audit entry is the journal insert's trigger). p_detailed: whether the caller may learn
-- why the destination is refused (a member paying someone else's account
-- gets NOT_FOUND for a closed or other-currency destination, so a payment
-- reveals nothing about the destination but success).
-- Returns the journal's id and whether it was a replay.
create or replace function app.ledger_post(
  p_tenant uuid, p_kind transfer_kind, p_from uuid, p_to uuid, p_amount numeric, p_currency text,
  p_description text, p_category uuid, p_idempotency_key text, p_reverses uuid, p_reason text, p_detailed boolean)
  returns table (transfer_id uuid, replayed boolean)
  language plpgsql volatile
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_from accounts%rowtype;
    v_to accounts%rowtype;
    v_row accounts%rowtype;
    v_existing transfers%rowtype;
    v_id uuid;
    v_hash text;
    v_actor uuid := app.current_user_id();
  begin
    for v_row in
      select * from accounts a where a.tenant_id = p_tenant and a.id in (p_from, p_to) order by a.id for update
    loop
      if v_row.id = p_from then v_from := v_row; else v_to := v_row; end if;
    end loop;
    if v_from.id is null or v_to.id is null then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such account';
    end if;

    if p_idempotency_key is not null then
      v_hash := encode(sha256(convert_to(jsonb_build_object(
        'kind', p_kind, 'from', p_from, 'to', p_to, 'amount', trim_scale(p_amount)::text, 'currency', p_currency,
        'description', p_description, 'category', p_category)::text, 'UTF8')), 'hex');
      select * into v_existing from transfers t where t.tenant_id = p_tenant and t.idempotency_key = p_idempotency_key;
      if found then
        if v_existing.request_hash is distinct from v_hash then
          raise exception using errcode = 'P0001',
            message = 'FORTRESS:IDEMPOTENCY_KEY_REUSED: This idempotency key was used for a different request';
        end if;
        return query select v_existing.id, true;
        return;
      end if;
    end if;

    if v_from.status = 'closed' then
      raise exception using errcode = 'P0001', message = 'FORTRESS:ACCOUNT_CLOSED: The source account is closed';
    end if;
    if v_to.status = 'closed' then
      if not p_detailed then
        raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such account';
      end if;
      raise exception using errcode = 'P0001', message = 'FORTRESS:ACCOUNT_CLOSED: The destination account is closed';
    end if;
    if v_from.currency <> p_currency then
      raise exception using errcode = 'P0001', message = 'FORTRESS:CURRENCY_MISMATCH: The source account holds another currency';
    end if;
    if v_to.currency <> p_currency then
      if not p_detailed then
        raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such account';
      end if;
      raise exception using errcode = 'P0001', message = 'FORTRESS:CURRENCY_MISMATCH: The destination account holds another currency';
    end if;
    if v_from.system_kind is null and v_from.balance - p_amount < -v_from.credit_limit then
      raise exception using errcode = 'P0001', message = 'FORTRESS:INSUFFICIENT_FUNDS: The source account cannot cover this amount';
    end if;

    -- A concurrent call with the same key but other accounts (so other locks)
    -- may have committed since the lookup above: the unique index settles it.
    insert into transfers (tenant_id, kind, from_account_id, to_account_id, amount, currency, description, category_id,
                           idempotency_key, request_hash, reverses_transfer_id, reason, created_by)
    values (p_tenant, p_kind, p_from, p_to, p_amount, p_currency, p_description, p_category,
            p_idempotency_key, v_hash, p_reverses, p_reason, v_actor)
    on conflict (tenant_id, idempotency_key) do nothing
    returning id into v_id;
    if v_id is null then
      select * into v_existing from transfers t where t.tenant_id = p_tenant and t.idempotency_key = p_idempotency_key;
      if v_existing.request_hash is distinct from v_hash then
        raise exception using errcode = 'P0001',
          message = 'FORTRESS:IDEMPOTENCY_KEY_REUSED: This idempotency key was used for a different request';
      end if;
      return query select v_existing.id, true;
      return;
    end if;

    insert into transactions (tenant_id, account_id, counterparty_account_id, category_id, type, amount, currency, status,
                              description, transfer_id)
    values (p_tenant, p_from, p_to, p_category, 'debit', p_amount, p_currency, 'posted', p_description, v_id),
           (p_tenant, p_to, p_from, p_category, 'credit', p_amount, p_currency, 'posted', p_description, v_id);
    update accounts a set balance = a.balance + case when a.id = p_from then -p_amount else p_amount end, updated_at = now()
     where a.tenant_id = p_tenant and a.id in (p_from, p_to);

    -- The journal's audit entry is written by its insert (sql/functions/audit.sql).
    insert into events_outbox (tenant_id, aggregate, aggregate_id, event_type, payload)
    values (p_tenant, 'transfer', v_id, case when p_kind = 'reversal' then 'TransferReversed' else 'TransferPosted' end,
            jsonb_build_object('transferId', v_id, 'kind', p_kind, 'fromAccountId', p_from,
                               'toAccountId', p_to, 'amount', p_amount::text, 'currency', p_currency,
                               'reversesTransferId', p_reverses));
    return query select v_id, false;
  end
  $$;

-- Optional text arguments: null or within limits.
create or replace function app.ledger_optional_text(p_name text, p_value text, p_max_length integer) returns text
  language plpgsql immutable
  set search_path = pg_catalog, pg_temp
  as $$
  begin
    if p_value is null then return null; end if;
    return app.require_text(p_name, p_value, p_max_length);
  end
  $$;

-- transfer: from an account to another of the same tenant and currency.
-- Members only from their own accounts (to any open account: paying another
-- member); owners/admins between any of the tenant's accounts. System
-- accounts are never a side of a transfer (deposit/withdraw use clearing).
create or replace function app.post_transfer(
  p_from uuid, p_to uuid, p_amount numeric, p_currency text, p_description text, p_category uuid, p_idempotency_key text)
  returns table (transfer_id uuid, replayed boolean)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid;
    v_user uuid;
    v_admin boolean;
    v_from_usable boolean;
    v_to_found boolean;
    v_to_holder uuid;
  begin
    -- The hot path of the ledger: the caller's tenant, user and role in one
    -- membership read (what app.ledger_require_tenant() and
    -- app.is_tenant_admin() would each look up again), same rules.
    select m.tenant_id, m.user_id, m.role in ('owner', 'admin') into v_tenant, v_user, v_admin
      from tenant_memberships m
     where m.tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid
       and m.user_id = nullif(current_setting('app.current_user_id', true), '')::uuid;
    if v_tenant is null then
      raise exception using errcode = 'P0001', message = 'FORTRESS:FORBIDDEN: No active member is signed in';
    end if;
    perform app.ledger_require_amount(p_amount);
    perform app.require_text('currency', p_currency, 3, '^[A-Z]{3}$');
    perform app.ledger_optional_text('description', p_description, 500);
    perform app.ledger_optional_text('idempotencyKey', p_idempotency_key, 200);
    if p_from is null or p_to is null then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: fromAccountId and toAccountId are required';
    end if;
    if p_from = p_to then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BAD_USER_INPUT: toAccountId must differ from fromAccountId';
    end if;
    -- Both accounts in one read (no lock yet; ledger_post locks and re-reads):
    -- the source must be the caller's (any, for owners/admins), the
    -- destination any account of the tenant; neither a system account.
    select coalesce(bool_or(a.id = p_from and (v_admin or a.user_id = v_user)), false),
           coalesce(bool_or(a.id = p_to), false),
           (array_agg(a.user_id) filter (where a.id = p_to))[1]
      into v_from_usable, v_to_found, v_to_holder
      from accounts a where a.tenant_id = v_tenant and a.id in (p_from, p_to) and a.system_kind is null;
    if not v_from_usable or not v_to_found then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such account';
    end if;
    if p_category is not null and not exists (select 1 from categories c where c.tenant_id = v_tenant and c.id = p_category) then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such category';
    end if;
    return query select * from app.ledger_post(v_tenant, 'transfer', p_from, p_to, p_amount, p_currency, p_description,
      p_category, p_idempotency_key, null, null, v_admin or coalesce(v_to_holder = v_user, false));
  end
  $$;

-- deposit / withdraw: money entering or leaving the tenant, against its
-- clearing account in that currency (so they are double-entry too). Owners
-- and admins only.
create or replace function app.ledger_external(
  p_kind transfer_kind, p_account uuid, p_amount numeric, p_currency text, p_description text, p_idempotency_key text)
  returns table (transfer_id uuid, replayed boolean)
  language plpgsql volatile
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid := app.ledger_require_tenant();
    v_clearing uuid;
  begin
    if not app.is_tenant_admin() then
      raise exception using errcode = 'P0001', message = 'FORTRESS:FORBIDDEN: Only owners and admins move money in or out';
    end if;
    perform app.ledger_require_amount(p_amount);
    perform app.require_text('currency', p_currency, 3, '^[A-Z]{3}$');
    perform app.ledger_optional_text('description', p_description, 500);
    perform app.ledger_optional_text('idempotencyKey', p_idempotency_key, 200);
    if p_account is null or not exists (select 1 from accounts a where a.tenant_id = v_tenant and a.id = p_account and a.system_kind is null) then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such account';
    end if;
    v_clearing := app.ledger_system_account(v_tenant, 'clearing', p_currency);
    if p_kind = 'deposit' then
      return query select * from app.ledger_post(v_tenant, p_kind, v_clearing, p_account, p_amount, p_currency, p_description,
        null, p_idempotency_key, null, null, true);
    else
      return query select * from app.ledger_post(v_tenant, p_kind, p_account, v_clearing, p_amount, p_currency, p_description,
        null, p_idempotency_key, null, null, true);
    end if;
  end
  $$;

create or replace function app.deposit(p_account uuid, p_amount numeric, p_currency text, p_description text, p_idempotency_key text)
  returns table (transfer_id uuid, replayed boolean)
  language sql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$ select * from app.ledger_external('deposit', p_account, p_amount, p_currency, p_description, p_idempotency_key) $$;

create or replace function app.withdraw(p_account uuid, p_amount numeric, p_currency text, p_description text, p_idempotency_key text)
  returns table (transfer_id uuid, replayed boolean)
  language sql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$ select * from app.ledger_external('withdrawal', p_account, p_amount, p_currency, p_description, p_idempotency_key) $$;

-- ledger_reverse: a counter-journal (to → from, same amount) and the
-- original's entries marked 'reversed'. Internal (no app role executes it):
-- reverse_transfer (owners/admins) and the order functions' refund
-- (sql/functions/orders.sql) call it once they have decided the caller may.
-- Reversing a journal twice, or a reversal, is ALREADY_REVERSED (a unique
-- index backs this under concurrency: both calls lock the same two accounts
-- first, so the second sees the first's reversal). The reversal needs funds
-- like any movement: it never overdraws the account the money returns from
-- (a system account, such as revenue for a refund, has no such limit).
create or replace function app.ledger_reverse(p_tenant uuid, p_transfer uuid, p_reason text)
  returns table (transfer_id uuid, replayed boolean)
  language plpgsql volatile
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_original transfers%rowtype;
    v_result record;
  begin
    select * into v_original from transfers t where t.tenant_id = p_tenant and t.id = p_transfer;
    if not found then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such transfer';
    end if;
    if v_original.kind = 'reversal' then
      raise exception using errcode = 'P0001', message = 'FORTRESS:ALREADY_REVERSED: A reversal cannot be reversed';
    end if;
    -- Lock both accounts (id order) before looking for an earlier reversal.
    perform 1 from accounts a where a.tenant_id = p_tenant and a.id in (v_original.from_account_id, v_original.to_account_id)
      order by a.id for update;
    if exists (select 1 from transfers t where t.tenant_id = p_tenant and t.reverses_transfer_id = p_transfer) then
      raise exception using errcode = 'P0001', message = 'FORTRESS:ALREADY_REVERSED: This transfer was already reversed';
    end if;
    select * into v_result from app.ledger_post(p_tenant, 'reversal', v_original.to_account_id, v_original.from_account_id,
      v_original.amount, v_original.currency, coalesce('Reversal: ' || p_reason, v_original.description), v_original.category_id,
      null, p_transfer, p_reason, true);
    update transactions t set status = 'reversed', updated_at = now()
     where t.tenant_id = p_tenant and t.transfer_id = p_transfer and t.status = 'posted';
    return query select v_result.transfer_id, v_result.replayed;
  end
  $$;

-- reverse_transfer: ledger_reverse for owners and admins of the tenant.
create or replace function app.reverse_transfer(p_transfer uuid, p_reason text)
  returns table (transfer_id uuid, replayed boolean)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid := app.ledger_require_tenant();
  begin
    if not app.is_tenant_admin() then
      raise exception using errcode = 'P0001', message = 'FORTRESS:FORBIDDEN: Only owners and admins reverse transfers';
    end if;
    perform app.require_text('reason', p_reason, 500);
    return query select r.transfer_id, r.replayed from app.ledger_reverse(v_tenant, p_transfer, p_reason) r;
  end
  $$;

-- close_account: only at a zero balance; afterwards no movement in or out
-- (the posting core refuses a closed account; a check constraint keeps its
-- balance at zero). The holder or an owner/admin; system accounts never close.
-- Locks the account, so a concurrent transfer either lands first (and the
-- balance is no longer zero) or finds it closed.
create or replace function app.close_account(p_account uuid)
  returns void
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid := app.ledger_require_tenant();
    v_account accounts%rowtype;
  begin
    select * into v_account from accounts a
     where a.tenant_id = v_tenant and a.id = p_account and a.system_kind is null
       and (a.user_id = app.current_user_id() or app.is_tenant_admin())
       for update;
    if not found then
      raise exception using errcode = 'P0001', message = 'FORTRESS:NOT_FOUND: No such account';
    end if;
    if v_account.status = 'closed' then
      raise exception using errcode = 'P0001', message = 'FORTRESS:ACCOUNT_CLOSED: The account is already closed';
    end if;
    if v_account.balance <> 0 then
      raise exception using errcode = 'P0001', message = 'FORTRESS:BALANCE_NOT_ZERO: Only an account with a zero balance can be closed';
    end if;
    update accounts a set status = 'closed', closed_at = now(), updated_at = now() where a.tenant_id = v_tenant and a.id = p_account;
    insert into events_outbox (tenant_id, aggregate, aggregate_id, event_type, payload)
    values (v_tenant, 'account', p_account, 'AccountClosed', jsonb_build_object('accountId', p_account));
  end
  $$;

-- Named grants (rule 3). The internal helpers are executable by no app role.
revoke all on function app.ledger_require_amount(numeric), app.ledger_require_tenant(),
  app.ledger_system_account(uuid, system_account_kind, text),
  app.ledger_post(uuid, transfer_kind, uuid, uuid, numeric, text, text, uuid, text, uuid, text, boolean),
  app.ledger_optional_text(text, text, integer),
  app.ledger_external(transfer_kind, uuid, numeric, text, text, text),
  app.ledger_reverse(uuid, uuid, text),
  app.post_transfer(uuid, uuid, numeric, text, text, uuid, text),
  app.deposit(uuid, numeric, text, text, text), app.withdraw(uuid, numeric, text, text, text),
  app.reverse_transfer(uuid, text), app.close_account(uuid)
  from public, fortress_authenticator, fortress_anonymous, fortress_user, fortress_partner, fortress_support;
grant execute on function app.post_transfer(uuid, uuid, numeric, text, text, uuid, text),
  app.deposit(uuid, numeric, text, text, text), app.withdraw(uuid, numeric, text, text, text),
  app.reverse_transfer(uuid, text), app.close_account(uuid)
  to fortress_user;

comment on function app.post_transfer(uuid, uuid, numeric, text, text, uuid, text) is 'Moves money between two accounts of the current tenant (members: from their own). Returns the journal id and whether it was an idempotent replay.';
comment on function app.deposit(uuid, numeric, text, text, text) is 'Money entering the tenant: clearing → account. Owners/admins.';
comment on function app.withdraw(uuid, numeric, text, text, text) is 'Money leaving the tenant: account → clearing. Owners/admins.';
comment on function app.reverse_transfer(uuid, text) is 'Posts the counter-journal of a journal and marks its entries reversed. Owners/admins.';
comment on function app.close_account(uuid) is 'Closes an account at zero balance (holder or owner/admin).';
