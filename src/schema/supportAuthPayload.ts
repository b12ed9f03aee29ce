// Support staff sign-in (issue 12): supportLogin returns a SupportAuthPayload,
// supportLogout ends the session. The flows live in src/resolvers/support.ts.
import { z } from 'zod';
import { builder } from './builder.js';
import { LENGTH, RULES } from './limits.js';
import { soleField } from './authPayload.js';
import { DOC } from './docs.js';
import { prepareSupportLogin, supportLogin, supportLogout, type SupportAuthResult } from '../resolvers/support.js';

const SupportAuthPayload = builder.objectRef<SupportAuthResult>('SupportAuthPayload').implement({
  description: 'A support access token for one tenant. No refresh token: when it expires, sign in again.',
  fields: (t) => ({
    accessToken: t.exposeString('accessToken', {
      description:
        'Send it as `Authorization: Bearer <accessToken>`. A JWT of kind `support`: it opens only `support` (masked views) and `supportLogout`, and only while the session and a grant of the tenant live.',
    }),
    accessTokenExpiresAt: t.expose('accessTokenExpiresAt', {
      type: 'DateTime',
      description: "When the token and its session end: at most 60 minutes after sign-in, and never after the tenant's grant expires.",
    }),
    tenantId: t.expose('tenantId', { type: 'UUID', description: 'The tenant the session is for.' }),
  }),
});

const SupportLogoutPayload = builder.objectRef<{ revoked: boolean }>('SupportLogoutPayload').implement({
  description: 'The result of `supportLogout`.',
  fields: (t) => ({ revoked: t.exposeBoolean('revoked', { description: 'True when this call ended a live support session.' }) }),
});

const SupportLoginInput = builder.inputType('SupportLoginInput', {
  description: "Credentials for `supportLogin`, and the tenant to help.",
  fields: (t) => ({
    email: t.string({ required: true, description: "The support staff member's email (any case).", validate: RULES.email, extensions: { maxLength: LENGTH.email } }),
    password: t.string({ required: true, description: 'Their password.', extensions: { maxLength: LENGTH.password } }),
    tenantSlug: t.string({
      required: true,
      description: "The `slug` of the tenant to help; it must have granted support access (`grantSupportAccess`).",
      validate: z.string().trim().min(1, 'must not be blank'),
      extensions: { maxLength: LENGTH.slug },
    }),
  }),
});

builder.mutationFields((t) => ({
  supportLogin: t.field({
    type: SupportAuthPayload,
    description: `Open to anyone (support staff, created with \`npm run support:create\`): signs a staff member in for one tenant. INVALID_CREDENTIALS for a wrong or unknown email or password; RATE_LIMITED after repeated failures, like \`login\`; FORBIDDEN when the tenant has no live grant for them. ${DOC.soleField}`,
    skipTypeScopes: true,
    extensions: { public: true, prepare: prepareSupportLogin },
    args: { input: t.arg({ type: SupportLoginInput, required: true, description: 'Email, password and tenant.' }) },
    resolve: (_root, { input }, ctx, info) => (soleField(info), supportLogin(ctx, input.tenantSlug)),
  }),
  supportLogout: t.field({
    type: SupportLogoutPayload,
    description: 'Support staff only: ends the session of this support token; the token is refused from the next request on.',
    skipTypeScopes: true,
    authScopes: { support: true },
    resolve: async (_root, _args, ctx) => ({ revoked: await supportLogout(ctx) }),
  }),
}));
