import { queryFromInfo } from '@pothos/plugin-prisma';
import { TenantRole } from '../generated/prisma/enums.js';
import type { TenantMembership } from '../generated/prisma/client.js';
import { builder } from './builder.js';
import { requireUser } from '../context.js';
import { updateMemberRole } from '../resolvers/tenantMembership.js';

export const TenantRoleEnum = builder.enumType(TenantRole, { name: 'TenantRole' });

const TenantMembershipObject = builder.prismaObject('TenantMembership', {
  fields: (t) => ({
    role: t.expose('role', { type: TenantRoleEnum }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    // Null when RLS hides the user row (members see only themselves).
    user: t.relation('user', { nullable: true }),
  }),
});

builder.queryField('tenantMemberships', (t) =>
  t.prismaConnection({
    type: 'TenantMembership',
    cursor: 'tenantId_userId',
    description: 'Who holds which role in the current tenant.',
    resolve: (query, _root, _args, ctx) =>
      ctx.db.tenantMembership.findMany({ ...query, orderBy: [{ tenantId: 'asc' }, { userId: 'asc' }] }),
  }),
);

const UpdateMemberRoleInput = builder.inputType('UpdateMemberRoleInput', {
  fields: (t) => ({
    userId: t.field({ type: 'UUID', required: true }),
    role: t.field({ type: TenantRoleEnum, required: true }),
  }),
});

const UpdateMemberRolePayload = builder.objectRef<{ tenantMembership: TenantMembership }>('UpdateMemberRolePayload').implement({
  fields: (t) => ({ tenantMembership: t.expose('tenantMembership', { type: TenantMembershipObject }) }),
});

builder.mutationField('updateMemberRole', (t) =>
  t.field({
    type: UpdateMemberRolePayload,
    description: 'Owners/admins change roles; only owners grant or revoke owner; the last owner stays.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateMemberRoleInput, required: true }) },
    resolve: async (_root, { input }, ctx, info) => {
      const viewer = requireUser(ctx);
      await updateMemberRole(ctx.db, viewer, input);
      const query = queryFromInfo({ context: ctx, info, path: ['tenantMembership'] });
      const where = { tenantId_userId: { tenantId: viewer.tenantId, userId: input.userId } };
      return { tenantMembership: await ctx.db.tenantMembership.findUniqueOrThrow({ ...query, where }) };
    },
  }),
);
