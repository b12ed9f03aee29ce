// Support access grants (issue 12): a tenant's owners/admins let support
// staff read its masked views for a while, and revoke that at once. Logic in
// src/resolvers/support.ts; policies in sql/rls/support_grants.sql.
import { z } from 'zod';
import { builder } from './builder.js';
import { DOC } from './docs.js';
import { LENGTH, RULES } from './limits.js';
import { grantSupportAccess, MAX_GRANT_HOURS, revokeSupportAccess } from '../resolvers/support.js';

builder.prismaObject('SupportGrant', {
  description:
    "A tenant's permission for support staff (one, or any) to read its masked views (`support`), with a reason, for at most 7 days. Owners/admins only.",
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    staffId: t.expose('staffId', { type: 'UUID', nullable: true, description: 'The one support staff member it lets in; null: any of them.' }),
    reason: t.exposeString('reason', { description: 'Why support needs access, as the granting admin wrote it.' }),
    createdBy: t.expose('createdBy', { type: 'UUID', description: 'The owner/admin who granted it (`User.rowId`).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was granted.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When it stops letting support in (at most 7 days after `createdAt`).' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'When it was revoked; null while it is not.' }),
    revokedBy: t.expose('revokedBy', { type: 'UUID', nullable: true, description: 'Who revoked it (`User.rowId`); null while it is not revoked.' }),
    live: t.boolean({
      description: 'True while it lets support in: neither revoked nor expired.',
      select: { revokedAt: true, expiresAt: true },
      resolve: (g) => g.revokedAt === null && g.expiresAt.getTime() > Date.now(),
    }),
    accessLogs: t.relatedConnection('accessLogs', {
      cursor: 'id',
      description: 'Who used it: every support request made under this grant, latest first.',
      query: () => ({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
      totalCount: true,
    }),
  }),
});

const GrantSupportAccessInput = builder.inputType('GrantSupportAccessInput', {
  description: 'What `grantSupportAccess` allows.',
  fields: (t) => ({
    staffEmail: t.string({
      required: false,
      description: 'Only this support staff member (their email); omit to let any of them in. BAD_USER_INPUT when it names nobody active.',
      validate: RULES.email,
      extensions: { maxLength: LENGTH.email },
    }),
    reason: t.string({
      required: true,
      description: 'Why support needs access (shown with the grant and its access log): trimmed, 1 to 500 characters.',
      validate: RULES.reason,
      extensions: { maxLength: LENGTH.reason },
    }),
    expiresInHours: t.int({
      required: true,
      description: `How long it lasts, in hours: 1 to ${MAX_GRANT_HOURS} (7 days). BAD_USER_INPUT otherwise.`,
      validate: z.number().int().min(1, 'must be at least 1').max(MAX_GRANT_HOURS, `must be at most ${MAX_GRANT_HOURS} (7 days)`),
    }),
  }),
});

const RevokeSupportAccessInput = builder.inputType('RevokeSupportAccessInput', {
  description: 'The grant `revokeSupportAccess` ends.',
  fields: (t) => ({ rowId: t.field({ type: 'UUID', required: true, description: 'The grant (`SupportGrant.rowId`).' }) }),
});

const SupportGrantPayload = builder.objectRef<{ rowId: string }>('SupportGrantPayload').implement({
  description: 'The grant that `grantSupportAccess` created or `revokeSupportAccess` revoked.',
  fields: (t) => ({
    supportGrant: t.prismaField({
      type: 'SupportGrant',
      description: 'The grant as it is now.',
      resolve: (query, payload, _args, ctx) => ctx.db.supportGrant.findUniqueOrThrow({ ...query, where: { id: payload.rowId } }),
    }),
  }),
});

builder.mutationFields((t) => ({
  grantSupportAccess: t.field({
    type: SupportGrantPayload,
    description: `Lets support staff (one, or any) read this tenant's masked views for up to 7 days; audited. ${DOC.adminOnly}`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: GrantSupportAccessInput, required: true, description: 'Who, why and for how long.' }) },
    resolve: async (_root, { input }, ctx) => ({ rowId: await grantSupportAccess(ctx.db, ctx, input) }),
  }),
  revokeSupportAccess: t.field({
    type: SupportGrantPayload,
    description: `Ends a live grant at once: support staff relying on it see nothing from their next request on. NOT_FOUND when there is no such live grant. Audited. ${DOC.adminOnly}`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: RevokeSupportAccessInput, required: true, description: 'The grant.' }) },
    resolve: async (_root, { input }, ctx) => ({ rowId: await revokeSupportAccess(ctx.db, ctx, input.rowId) }),
  }),
}));

builder.queryField('supportGrants', (t) =>
  t.prismaConnection({
    type: 'SupportGrant',
    cursor: 'id',
    description: `The tenant's support grants, latest first, live and past, each with who used it. ${DOC.adminOnly}`,
    authScopes: { admin: true },
    totalCount: (_root, _args, ctx) => ctx.db.supportGrant.count(),
    resolve: (query, _root, _args, ctx) => ctx.db.supportGrant.findMany({ ...query, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
);
