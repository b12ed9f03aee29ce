import { unauthenticated } from './errors.js';
import type { Viewer } from './auth/tokens.js';
import type { Db } from './db/request.js';
import type { AuthSettings, PreparedSignIn } from './resolvers/identity.js';

export interface Context {
  /** Who is calling. Login and sign-up replace it once the user is known. */
  viewer: Viewer;
  /** Client address and agent, recorded with sessions and login attempts. */
  ip: string | null;
  userAgent: string | null;
  /** Token service and login policy, for the identity mutations. */
  auth: AuthSettings;
  /** The request transaction; set by the request-transaction plugin before execution. */
  db: Db;
  /** What a sign-in step verified or hashed before the request transaction (src/resolvers/identity.ts). */
  prepared?: PreparedSignIn;
}

export type UserViewer = Extract<Viewer, { kind: 'user' }>;

/** Resolvers that act for a user call this; anonymous callers get UNAUTHENTICATED. */
export function requireUser(ctx: Context): UserViewer {
  if (ctx.viewer.kind !== 'user') throw unauthenticated('Sign in first');
  return ctx.viewer;
}
