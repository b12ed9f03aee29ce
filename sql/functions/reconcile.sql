-- Reconciliation: recompute every balance from the ledger's entries, report
-- the drift per account, optionally repair it, and check that every journal
-- sums to zero. The ledger keeps accounts.balance equal to the signed sum of
-- the account's posted and reversed entries (credit +amount, every other type
-- -amount; sql/functions/ledger.sql); a balance drifts only when something
-- bypassed the ledger (a restored backup, a manual SQL fix as the owner).
--
-- The rules of sql/functions/auth.sql's header apply:
-- - app.ledger_reconcile and app.ledger_unbalanced_journals are the cores,
--   executable by no app role: the owner calls them for every tenant
--   (`npm run reconcile`, p_tenant null) through its owner_maintenance
--   policies; app.reconcile_balances and app.unbalanced_journals are the
--   security definer entry points for fortress_user, and re-apply the
--   tenant (app.current_tenant_id(), null unless the caller is a member) and
--   the caller's role (owners/admins only: FORBIDDEN otherwise) themselves.
-- - Reporting is one statement (one snapshot), so it sees each balance with
--   exactly the entries committed with it and takes no locks: a posting
--   running concurrently never shows up as drift. Repairing locks the
--   drifted accounts in id order (as the posting functions do) and
--   recomputes them under the lock before writing.
-- - A repair sets balance = the recomputed value and writes, per account
--   and in the same transaction, an audit entry (action 'reconcile', the old
--   and new balance) and an outbox event BalancesReconciled. Running it
--   again finds no drift and writes nothing (idempotent). A recomputed
--   balance the account's constraints refuse (below -credit_limit for a
--   non-system account, non-zero on a closed account) is not written: that
--   row stays repaired = false, for a human to look at.

-- Every account of the tenant (all tenants when p_tenant is null): its
-- recorded balance, the balance from its entries, the drift (recorded minus
-- entries) and whether this call repaired it. p_actor: the user written to
-- the audit entries (null for the owner's job).
create or replace function app.ledger_reconcile(p_tenant uuid, p_repair boolean, p_actor uuid)
  returns table (tenant_id uuid, account_id uuid, currency text, recorded_balance numeric, entries_balance numeric,
                 drift numeric, repaired boolean)
  language plpgsql volatile
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_row record;
    v_account accounts%rowtype;
    v_entries numeric;
    v_repaired uuid[] := '{}';
    v_previous numeric[] := '{}';
  begin
    if coalesce(p_repair, false) then
      for v_row in
        select a.id from accounts a
         where (p_tenant is null or a.tenant_id = p_tenant)
           and a.balance <> (select coalesce(sum(case when t.type = 'credit' then t.amount else -t.amount end), 0)
                               from transactions t
                              where t.tenant_id = a.tenant_id and t.account_id = a.id and t.status in ('posted', 'reversed'))
         order by a.id
      loop
        -- Lock, then recompute: a posting that committed meanwhile moved both.
        select * into v_account from accounts a where a.id = v_row.id for update;
        select coalesce(sum(case when t.type = 'credit' then t.amount else -t.amount end), 0) into v_entries
          from transactions t
         where t.tenant_id = v_account.tenant_id and t.account_id = v_account.id and t.status in ('posted', 'reversed');
        continue when v_entries = v_account.balance;
        continue when v_account.system_kind is null and v_entries < -v_account.credit_limit;
        continue when v_account.status = 'closed' and v_entries <> 0;
        update accounts a set balance = v_entries, updated_at = now() where a.id = v_account.id;
        insert into audit_logs (tenant_id, user_id, entity, entity_id, action, diff)
        values (v_account.tenant_id, p_actor, 'account', v_account.id, 'reconcile',
                jsonb_build_object('balance', jsonb_build_object('from', v_account.balance::text, 'to', v_entries::text),
                                   'drift', (v_account.balance - v_entries)::text));
        insert into events_outbox (tenant_id, aggregate, aggregate_id, event_type, payload)
        values (v_account.tenant_id, 'account', v_account.id, 'BalancesReconciled',
                jsonb_build_object('accountId', v_account.id, 'currency', v_account.currency,
                                   'previousBalance', v_account.balance::text, 'balance', v_entries::text,
                                   'drift', (v_account.balance - v_entries)::text));
        v_repaired := v_repaired || v_account.id;
        v_previous := v_previous || v_account.balance;
      end loop;
    end if;
    -- The report: one statement, one snapshot. A repaired account shows the
    -- drift it had (recorded = the balance before the repair).
    return query
      select a.tenant_id, a.id, a.currency::text, coalesce(r.previous, a.balance), e.total,
             coalesce(r.previous, a.balance) - e.total, r.id is not null
        from accounts a
        cross join lateral (
          select coalesce(sum(case when t.type = 'credit' then t.amount else -t.amount end), 0) as total
            from transactions t
           where t.tenant_id = a.tenant_id and t.account_id = a.id and t.status in ('posted', 'reversed')) e
        left join unnest(v_repaired, v_previous) as r(id, previous) on r.id = a.id
       where p_tenant is null or a.tenant_id = p_tenant
       order by a.tenant_id, a.id;
  end
  $$;

-- Journals of the tenant (all tenants when p_tenant is null) whose entries do
-- not sum to zero, or that have no entries at all.
create or replace function app.ledger_unbalanced_journals(p_tenant uuid)
  returns table (tenant_id uuid, transfer_id uuid, entry_count integer, entries_sum numeric)
  language sql stable
  set search_path = pg_catalog, public, pg_temp
  as $$
    select j.tenant_id, j.id, count(t.id)::integer,
           coalesce(sum(case when t.type = 'credit' then t.amount else -t.amount end), 0)
      from transfers j
      left join transactions t on t.tenant_id = j.tenant_id and t.transfer_id = j.id
     where p_tenant is null or j.tenant_id = p_tenant
     group by j.tenant_id, j.id
    having count(t.id) = 0 or sum(case when t.type = 'credit' then t.amount else -t.amount end) <> 0
     order by j.tenant_id, j.id
  $$;

-- The tenant's admin: the current tenant, or FORBIDDEN for members and
-- everyone else.
create or replace function app.reconcile_require_admin() returns uuid
  language plpgsql stable
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid := app.ledger_require_tenant();
  begin
    if not app.is_tenant_admin() then
      raise exception using errcode = 'P0001', message = 'FORTRESS:FORBIDDEN: Only owners and admins reconcile balances';
    end if;
    return v_tenant;
  end
  $$;

create or replace function app.reconcile_balances(p_repair boolean)
  returns table (account_id uuid, currency text, recorded_balance numeric, entries_balance numeric, drift numeric, repaired boolean)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid := app.reconcile_require_admin();
  begin
    return query
      select r.account_id, r.currency, r.recorded_balance, r.entries_balance, r.drift, r.repaired
        from app.ledger_reconcile(v_tenant, coalesce(p_repair, false), app.current_user_id()) r;
  end
  $$;

create or replace function app.unbalanced_journals()
  returns table (transfer_id uuid, entry_count integer, entries_sum numeric)
  language plpgsql stable security definer
  set search_path = pg_catalog, public, pg_temp
  as $$
  declare
    v_tenant uuid := app.reconcile_require_admin();
  begin
    return query select j.transfer_id, j.entry_count, j.entries_sum from app.ledger_unbalanced_journals(v_tenant) j;
  end
  $$;

-- Named grants (rule 3). The cores and the helper are for the owner only.
revoke all on function app.ledger_reconcile(uuid, boolean, uuid), app.ledger_unbalanced_journals(uuid),
  app.reconcile_require_admin(), app.reconcile_balances(boolean), app.unbalanced_journals()
  from public, fortress_authenticator, fortress_anonymous, fortress_user, fortress_partner, fortress_support;
grant execute on function app.reconcile_balances(boolean), app.unbalanced_journals() to fortress_user;

comment on function app.ledger_reconcile(uuid, boolean, uuid) is 'Owner only: each account''s recorded balance against the signed sum of its posted and reversed entries, for one tenant or all (null); with p_repair, sets drifted balances to that sum (audited, BalancesReconciled event).';
comment on function app.ledger_unbalanced_journals(uuid) is 'Owner only: journals whose entries do not sum to zero (or have none), for one tenant or all (null).';
comment on function app.reconcile_balances(boolean) is 'Owners/admins: reconciles the current tenant''s balances (see app.ledger_reconcile); repairs with p_repair.';
comment on function app.unbalanced_journals() is 'Owners/admins: the current tenant''s journals whose entries do not sum to zero.';
