// Every error a client sees has a stable extensions.code and no stack trace.
// Expected failures (GraphQLError with a code) pass through; database errors
// are mapped by SQLSTATE / Prisma code here, in one place; everything else is
// masked as INTERNAL_SERVER_ERROR.
import { GraphQLError } from 'graphql';

const SQLSTATE_CODES: Record<string, [code: string, message: string]> = {
  '42501': ['FORBIDDEN', 'Not allowed'], // insufficient_privilege, incl. RLS WITH CHECK violations
  '23505': ['CONFLICT', 'Already exists'],
  '23503': ['INVALID_REFERENCE', 'Refers to a row that does not exist or is not visible'],
  '23514': ['BAD_USER_INPUT', 'Violates a constraint'],
  '23502': ['BAD_USER_INPUT', 'A required value is missing'],
  '22P02': ['BAD_USER_INPUT', 'Malformed value'],
  P0001: ['FORBIDDEN', 'Not allowed by a business rule'], // raised by our own SQL (e.g. the last-owner trigger)
  '40P01': ['SERVICE_UNAVAILABLE', 'Conflicting concurrent change; retry'],
  '40001': ['SERVICE_UNAVAILABLE', 'Conflicting concurrent change; retry'],
};

const PRISMA_CODES: Record<string, [code: string, message: string]> = {
  P2002: SQLSTATE_CODES['23505']!,
  P2003: SQLSTATE_CODES['23503']!,
  P2025: ['NOT_FOUND', 'Not found'],
  P2028: ['SERVICE_UNAVAILABLE', 'The database is busy, try again'],
};

/**
 * An expected failure whose side effects must commit although the operation
 * fails: a failed login is recorded and counted towards the lockout, a reused
 * refresh token revokes its session. The request transaction commits when
 * every error of the result is one of these.
 */
export class CommittedFailure extends GraphQLError {
  readonly commit = true;
  constructor(message: string, code: string) {
    super(message, { extensions: { code } });
  }
}

export const isCommittedFailure = (e: GraphQLError) => (e.originalError as { commit?: unknown } | undefined)?.commit === true;

/** Invalid input the schema cannot express (lengths, formats): names the field. */
export function badInput(message: string, field: string) {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });
}

/** Finds a Prisma code (Pxxxx) or SQLSTATE anywhere in an error's cause chain. */
function databaseCode(error: unknown): [string, string] | undefined {
  const seen = new Set<unknown>();
  let e = error as Record<string, unknown> | undefined;
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    for (const candidate of [e.code, e.originalCode, (e.meta as Record<string, unknown> | undefined)?.code]) {
      if (typeof candidate === 'string') {
        const hit = PRISMA_CODES[candidate] ?? SQLSTATE_CODES[candidate];
        if (hit) return hit;
      }
    }
    const adapter = (e.meta as Record<string, unknown> | undefined)?.driverAdapterError;
    e = (adapter ?? e.cause) as Record<string, unknown> | undefined;
  }
  if (error instanceof Error && /Unable to start a transaction|Transaction already closed/.test(error.message)) {
    return PRISMA_CODES.P2028;
  }
  return undefined;
}

// Duck-typed: under some loaders graphql-js is instantiated twice, and an
// `instanceof GraphQLError` check then silently fails.
const isGraphQLError = (e: unknown): e is GraphQLError => e instanceof Error && e.name === 'GraphQLError';

/**
 * Relay: a well-formed id whose row is missing or invisible resolves to null
 * (in its own slot for `nodes`), not to NOT_FOUND. Other errors pass.
 */
export const nullIfNotFound = <T>(load: PromiseLike<T> | T): Promise<T | null> =>
  Promise.resolve(load).catch((e: unknown) => {
    if (databaseCode(e)?.[0] === 'NOT_FOUND') return null;
    throw e;
  });

// Pothos' own refusals of arguments (a cursor or global id it cannot decode,
// a negative page size). src/inputLimits.ts refuses these before execution,
// naming the argument; this is the safety net for any that slip past. Its
// errors are GraphQLErrors with their own `name`, so the check above misses them.
const POTHOS_INPUT_ERRORS = new Set(['PothosValidationError']);

// Yoga logs the original of every masked error server-side; clients get only the code.
export function maskError(error: unknown): Error {
  const original = isGraphQLError(error) ? error.originalError : error;
  if (original instanceof Error && POTHOS_INPUT_ERRORS.has(original.name)) {
    // Pothos' message may quote the value: keep it short.
    return new GraphQLError(original.message.slice(0, 200), { path: isGraphQLError(error) ? error.path : undefined, extensions: { code: 'BAD_USER_INPUT' } });
  }
  // Parse/validation errors and our own typed errors are safe to show as they are.
  if (isGraphQLError(error) && (!original || isGraphQLError(original))) return error;
  const path = isGraphQLError(error) ? error.path : undefined;
  const mapped = databaseCode(original);
  if (mapped) return new GraphQLError(mapped[1], { path, extensions: { code: mapped[0] } });
  return new GraphQLError('Unexpected error', { path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

/**
 * Yoga's logger. Yoga logs the original of every error it masks at error
 * level; expected failures (a denial, a conflict, bad input: anything mapped
 * to a code other than INTERNAL_SERVER_ERROR) are part of normal traffic, so
 * they get one info line without a stack. Only bugs are logged as errors.
 */
export function createLogger(log: Pick<Console, 'debug' | 'info' | 'warn' | 'error'> = console) {
  return {
    debug: () => {},
    info: (...args: unknown[]) => log.info(...args),
    warn: (...args: unknown[]) => log.warn(...args),
    error: (...args: unknown[]) => {
      const [first] = args;
      const code = first instanceof Error ? (maskError(first) as GraphQLError).extensions?.code : undefined;
      if (code && code !== 'INTERNAL_SERVER_ERROR') {
        log.info(`[graphql] ${String(code)}: ${(first as Error).message.split('\n')[0]!.slice(0, 200)}`);
        return;
      }
      log.error(...args);
    },
  };
}
