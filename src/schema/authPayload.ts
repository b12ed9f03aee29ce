// Signing in: signUp, login and refreshSession each return an AuthPayload (a
// new session's tokens). The flows live in src/resolvers/identity.ts.
import type { GraphQLResolveInfo } from 'graphql';
import { z } from 'zod';
import { builder } from './builder.js';
import { LENGTH, RULES, SLUG_PATTERN } from './limits.js';
import { badInput } from '../errors.js';
import { login, prepareLogin, prepareSignUp, refreshSession, signUp, slugify, type AuthResult } from '../resolvers/identity.js';

/**
 * signUp, login, refreshSession and changePassword commit what a failure
 * records (attempts, lockouts, revocations) although they fail, so they must
 * be the only field of their operation: nothing else may ride on that commit.
 */
export function soleField(info: GraphQLResolveInfo) {
  if (info.operation.selectionSet.selections.length !== 1) throw badInput(`${info.fieldName} must be the only field of its operation`);
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

const SignUpInput = builder
  .inputType('SignUpInput', {
    fields: (t) => ({
      tenantName: t.string({ required: true, validate: RULES.tenantName, extensions: { maxLength: LENGTH.name } }),
      tenantSlug: t.string({
        required: false,
        description: 'Defaults to the name, slugified.',
        validate: RULES.slug,
        extensions: { maxLength: LENGTH.slug },
      }),
      email: t.field({ type: 'EmailAddress', required: true, validate: RULES.email, extensions: { maxLength: LENGTH.email } }),
      password: t.string({ required: true, extensions: { maxLength: LENGTH.password } }),
    }),
  })
  // After the field rules: the slug defaults to the (trimmed) name, slugified, and must then be usable.
  .validate(
    z
      .object({ tenantName: z.string(), tenantSlug: z.string().nullish(), email: z.string(), password: z.string() })
      .transform(({ tenantSlug, ...input }) => ({ ...input, tenantSlug: tenantSlug ?? slugify(input.tenantName) }))
      .refine((input) => SLUG_PATTERN.test(input.tenantSlug), {
        path: ['tenantSlug'],
        message: 'cannot be derived from tenantName: send a tenantSlug of 2-63 lowercase letters, digits or dashes',
      }),
  );

const LoginInput = builder.inputType('LoginInput', {
  fields: (t) => ({
    tenantSlug: t.string({ required: true, extensions: { maxLength: LENGTH.slug } }),
    // A String, not an EmailAddress: a malformed email is just another wrong credential.
    email: t.string({ required: true, validate: RULES.email, extensions: { maxLength: LENGTH.email } }),
    password: t.string({ required: true, extensions: { maxLength: LENGTH.password } }),
  }),
});

const RefreshSessionInput = builder.inputType('RefreshSessionInput', {
  fields: (t) => ({
    refreshToken: t.string({ required: true, extensions: { maxLength: LENGTH.token } }),
  }),
});

// Public (open to anonymous callers: `skipTypeScopes` here, `extensions.public`
// for src/yoga.ts). `prepare` runs before the request transaction
// (src/yoga.ts) with the validated input, so argon2 never holds a pooled connection.
builder.mutationFields((t) => ({
  signUp: t.field({
    type: AuthPayload,
    description: 'Creates a tenant and its owner, and signs the owner in.',
    skipTypeScopes: true,
    extensions: { public: true, prepare: prepareSignUp },
    args: { input: t.arg({ type: SignUpInput, required: true }) },
    resolve: (_root, { input }, ctx, info) => (soleField(info), signUp(ctx, ctx.auth, input)),
  }),
  login: t.field({
    type: AuthPayload,
    description:
      'INVALID_CREDENTIALS for any wrong tenant, email or password; RATE_LIMITED (with retryAfterSeconds) after repeated failures, the same for known and unknown emails.',
    skipTypeScopes: true,
    extensions: { public: true, prepare: prepareLogin },
    args: { input: t.arg({ type: LoginInput, required: true }) },
    resolve: (_root, _args, ctx, info) => (soleField(info), login(ctx, ctx.auth)),
  }),
  refreshSession: t.field({
    type: AuthPayload,
    description: 'Rotates the refresh token. Presenting an already-rotated token revokes the session (SESSION_REVOKED).',
    skipTypeScopes: true,
    extensions: { public: true },
    args: { input: t.arg({ type: RefreshSessionInput, required: true }) },
    resolve: (_root, { input }, ctx, info) => (soleField(info), refreshSession(ctx, ctx.auth, input.refreshToken)),
  }),
}));
