// Audit and outbox rows are written in the same transaction as the change
// they describe, so they commit or roll back with it. createMany issues no
// RETURNING: members may write audit rows they are not allowed to read back.
import type { Prisma } from '../generated/prisma/client.js';
import type { Db } from '../db/request.js';
import type { UserViewer } from '../context.js';

export async function recordChange(
  db: Db,
  viewer: UserViewer,
  change: { entity: string; entityId: string; action: string; diff: Prisma.InputJsonValue; eventType: string },
) {
  await db.auditLog.createMany({
    data: [{ tenantId: viewer.tenantId, userId: viewer.userId, entity: change.entity, entityId: change.entityId, action: change.action, diff: change.diff }],
  });
  await db.eventOutbox.createMany({
    data: [{ tenantId: viewer.tenantId, aggregate: change.entity, aggregateId: change.entityId, eventType: change.eventType, payload: change.diff }],
  });
}
