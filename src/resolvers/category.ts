// Categories of the tenant's catalogue and ledger.
import type { Db } from '../db/request.js';
import type { UserViewer } from '../context.js';
import { recordEvent } from './audit.js';

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
  await recordEvent(db, viewer, {
    aggregate: 'category',
    aggregateId: category.id,
    eventType: 'CategoryCreated',
    payload: { name, parentId: input.parentId ?? null },
  });
  return category;
}

/** Owners/admins only (authScopes + the update_admin policy); a row the caller cannot update is NOT_FOUND. */
export async function renameCategory(db: Db, viewer: UserViewer, input: { rowId: string; name: string }) {
  const category = await db.category.update({ where: { id: input.rowId }, data: { name: input.name }, select: { id: true } });
  await recordEvent(db, viewer, {
    aggregate: 'category',
    aggregateId: category.id,
    eventType: 'CategoryRenamed',
    payload: { name: input.name },
  });
  return category;
}

/**
 * Moves a category (and its subtree) under `parentId`, or to the top with
 * null. A move under itself or one of its subcategories is refused by the
 * categories_refuse_cycle trigger (sql/functions/category.sql) as
 * CATEGORY_CYCLE; the check lives there so every writer gets it, under a
 * per-tenant lock so two concurrent moves cannot build a cycle together.
 */
export async function moveCategory(db: Db, viewer: UserViewer, input: { rowId: string; parentId?: string | null }) {
  const parentId = input.parentId ?? null;
  const category = await db.category.update({ where: { id: input.rowId }, data: { parentId }, select: { id: true } });
  await recordEvent(db, viewer, {
    aggregate: 'category',
    aggregateId: category.id,
    eventType: 'CategoryMoved',
    payload: { parentId },
  });
  return category;
}
