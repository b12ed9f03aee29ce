import { builder } from './builder.js';
import { DOC } from './docs.js';

/** A row of support.audit_logs (sql/support/views.sql). */
export interface MaskedAuditLogRow {
  id: string;
  entity: string;
  entity_id: string | null;
  action: string;
  created_at: Date;
  actor_initials: string | null;
  changed_fields: string[];
}

export const MaskedAuditLog = builder.objectRef<MaskedAuditLogRow>('MaskedAuditLog').implement({
  description: 'An audit entry as support staff see it: what happened to which row and when, the actor as initials, and only the names of the fields it touched (never their values).',
  fields: (t) => ({
    rowId: t.field({ type: 'UUID', description: DOC.rowId, resolve: (r) => r.id }),
    entity: t.string({ description: 'Kind of the row acted on, e.g. `account`, `session`.', resolve: (r) => r.entity }),
    entityId: t.field({ type: 'UUID', nullable: true, description: 'The row acted on; null when none.', resolve: (r) => r.entity_id }),
    action: t.string({ description: 'What happened, e.g. `create`, `update`, `login`.', resolve: (r) => r.action }),
    createdAt: t.field({ type: 'DateTime', description: 'When it happened.', resolve: (r) => r.created_at }),
    actorInitials: t.string({ nullable: true, description: "Initials of the user who did it; null when unknown or without a name.", resolve: (r) => r.actor_initials }),
    changedFields: t.stringList({ description: 'Names of the fields the entry records (for an update, the changed columns); no values.', resolve: (r) => r.changed_fields }),
  }),
});
