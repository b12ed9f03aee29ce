// Member administration: owners and admins add users to their tenant and
// change roles. The schema declares the coarse rule (authScopes: admin); the
// tenant_memberships policies and the keep_an_owner trigger enforce it, and
// the owner-only rules are checked here for clear errors.
import type { Db } from '../db/request.js';
import type { UserViewer } from '../context.js';
import type { TenantRole } from '../auth/tokens.js';
import { assertPasswordPolicy, hashPassword } from '../auth/passwords.js';
import { forbidden, notFound } from '../errors.js';
import { recordAudit } from './audit.js';

/** Validated by CreateUserInput: email trimmed and in lower case. */
export interface CreateUserInput {
  email: string;
  displayName?: string | null;
  role: TenantRole;
  password: string;
}

/** Owners/admins add a user to their tenant (RLS rejects members: FORBIDDEN). Only owners create owners. */
export async function createUser(db: Db, viewer: UserViewer, input: CreateUserInput) {
  const { email } = input;
  if (input.role === 'owner') await requireOwner(db, viewer);
  assertPasswordPolicy(input.password, email);
  const user = await db.user.create({
    data: { tenantId: viewer.tenantId, email, displayName: input.displayName ?? null, passwordHash: await hashPassword(input.password) },
    select: { id: true },
  });
  await db.tenantMembership.create({ data: { tenantId: viewer.tenantId, userId: user.id, role: input.role }, select: { userId: true } });
  await recordAudit(db, viewer, { entity: 'user', entityId: user.id, action: 'create', diff: { email, role: input.role } });
  return user;
}

async function requireOwner(db: Db, viewer: UserViewer) {
  const me = await db.tenantMembership.findUnique({ where: { tenantId_userId: { tenantId: viewer.tenantId, userId: viewer.userId } } });
  if (me?.role !== 'owner') throw forbidden('Only an owner can grant or revoke the owner role');
}

export async function updateMemberRole(db: Db, viewer: UserViewer, input: { userId: string; role: TenantRole }) {
  const target = await db.tenantMembership.findUnique({ where: { tenantId_userId: { tenantId: viewer.tenantId, userId: input.userId } } });
  if (!target) throw notFound('No such member');
  if (input.role === 'owner' || target.role === 'owner') await requireOwner(db, viewer);
  if (target.role === 'owner' && input.role !== 'owner') {
    // Also enforced (race-free) by the keep_an_owner trigger; checked here for a clear message.
    const owners = await db.tenantMembership.count({ where: { tenantId: viewer.tenantId, role: 'owner' } });
    if (owners <= 1) throw forbidden('The last owner cannot be demoted');
  }
  const { count } = await db.tenantMembership.updateMany({
    where: { tenantId: viewer.tenantId, userId: input.userId },
    data: { role: input.role, updatedAt: new Date() },
  });
  // RLS filters the update to nothing when the caller is not an owner/admin.
  if (count === 0) throw forbidden('Only owners and admins change roles');
  await recordAudit(db, viewer, { entity: 'user', entityId: input.userId, action: 'role_change', diff: { from: target.role, to: input.role } });
  return input.userId;
}
