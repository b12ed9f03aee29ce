import { forbidden, unauthenticated } from './errors.js';
import type { Viewer } from './auth/tokens.js';
import type { Db } from './db/request.js';
import type { AuthSettings, PreparedSignIn } from './resolvers/identity.js';
import type { WebhookSettings } from './resolvers/webhook.js';

export interface Context {
  /** Who is calling. Login and sign-up replace it once the user is known. */
  viewer: Viewer;
  /** Client address and agent, recorded with sessions and login attempts. */
  ip: string | null;
  userAgent: string | null;
  /** Token service and login policy, for the identity mutations. */
  auth: AuthSettings;
  /** Webhook registration rules (src/resolvers/webhook.ts). */
  webhooks: WebhookSettings;
  /** The request transaction; set by the request-transaction plugin before execution. */
  db: Db;
  /** What a sign-in step verified or hashed before the request transaction (src/resolvers/identity.ts). */
  prepared?: PreparedSignIn;
}

export type UserViewer = Extract<Viewer, { kind: 'user' }>;

export type PartnerViewer = Extract<Viewer, { kind: 'partner' }>;

export type SupportViewer = Extract<Viewer, { kind: 'support' }>;

/** Resolvers that act for a partner client call this; users get FORBIDDEN, anonymous callers UNAUTHENTICATED. */
export function requirePartner(ctx: Context): PartnerViewer {
  if (ctx.viewer.kind === 'user' || ctx.viewer.kind === 'support') throw forbidden('Only partner clients may call this');
  if (ctx.viewer.kind !== 'partner') throw unauthenticated('Sign in first');
  return ctx.viewer;
}

/** Resolvers that act for a user call this; anonymous callers get UNAUTHENTICATED, partner clients FORBIDDEN. */
export function requireUser(ctx: Context): UserViewer {
  if (ctx.viewer.kind === 'partner') throw forbidden('Not available to partner clients');
  if (ctx.viewer.kind === 'support') throw forbidden('Not available to support staff: they read the masked `support` views only');
  if (ctx.viewer.kind !== 'user') throw unauthenticated('Sign in first');
  return ctx.viewer;
}

/** Resolvers for support staff (issue 12) call this; users and partners get FORBIDDEN, anonymous callers UNAUTHENTICATED. */
export function requireSupport(ctx: Context): SupportViewer {
  if (ctx.viewer.kind === 'user' || ctx.viewer.kind === 'partner') throw forbidden('Only support staff signed in with supportLogin may call this');
  if (ctx.viewer.kind !== 'support') throw unauthenticated('Sign in first');
  return ctx.viewer;
}
