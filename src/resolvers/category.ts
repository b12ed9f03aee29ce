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

/**
 * Deletes a category through app.delete_category (sql/functions/category.sql):
 * owners/admins only (authScopes + the function's own check); entries,
 * journals and products that referred to it become uncategorised (metadata
 * only: amounts and balances are never touched; the triggers audit each
 * cleared entry and journal, and the category's delete); a category with
 * subcategories is IN_USE; one the caller cannot see is NOT_FOUND.
 */
export async function deleteCategory(db: Db, viewer: UserViewer, input: { rowId: string }) {
  const [row] = await db.$queryRaw<
    { category_name: string; category_parent_id: string | null; entries_cleared: number; transfers_cleared: number; products_cleared: number }[]
  >`select * from app.delete_category(${input.rowId}::uuid)`;
  const deleted = {
    id: input.rowId,
    name: row!.category_name,
    parentId: row!.category_parent_id,
    entriesCleared: row!.entries_cleared,
    transfersCleared: row!.transfers_cleared,
    productsCleared: row!.products_cleared,
  };
  await recordEvent(db, viewer, {
    aggregate: 'category',
    aggregateId: deleted.id,
    eventType: 'CategoryDeleted',
    payload: {
      name: deleted.name,
      parentId: deleted.parentId,
      entriesCleared: deleted.entriesCleared,
      transfersCleared: deleted.transfersCleared,
      productsCleared: deleted.productsCleared,
    },
  });
  return deleted;
}
