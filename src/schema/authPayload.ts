// Signing in: signUp, login and refreshSession each return an AuthPayload (a
// new session's tokens). The flows live in src/resolvers/identity.ts.
import type { GraphQLResolveInfo } from 'graphql';
import { z } from 'zod';
import { builder } from './builder.js';
import { DOC } from './docs.js';
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
    accessToken: t.exposeString('accessToken', {
      description: 'Send it as `Authorization: Bearer <accessToken>`. A JWT, valid 15 minutes by default, and only while its session lives: after a logout, logoutAll, revokeSession or password change it is refused (UNAUTHENTICATED) on the next request.',
    }),
    accessTokenExpiresAt: t.expose('accessTokenExpiresAt', { type: 'DateTime', description: 'When the access token expires: refresh before.' }),
    refreshToken: t.exposeString('refreshToken', {
      description: 'Opaque and single-use: `refreshSession` trades it for a new pair. Keep it secret; presenting it twice revokes the session.',
    }),
    refreshTokenExpiresAt: t.expose('refreshTokenExpiresAt', {
      type: 'DateTime',
      description: 'When the session ends (30 days after sign-in by default); refreshing does not extend it.',
    }),
    user: t.prismaField({
      type: 'User',
      description: 'The signed-in user.',
      resolve: (query, r, _args, ctx) => ctx.db.user.findUniqueOrThrow({ ...query, where: { id: r.userId } }),
    }),
    tenant: t.prismaField({
      type: 'Tenant',
      description: 'Their tenant.',
      resolve: (query, r, _args, ctx) => ctx.db.tenant.findUniqueOrThrow({ ...query, where: { id: r.tenantId } }),
    }),
  }),
});

const SignUpInput = builder
  .inputType('SignUpInput', {
    description: 'The tenant `signUp` creates and its first user.',
    fields: (t) => ({
      tenantName: t.string({
        required: true,
        description: 'Name of the new tenant: trimmed, 2 to 100 characters.',
        validate: RULES.tenantName,
        extensions: { maxLength: LENGTH.name },
      }),
      tenantSlug: t.string({
        required: false,
        description:
          'Short name users sign in with (`login`): 2 to 63 lowercase letters, digits or dashes. Defaults to the name, slugified. CONFLICT when taken.',
        validate: RULES.slug,
        extensions: { maxLength: LENGTH.slug },
      }),
      email: t.field({
        type: 'EmailAddress',
        required: true,
        description: "The owner's sign-in email (stored in lower case).",
        validate: RULES.email,
        extensions: { maxLength: LENGTH.email },
      }),
      password: t.string({ required: true, description: `The owner's password. ${DOC.password}`, extensions: { maxLength: LENGTH.password } }),
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
  description: 'Credentials for `login`.',
  fields: (t) => ({
    tenantSlug: t.string({ required: true, description: "The tenant's `slug`.", extensions: { maxLength: LENGTH.slug } }),
    // A String, not an EmailAddress: a malformed email is just another wrong credential.
    email: t.string({ required: true, description: 'Sign-in email (any case).', validate: RULES.email, extensions: { maxLength: LENGTH.email } }),
    password: t.string({ required: true, description: 'The password.', extensions: { maxLength: LENGTH.password } }),
  }),
});

const RefreshSessionInput = builder.inputType('RefreshSessionInput', {
  description: 'The refresh token `refreshSession` trades.',
  fields: (t) => ({
    refreshToken: t.string({ required: true, description: 'The latest `refreshToken` of the session.', extensions: { maxLength: LENGTH.token } }),
  }),
});

// Public (open to anonymous callers: `skipTypeScopes` here, `extensions.public`
// for src/yoga.ts). `prepare` runs before the request transaction
// (src/yoga.ts) with the validated input, so argon2 never holds a pooled connection.
builder.mutationFields((t) => ({
  signUp: t.field({
    type: AuthPayload,
    description: `Open to anyone: creates a tenant and its first user, its owner, and signs them in. CONFLICT when the slug is taken; WEAK_PASSWORD; RATE_LIMITED after too many attempts from one address. ${DOC.soleField}`,
    skipTypeScopes: true,
    extensions: { public: true, prepare: prepareSignUp },
    args: { input: t.arg({ type: SignUpInput, required: true, description: 'The tenant and its owner.' }) },
    resolve: (_root, { input }, ctx, info) => (soleField(info), signUp(ctx, ctx.auth, input)),
  }),
  login: t.field({
    type: AuthPayload,
    description: `Open to anyone: signs in and starts a session. INVALID_CREDENTIALS for any wrong tenant, email or password; RATE_LIMITED (with \`retryAfterSeconds\`) after repeated failures, the same for known and unknown emails. ${DOC.soleField}`,
    skipTypeScopes: true,
    extensions: { public: true, prepare: prepareLogin },
    args: { input: t.arg({ type: LoginInput, required: true, description: 'Tenant, email and password.' }) },
    resolve: (_root, _args, ctx, info) => (soleField(info), login(ctx, ctx.auth)),
  }),
  refreshSession: t.field({
    type: AuthPayload,
    description: `Open to anyone (the refresh token is the credential): a new access token and refresh token for the same session; the old refresh token is spent. SESSION_REVOKED when the session was revoked, and presenting a spent token revokes it; an unknown or expired token is UNAUTHENTICATED. ${DOC.soleField}`,
    skipTypeScopes: true,
    extensions: { public: true },
    args: { input: t.arg({ type: RefreshSessionInput, required: true, description: 'The refresh token.' }) },
    resolve: (_root, { input }, ctx, info) => (soleField(info), refreshSession(ctx, ctx.auth, input.refreshToken)),
  }),
}));
