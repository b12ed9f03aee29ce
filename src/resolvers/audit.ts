// Audit and outbox rows are written in the same request transaction as the change
// they describe, so they commit or roll back with it. createMany issues no
// RETURNING: members may write audit rows they are not allowed to read back.
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

/** An audit entry plus the outbox event announcing the change. */
export async function recordChange(db: Db, viewer: UserViewer, change: AuditEntry & { entityId: string; eventType: string }) {
  const { eventType, ...entry } = change;
  await recordAudit(db, viewer, entry);
  await db.outboxEvent.createMany({
    data: [{ tenantId: viewer.tenantId, aggregate: change.entity, aggregateId: change.entityId, eventType, payload: change.diff }],
  });
}
