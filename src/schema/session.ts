import { builder } from './builder.js';
import { DOC } from './docs.js';
import { requireUser } from '../context.js';
import { revokeSessions } from '../resolvers/identity.js';

// The refresh token hash is not selectable by app roles, so only listed columns load.
builder.prismaNode('Session', {
  id: { field: 'id' },
  select: { id: true },
  description: 'A signed-in session: one sign-in and its chain of refresh tokens. Everyone sees only their own sessions, owners/admins included.',
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    ip: t.exposeString('ip', { nullable: true, description: 'Client address at sign-in, when known.' }),
    userAgent: t.exposeString('userAgent', { nullable: true, description: 'Client User-Agent at sign-in, when sent.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the session started (sign-in).' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', description: 'Last sign-in or refresh.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When its refresh token stops working; refreshing does not extend it.' }),
    revokedAt: t.expose('revokedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was revoked (logout, password change, refresh-token reuse); null while it is not.',
    }),
  }),
});

const LogoutPayload = builder.objectRef<{ revokedSessions: number }>('LogoutPayload').implement({
  description: 'Sessions ended by logout, logoutAll or revokeSession. Their refresh tokens and the access tokens issued in them stop working at once.',
  fields: (t) => ({ revokedSessions: t.exposeInt('revokedSessions', { description: 'How many sessions this call ended (0 when none was active).' }) }),
});

const RevokeSessionInput = builder.inputType('RevokeSessionInput', {
  description: 'The session `revokeSession` ends.',
  fields: (t) => ({ rowId: t.field({ type: 'UUID', required: true, description: 'The session (`Session.rowId`).' }) }),
});

builder.mutationFields((t) => ({
  logout: t.field({
    type: LogoutPayload,
    description: "Revokes the session of this access token: its refresh token stops working at once, the access token at its expiry. Any signed-in user, for their own session.",
    resolve: async (_root, _args, ctx) => ({ revokedSessions: await revokeSessions(ctx.db, requireUser(ctx), 'current') }),
  }),
  logoutAll: t.field({
    type: LogoutPayload,
    description: "Revokes all of the viewer's sessions, on every device. Any signed-in user, for their own sessions.",
    resolve: async (_root, _args, ctx) => ({ revokedSessions: await revokeSessions(ctx.db, requireUser(ctx), 'all') }),
  }),
  revokeSession: t.field({
    type: LogoutPayload,
    description: "Revokes one of the viewer's sessions (0 revoked when it is not theirs or already revoked).",
    args: { input: t.arg({ type: RevokeSessionInput, required: true, description: 'The session to end.' }) },
    resolve: async (_root, { input }, ctx) => ({ revokedSessions: await revokeSessions(ctx.db, requireUser(ctx), { rowId: input.rowId }) }),
  }),
}));
