import { unauthenticated } from './auth/tokens.js';
import type { Viewer } from './auth/tokens.js';
import type { Db } from './db/request.js';

export interface Context {
  viewer: Viewer;
  /** The request transaction; set by the request-transaction plugin before execution. */
  db: Db;
}

export type UserViewer = Extract<Viewer, { kind: 'user' }>;

/** Resolvers that act for a user call this; anonymous callers get UNAUTHENTICATED. */
export function requireUser(ctx: Context): UserViewer {
  if (ctx.viewer.kind !== 'user') throw unauthenticated('Sign in first');
  return ctx.viewer;
}
