import { queryFromInfo } from '@pothos/plugin-prisma';
import { TenantRole } from '../generated/prisma/enums.js';
import type { TenantMembership } from '../generated/prisma/client.js';
import { builder, prismaEnumType } from './builder.js';
import { DOC } from './docs.js';
import { requireUser } from '../context.js';
import { updateMemberRole } from '../resolvers/tenantMembership.js';

export const TenantRoleEnum = prismaEnumType('TenantRole', TenantRole, "A user's role in their tenant: it decides what row-level security lets them see and change.", {
  owner: 'Everything an admin may do, and granting or revoking OWNER. A tenant always keeps at least one.',
  admin: "Manages users and roles (below OWNER) and the catalogue; sees all of the tenant's accounts, ledger, receipts, carts, orders, sign-in attempts, audit trail and outbox.",
  member: "Sees and changes their own accounts, ledger entries, receipts, carts and orders; reads the catalogue.",
});

const TenantMembershipObject = builder.prismaObject('TenantMembership', {
  description: "A user's role in the tenant. Every user of the tenant sees every membership.",
  fields: (t) => ({
    role: t.expose('role', { type: TenantRoleEnum, description: 'Their role.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When they joined the tenant.' }),
    // Null when RLS hides the user row (members see only themselves).
    user: t.relation('user', { nullable: true, description: 'The user; null when the viewer may not see them (members see only themselves).' }),
  }),
});

builder.queryField('tenantMemberships', (t) =>
  t.prismaConnection({
    type: 'TenantMembership',
    cursor: 'tenantId_userId',
    description: 'Who holds which role in the tenant, by user id. Every user of the tenant sees all memberships.',
    totalCount: (_root, _args, ctx) => ctx.db.tenantMembership.count(),
    resolve: (query, _root, _args, ctx) =>
      ctx.db.tenantMembership.findMany({ ...query, orderBy: [{ tenantId: 'asc' }, { userId: 'asc' }] }),
  }),
);

const UpdateMemberRoleInput = builder.inputType('UpdateMemberRoleInput', {
  description: 'Whose role `updateMemberRole` changes, and to what.',
  fields: (t) => ({
    userId: t.field({ type: 'UUID', required: true, description: 'The member (`User.rowId`). NOT_FOUND when they are not a member of the tenant.' }),
    role: t.field({ type: TenantRoleEnum, required: true, description: 'Their new role.' }),
  }),
});

const UpdateMemberRolePayload = builder.objectRef<{ tenantMembership: TenantMembership }>('UpdateMemberRolePayload').implement({
  description: 'Result of `updateMemberRole`.',
  fields: (t) => ({ tenantMembership: t.expose('tenantMembership', { type: TenantMembershipObject, description: 'The membership after the change.' }) }),
});

builder.mutationField('updateMemberRole', (t) =>
  t.field({
    type: UpdateMemberRolePayload,
    description: `Changes a member's role. ${DOC.adminOnly} Only owners grant or revoke OWNER, and the last owner cannot be demoted (both FORBIDDEN). Audited.`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateMemberRoleInput, required: true, description: 'The member and their new role.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const viewer = requireUser(ctx);
      await updateMemberRole(ctx.db, viewer, input);
      const query = queryFromInfo({ context: ctx, info, path: ['tenantMembership'] });
      const where = { tenantId_userId: { tenantId: viewer.tenantId, userId: input.userId } };
      return { tenantMembership: await ctx.db.tenantMembership.findUniqueOrThrow({ ...query, where }) };
    },
  }),
);
