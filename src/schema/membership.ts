import { TenantRole } from '../generated/prisma/enums.js';
import { builder } from './builder.js';

export const TenantRoleEnum = builder.enumType(TenantRole, { name: 'TenantRole' });

builder.prismaObject('TenantMembership', {
  fields: (t) => ({
    role: t.expose('role', { type: TenantRoleEnum }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    // Null when RLS hides the user row (members see only themselves).
    user: t.relation('user', { nullable: true }),
  }),
});

builder.queryField('memberships', (t) =>
  t.prismaConnection({
    type: 'TenantMembership',
    cursor: 'tenantId_userId',
    description: 'Who holds which role in the current tenant.',
    resolve: (query, _root, _args, ctx) =>
      ctx.db.tenantMembership.findMany({ ...query, orderBy: [{ tenantId: 'asc' }, { userId: 'asc' }] }),
  }),
);
