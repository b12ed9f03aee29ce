// A database that cannot be reached is a configuration problem, not a crash:
// say which variable points at it, in one line, without a stack trace.
import { ConfigError } from '../config.js';

export class DatabaseConnectionError extends ConfigError {}

// Network failures, and SQLSTATE classes 08 (connection exception),
// 28 (invalid authorization: wrong password, no pg_hba entry) and
// 3D (database does not exist).
const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);
const SQLSTATE = /^(08|28|3D)[0-9A-Z]{3}$/;

/** The URL without its password. */
export function redactUrl(url: string) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function reasonOf(e: { message?: string; errors?: { message?: string }[] }): string {
  // Node reports a refused localhost (::1 and 127.0.0.1) as an AggregateError with an empty message.
  return e.message || e.errors?.map((x) => x.message).join('; ') || String(e);
}

/**
 * Connection-level failures become a DatabaseConnectionError naming `variable`;
 * anything else (a failing migration, a bug) is returned unchanged.
 */
export function explainConnectionError(e: unknown, variable: string, url: string, hint = ''): unknown {
  const err = e as { code?: string; message?: string; errors?: { message?: string }[] };
  const connectionLevel =
    (typeof err?.code === 'string' && (NETWORK.has(err.code) || SQLSTATE.test(err.code))) ||
    /timeout expired|Connection terminated unexpectedly|connection timeout|does not support SSL|self[- ]signed/i.test(err?.message ?? '');
  if (!connectionLevel) return e;
  return new DatabaseConnectionError(
    `Cannot connect to ${variable} (${redactUrl(url)}): ${reasonOf(err)}${hint ? `. ${hint}` : ''}`,
    { cause: e },
  );
}
