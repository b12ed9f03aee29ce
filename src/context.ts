import type { Viewer } from './auth/tokens.js';
import type { Db } from './db/request.js';

export interface Context {
  viewer: Viewer;
  /** The request transaction; set by the request-transaction plugin before execution. */
  db: Db;
}
