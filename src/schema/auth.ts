// Identity mutations and their payload. The flows live in src/resolvers/auth.ts.
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { builder } from './builder.js';
import { LENGTH } from './limits.js';
import { requireUser } from '../context.js';
import { TenantRoleEnum } from './membership.js';
import {
  changePassword, createUser, login, prepareChangePassword, prepareLogin, prepareSignUp, refreshSession, revokeSessions, signUp,
  updateMemberRole, type AuthResult,
} from '../resolvers/auth.js';

/**
 * signUp, login, refreshSession and changePassword commit what a failure
 * records (attempts, lockouts, revocations) although they fail, so they must
 * be the only field of their operation: nothing else may ride on that commit.
 */
function soleField(info: GraphQLResolveInfo) {
  if (info.operation.selectionSet.selections.length !== 1) {
    throw new GraphQLError(`${info.fieldName} must be the only field of its operation`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
}

const AuthPayload = builder.objectRef<AuthResult>('AuthPayload').implement({
  description: 'A new access token (JWT, short-lived) and refresh token (opaque, rotated on every use).',
  fields: (t) => ({
    accessToken: t.exposeString('accessToken'),
    accessTokenExpiresAt: t.expose('accessTokenExpiresAt', { type: 'DateTime' }),
    refreshToken: t.exposeString('refreshToken'),
    refreshTokenExpiresAt: t.expose('refreshTokenExpiresAt', { type: 'DateTime' }),
    user: t.prismaField({
      type: 'User',
      resolve: (query, r, _args, ctx) => ctx.db.user.findUniqueOrThrow({ ...query, where: { id: r.userId } }),
    }),
    tenant: t.prismaField({
      type: 'Tenant',
      resolve: (query, r, _args, ctx) => ctx.db.tenant.findUniqueOrThrow({ ...query, where: { id: r.tenantId } }),
    }),
  }),
});

builder.mutationFields((t) => ({
  signUp: t.field({
    // public: open to anonymous callers. prepare: runs before the request
    // transaction (src/yoga.ts), so argon2 never holds a pooled connection.
    extensions: { public: true, prepare: prepareSignUp },
    type: AuthPayload,
    description: 'Creates a tenant and its owner, and signs the owner in.',
    args: {
      tenantName: t.arg.string({ required: true, extensions: { maxLength: LENGTH.name } }),
      tenantSlug: t.arg.string({ required: false, description: 'Defaults to the name, slugified.', extensions: { maxLength: LENGTH.slug } }),
      email: t.arg({ type: 'EmailAddress', required: true, extensions: { maxLength: LENGTH.email } }),
      password: t.arg.string({ required: true, extensions: { maxLength: LENGTH.password } }),
    },
    resolve: (_root, args, ctx, info) => (soleField(info), signUp(ctx, ctx.auth, args)),
  }),
  login: t.field({
    extensions: { public: true, prepare: prepareLogin },
    type: AuthPayload,
    description:
      'INVALID_CREDENTIALS for any wrong tenant, email or password; RATE_LIMITED (with retryAfterSeconds) after repeated failures, the same for known and unknown emails.',
    args: {
      tenantSlug: t.arg.string({ required: true, extensions: { maxLength: LENGTH.slug } }),
      email: t.arg.string({ required: true, extensions: { maxLength: LENGTH.email } }),
      password: t.arg.string({ required: true, extensions: { maxLength: LENGTH.password } }),
    },
    resolve: (_root, _args, ctx, info) => (soleField(info), login(ctx, ctx.auth)),
  }),
  refreshSession: t.field({
    extensions: { public: true },
    type: AuthPayload,
    description: 'Rotates the refresh token. Presenting an already-rotated token revokes the session (SESSION_REVOKED).',
    args: { refreshToken: t.arg.string({ required: true, extensions: { maxLength: LENGTH.token } }) },
    resolve: (_root, { refreshToken }, ctx, info) => (soleField(info), refreshSession(ctx, ctx.auth, refreshToken)),
  }),
  logout: t.int({
    description: 'Revokes the session of this access token. Returns the number of sessions revoked.',
    resolve: (_root, _args, ctx) => revokeSessions(ctx.db, requireUser(ctx), 'current'),
  }),
  logoutAll: t.int({
    description: "Revokes all of the viewer's sessions.",
    resolve: (_root, _args, ctx) => revokeSessions(ctx.db, requireUser(ctx), 'all'),
  }),
  revokeSession: t.int({
    args: { id: t.arg({ type: 'UUID', required: true }) },
    description: "Revokes one of the viewer's sessions (0 when it is not theirs or already revoked).",
    resolve: (_root, { id }, ctx) => revokeSessions(ctx.db, requireUser(ctx), { id }),
  }),
  changePassword: t.boolean({
    description: 'Also ends every other session of the viewer. Wrong current passwords count towards the sign-in rate limits.',
    extensions: { prepare: prepareChangePassword },
    args: {
      currentPassword: t.arg.string({ required: true, extensions: { maxLength: LENGTH.password } }),
      newPassword: t.arg.string({ required: true, extensions: { maxLength: LENGTH.password } }),
    },
    resolve: (_root, _args, ctx, info) => (soleField(info), changePassword(ctx)),
  }),
  createUser: t.prismaField({
    type: 'User',
    description: 'Owners/admins add a user with a password to their tenant; only owners create owners.',
    args: {
      email: t.arg({ type: 'EmailAddress', required: true, extensions: { maxLength: LENGTH.email } }),
      displayName: t.arg.string({ required: false, extensions: { maxLength: LENGTH.name } }),
      role: t.arg({ type: TenantRoleEnum, required: true }),
      password: t.arg.string({ required: true, extensions: { maxLength: LENGTH.password } }),
    },
    resolve: async (query, _root, args, ctx) => {
      const { id } = await createUser(ctx.db, requireUser(ctx), args);
      return ctx.db.user.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  updateMemberRole: t.prismaField({
    type: 'TenantMembership',
    description: 'Owners/admins change roles; only owners grant or revoke owner; the last owner stays.',
    args: { userId: t.arg({ type: 'UUID', required: true }), role: t.arg({ type: TenantRoleEnum, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const viewer = requireUser(ctx);
      await updateMemberRole(ctx.db, viewer, args);
      return ctx.db.tenantMembership.findUniqueOrThrow({ ...query, where: { tenantId_userId: { tenantId: viewer.tenantId, userId: args.userId } } });
    },
  }),
}));
