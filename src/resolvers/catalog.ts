import type { Db } from '../db/request.js';
import type { UserViewer } from '../context.js';
import { badInput } from '../errors.js';
import { recordChange } from './audit.js';

/** Owners/admins only: the categories policy rejects members (FORBIDDEN). */
export async function createCategory(db: Db, viewer: UserViewer, input: { name: string; parentId?: string | null }) {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 100) throw badInput('name must be 1 to 100 characters', 'name');
  const category = await db.category.create({
    data: { tenantId: viewer.tenantId, name, parentId: input.parentId ?? null },
    select: { id: true },
  });
  await recordChange(db, viewer, {
    entity: 'category',
    entityId: category.id,
    action: 'create',
    eventType: 'category.created',
    diff: { name, parentId: input.parentId ?? null },
  });
  return category;
}
