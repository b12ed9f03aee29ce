// Reconciliation through the API: `reconcileBalances` (owners/admins, their
// own tenant, through RLS and app.reconcile_balances / app.unbalanced_journals
// in sql/functions/reconcile.sql). `npm run reconcile` is the same for every
// tenant, as the owner.
import { builder } from './builder.js';
import { DOC } from './docs.js';
import { requireUser } from '../context.js';
import { reconcileBalances, type AccountReconciliation, type UnbalancedJournal } from '../resolvers/ledger.js';

const AccountReconciliationRef = builder.objectRef<AccountReconciliation>('AccountReconciliation').implement({
  description:
    "One account of the tenant as reconciliation found it: its recorded balance against the signed sum of its POSTED and REVERSED entries (CREDIT +amount, every other type -amount).",
  fields: (t) => ({
    accountId: t.expose('accountId', { type: 'UUID', description: 'The account (`Account.rowId`).' }),
    currency: t.expose('currency', { type: 'Currency', description: "The account's currency (ISO 4217)." }),
    recordedBalance: t.field({ type: 'Decimal', description: 'The balance the account held when reconciliation ran (before any repair).', resolve: (r) => r.recordedBalance }),
    entriesBalance: t.field({ type: 'Decimal', description: 'The balance recomputed from its entries.', resolve: (r) => r.entriesBalance }),
    drift: t.field({ type: 'Decimal', description: '`recordedBalance - entriesBalance`; 0 when they agree.', resolve: (r) => r.drift }),
    repaired: t.exposeBoolean('repaired', {
      description:
        "True when this call set the balance to `entriesBalance` (with `repair: true`; audited, announced as BalancesReconciled). False for a drift left in place: report-only, or a value the account's limits refuse.",
    }),
  }),
});

const UnbalancedJournalRef = builder.objectRef<UnbalancedJournal>('UnbalancedJournal').implement({
  description: 'A journal (transfer) whose entries do not sum to zero, or that has none. Never repaired automatically.',
  fields: (t) => ({
    transferId: t.expose('transferId', { type: 'UUID', description: 'The journal (`Transfer.rowId`).' }),
    entryCount: t.exposeInt('entryCount', { description: 'How many entries it has (2 for a sound journal).' }),
    entriesSum: t.field({ type: 'Decimal', description: 'The signed sum of its entries (0 for a sound journal).', resolve: (r) => r.entriesSum }),
  }),
});

const ReconcileBalancesInput = builder.inputType('ReconcileBalancesInput', {
  description: 'What `reconcileBalances` does besides reporting.',
  fields: (t) => ({
    repair: t.boolean({
      required: false,
      description: 'Set each drifted balance to the sum of its entries (default false: report only). Idempotent: a second run finds nothing to repair.',
    }),
  }),
});

const ReconcileBalancesPayload = builder
  .objectRef<{ accounts: AccountReconciliation[]; unbalancedJournals: UnbalancedJournal[] }>('ReconcileBalancesPayload')
  .implement({
    description: 'Result of `reconcileBalances`.',
    fields: (t) => ({
      accounts: t.field({ type: [AccountReconciliationRef], description: "Every account of the viewer's tenant, system accounts included, by id.", resolve: (p) => p.accounts }),
      driftCount: t.int({ description: 'How many accounts drifted (repaired or not).', resolve: (p) => p.accounts.filter((a) => a.drift !== '0').length }),
      unbalancedJournals: t.field({
        type: [UnbalancedJournalRef],
        description: "The tenant's journals whose entries do not sum to zero; empty when the ledger is sound.",
        resolve: (p) => p.unbalancedJournals,
      }),
    }),
  });

builder.mutationFields((t) => ({
  reconcileBalances: t.field({
    type: ReconcileBalancesPayload,
    description: `Recomputes every balance of the viewer's tenant from its entries, reports the drift per account and, with \`repair: true\`, sets drifted balances to the recomputed value (one audit entry and one BalancesReconciled outbox event per repaired account, in this request's transaction); also lists journals whose entries do not sum to zero. \`npm run reconcile\` does the same for every tenant. ${DOC.adminOnly}`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: ReconcileBalancesInput, required: false, description: 'Whether to repair (default: report only).' }) },
    resolve: (_root, { input }, ctx) => reconcileBalances(ctx.db, requireUser(ctx), { repair: input?.repair ?? false }),
  }),
}));
