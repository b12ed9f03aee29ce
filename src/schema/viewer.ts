import { builder } from './builder.js';
import { TenantRoleEnum } from './tenantMembership.js';

interface ViewerShape {
  userId: string;
  tenantId: string;
}

export const Viewer = builder.objectRef<ViewerShape>('Viewer').implement({
  description: 'The signed-in user of this request and their tenant.',
  fields: (t) => ({
    user: t.prismaField({
      type: 'User',
      nullable: true,
      description: 'The signed-in user; null when they can no longer be read (e.g. removed from the tenant).',
      resolve: (query, v, _args, ctx) => ctx.db.user.findUnique({ ...query, where: { id: v.userId } }),
    }),
    tenant: t.prismaField({
      type: 'Tenant',
      nullable: true,
      description: 'Their tenant; null when they are no longer a member of it.',
      resolve: (query, v, _args, ctx) => ctx.db.tenant.findUnique({ ...query, where: { id: v.tenantId } }),
    }),
    role: t.field({
      type: TenantRoleEnum,
      nullable: true,
      description: 'Role in the tenant as the database sees it now (not as the token claimed).',
      resolve: async (v, _args, ctx) =>
        (await ctx.db.tenantMembership.findUnique({ where: { tenantId_userId: { tenantId: v.tenantId, userId: v.userId } } }))
          ?.role ?? null,
    }),
    sessions: t.prismaConnection({
      type: 'Session',
      cursor: 'id',
      description: 'Their sessions, most recently used first, revoked and expired ones included.',
      totalCount: (v, _args, ctx) => ctx.db.session.count({ where: { userId: v.userId } }),
      resolve: (query, v, _args, ctx) =>
        ctx.db.session.findMany({ ...query, where: { userId: v.userId }, orderBy: [{ lastUsedAt: 'desc' }, { id: 'desc' }] }),
    }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: Viewer,
    nullable: true,
    description: 'Null without a valid access token. Open to anonymous callers, so a client can ask whether it is signed in.',
    // Open to anonymous callers (src/yoga.ts useSignInRequired); every other root field needs sign-in.
    skipTypeScopes: true,
    extensions: { public: true },
    resolve: (_root, _args, ctx) =>
      ctx.viewer.kind === 'user' ? { userId: ctx.viewer.userId, tenantId: ctx.viewer.tenantId } : null,
  }),
);
