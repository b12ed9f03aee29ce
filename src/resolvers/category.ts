// Categories of the tenant's catalogue and ledger.
import type { Db } from '../db/request.js';
import type { UserViewer } from '../context.js';
import { recordChange } from './audit.js';

/**
 * Owners/admins only: the schema says so (authScopes: admin) and the
 * categories policy enforces it. The name comes validated by CreateCategoryInput.
 */
export async function createCategory(db: Db, viewer: UserViewer, input: { name: string; parentId?: string | null }) {
  const { name } = input;
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
