import { builder } from './builder.js';
import { DOC } from './docs.js';

/** A row of support.accounts (sql/support/views.sql). */
export interface MaskedAccountRow {
  id: string;
  user_id: string | null;
  type: string;
  currency: string;
  balance: string;
  status: string;
  name: string;
  is_system: boolean;
  created_at: Date;
  closed_at: Date | null;
}

export const MaskedAccount = builder.objectRef<MaskedAccountRow>('MaskedAccount').implement({
  description: 'An account as support staff see it: type, currency, balance and status; no external numbers or metadata, the name masked.',
  fields: (t) => ({
    rowId: t.field({ type: 'UUID', description: DOC.rowId, resolve: (r) => r.id }),
    userId: t.field({ type: 'UUID', nullable: true, description: "The holder (`MaskedUser.rowId`); null for the tenant's own accounts.", resolve: (r) => r.user_id }),
    type: t.string({ description: 'Kind of account: `wallet`, `bank`, `credit`, `savings` or `corporate`.', resolve: (r) => r.type }),
    currency: t.string({ description: 'ISO 4217 code.', resolve: (r) => r.currency }),
    balance: t.field({ type: 'Decimal', description: 'Current balance (exact, a Decimal string).', resolve: (r) => r.balance }),
    status: t.string({ description: '`open` or `closed`.', resolve: (r) => r.status }),
    name: t.string({ description: 'Masked: the first character of the name and `***`.', resolve: (r) => r.name }),
    isSystem: t.boolean({ description: "True for the ledger's own accounts (clearing, revenue).", resolve: (r) => r.is_system }),
    createdAt: t.field({ type: 'DateTime', description: DOC.createdAt, resolve: (r) => r.created_at }),
    closedAt: t.field({ type: 'DateTime', nullable: true, description: 'When it was closed; null while open.', resolve: (r) => r.closed_at }),
  }),
});
