import { builder } from './builder.js';
import { requireUser } from '../context.js';
import { revokeSessions } from '../resolvers/identity.js';

// The refresh token hash is not selectable by app roles, so only listed columns load.
builder.prismaNode('Session', {
  id: { field: 'id' },
  select: { id: true },
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID' }),
    ip: t.exposeString('ip', { nullable: true }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

const LogoutPayload = builder.objectRef<{ revokedSessions: number }>('LogoutPayload').implement({
  description: 'Sessions ended by logout, logoutAll or revokeSession. Their refresh tokens stop working at once; access tokens expire on their own.',
  fields: (t) => ({ revokedSessions: t.exposeInt('revokedSessions') }),
});

const RevokeSessionInput = builder.inputType('RevokeSessionInput', {
  fields: (t) => ({ rowId: t.field({ type: 'UUID', required: true, description: 'The session (Session.rowId).' }) }),
});

builder.mutationFields((t) => ({
  logout: t.field({
    type: LogoutPayload,
    description: 'Revokes the session of this access token.',
    resolve: async (_root, _args, ctx) => ({ revokedSessions: await revokeSessions(ctx.db, requireUser(ctx), 'current') }),
  }),
  logoutAll: t.field({
    type: LogoutPayload,
    description: "Revokes all of the viewer's sessions.",
    resolve: async (_root, _args, ctx) => ({ revokedSessions: await revokeSessions(ctx.db, requireUser(ctx), 'all') }),
  }),
  revokeSession: t.field({
    type: LogoutPayload,
    description: "Revokes one of the viewer's sessions (0 revoked when it is not theirs or already revoked).",
    args: { input: t.arg({ type: RevokeSessionInput, required: true }) },
    resolve: async (_root, { input }, ctx) => ({ revokedSessions: await revokeSessions(ctx.db, requireUser(ctx), { rowId: input.rowId }) }),
  }),
}));
