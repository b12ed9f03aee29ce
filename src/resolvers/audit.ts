// Audit and outbox rows are written in the same request transaction as the change
// they describe, so they commit or roll back with it. createMany issues no
// RETURNING: members may write audit rows they are not allowed to read back.
// Changes to the finance tables (accounts, journals, entries, categories,
// merchants, receipts) are audited by triggers (sql/functions/audit.sql);
// recordAudit is for what is not a row change there (sign-in, roles).
import type { Prisma } from '../generated/prisma/client.js';
import type { Db } from '../db/request.js';
import type { UserViewer } from '../context.js';

interface AuditEntry {
  entity: string;
  entityId: string | null;
  action: string;
  diff: Prisma.InputJsonValue;
}

/** One audit_logs row, the viewer as the actor. */
export async function recordAudit(db: Db, viewer: UserViewer, entry: AuditEntry) {
  await db.auditLog.createMany({ data: [{ tenantId: viewer.tenantId, userId: viewer.userId, ...entry }] });
}

interface OutboxEntry {
  /** Kind of the row that changed (`account`, `category`, …). */
  aggregate: string;
  aggregateId: string;
  /** PascalCase `<Aggregate><PastTense>`, e.g. `AccountOpened` (a check constraint enforces the shape). */
  eventType: string;
  payload: Prisma.InputJsonValue;
}

/** The outbox event announcing a change, in the viewer's tenant (schema version 1). */
export async function recordEvent(db: Db, viewer: UserViewer, event: OutboxEntry) {
  await db.outboxEvent.createMany({ data: [{ tenantId: viewer.tenantId, ...event }] });
}
