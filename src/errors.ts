// Every error a client sees has a stable extensions.code and no stack trace.
// The codes are declared once, below (README's error table lists each; a test
// keeps the two in sync), and made only by the constructors here. Expected
// failures (GraphQLError with a code) pass through; database errors are mapped
// by SQLSTATE / Prisma code here, in one place; everything else is masked as
// INTERNAL_SERVER_ERROR.
import { GraphQLError, type GraphQLErrorOptions } from 'graphql';

/** Every `extensions.code` a client can see. */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'INVALID_CREDENTIALS',
  'WEAK_PASSWORD',
  'SESSION_REVOKED',
  'RATE_LIMITED',
  'CONFLICT',
  'INVALID_REFERENCE',
  'NOT_FOUND',
  'INVALID_AMOUNT',
  'CURRENCY_MISMATCH',
  'ACCOUNT_CLOSED',
  'INSUFFICIENT_FUNDS',
  'OUT_OF_STOCK',
  'INVALID_ORDER_STATE',
  'BALANCE_NOT_ZERO',
  'ALREADY_REVERSED',
  'IDEMPOTENCY_KEY_REUSED',
  'CATEGORY_CYCLE',
  'IN_USE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'PERSISTED_QUERY_ONLY',
  'PERSISTED_QUERY_NOT_FOUND',
  'CSRF_REJECTED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The one way to make a client-facing error: a code from the registry, a message, extra extensions. */
export function codedError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}, options: GraphQLErrorOptions = {}) {
  return new GraphQLError(message, { ...options, extensions: { ...options.extensions, ...extensions, code } });
}

/**
 * An error for a request refused before execution (limits, sign-in, bad
 * arguments): HTTP 4xx under application/graphql-response+json.
 */
export const refusedBeforeExecution = (
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
  status = 400,
  options: GraphQLErrorOptions = {},
) => codedError(code, message, { ...extensions, http: { spec: true, status } }, options);

/** Invalid input the schema cannot express (lengths, formats): names the field (`input.name`). */
export const badInput = (message: string, field?: string, extensions: Record<string, unknown> = {}, options: GraphQLErrorOptions = {}) =>
  codedError('BAD_USER_INPUT', message, field === undefined ? extensions : { field, ...extensions }, options);

/** No or bad access token (HTTP 401 when it is refused before execution). */
export const unauthenticated = (message = 'Invalid or expired access token') => codedError('UNAUTHENTICATED', message, { http: { status: 401 } });

/** Signed in, but not allowed. */
export const forbidden = (message = 'Not allowed') => codedError('FORBIDDEN', message);

export const notFound = (message = 'Not found') => codedError('NOT_FOUND', message);

export const conflict = (message = 'Already exists') => codedError('CONFLICT', message);

/** Any wrong tenant, email or password: one answer, so known and unknown emails look alike. */
export const invalidCredentials = () => codedError('INVALID_CREDENTIALS', 'Invalid tenant, email or password');

export const weakPassword = (reason: string) => codedError('WEAK_PASSWORD', `Password ${reason}`);

export const sessionRevoked = (message = 'The session was revoked') => codedError('SESSION_REVOKED', message);

/** Too many attempts: HTTP 429 with Retry-After. */
export function rateLimited(msBeforeNext: number, message = 'Too many sign-in attempts; try again later') {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return codedError('RATE_LIMITED', `${message} (in ${retryAfterSeconds} s)`, {
    retryAfterSeconds,
    http: { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) } },
  });
}

/**
 * A persisted operation id that no manifest this caller may use holds. The
 * message is the one Apollo Client's persisted-queries link and urql's
 * persisted exchange look for (they then resend the full document); HTTP 404
 * under application/graphql-response+json.
 */
export const persistedQueryNotFound = () => refusedBeforeExecution('PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound', {}, 404);

/**
 * A browser-style "simple" request (GET, or a text/plain or form POST) without
 * a CSRF header (src/browserSafety.ts): HTTP 403 whatever the Accept header,
 * as nothing was parsed or run.
 */
export const csrfRejected = (message: string) => codedError('CSRF_REJECTED', message, { http: { status: 403 } });

/** A document sent by a caller restricted to persisted operations (partners): HTTP 403 under application/graphql-response+json. */
export const persistedQueryOnly = (message: string) => refusedBeforeExecution('PERSISTED_QUERY_ONLY', message, {}, 403);

const SQLSTATE_CODES: Record<string, [code: ErrorCode, message: string]> = {
  '42501': ['FORBIDDEN', 'Not allowed'], // insufficient_privilege, incl. RLS WITH CHECK violations
  '23505': ['CONFLICT', 'Already exists'],
  '23503': ['INVALID_REFERENCE', 'Refers to a row that does not exist or is not visible'],
  '23514': ['BAD_USER_INPUT', 'Violates a constraint'],
  '23502': ['BAD_USER_INPUT', 'A required value is missing'],
  '22P02': ['BAD_USER_INPUT', 'Malformed value'],
  P0001: ['FORBIDDEN', 'Not allowed by a business rule'], // our own SQL without the FORTRESS: prefix below
  '40P01': ['SERVICE_UNAVAILABLE', 'Conflicting concurrent change; retry'],
  '40001': ['SERVICE_UNAVAILABLE', 'Conflicting concurrent change; retry'],
  '57014': ['SERVICE_UNAVAILABLE', 'The database took too long (DB_TX_TIMEOUT_MS); try again'], // statement_timeout (src/db/client.ts)
};

const PRISMA_CODES: Record<string, [code: ErrorCode, message: string]> = {
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
  constructor(message: string, code: ErrorCode) {
    super(message, { extensions: { code } });
  }
}

export const isCommittedFailure = (e: GraphQLError) => (e.originalError as { commit?: unknown } | undefined)?.commit === true;

// Expected failures raised by our SQL functions and triggers: SQLSTATE P0001
// with the message 'FORTRESS:<CODE>: <text>' (README, "Writing SQL
// functions"). <CODE> must be in ERROR_CODES; the client sees it with <text>.
// A DETAIL that is a JSON object adds its keys to the error's extensions
// (OUT_OF_STOCK's `items`); `code` and `http` stay ours.
const RAISED_BY_SQL = /^FORTRESS:([A-Z_]+): (.+)$/s;
const MAX_DETAIL_LENGTH = 16_384;
const RESERVED_EXTENSIONS = new Set(['code', 'http']);
type Mapped = [code: ErrorCode, message: string, extensions?: Record<string, unknown>];

/** The extra extensions in a FORTRESS: error's DETAIL: a JSON object, else nothing. */
function detailExtensions(detail: unknown): Record<string, unknown> | undefined {
  if (typeof detail !== 'string' || !detail.startsWith('{') || detail.length > MAX_DETAIL_LENGTH) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(detail);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const extensions = Object.fromEntries(Object.entries(parsed).filter(([key]) => !RESERVED_EXTENSIONS.has(key)));
  return Object.keys(extensions).length ? extensions : undefined;
}

function raisedBySql(e: Record<string, unknown>): Mapped | undefined {
  const meta = e.meta as Record<string, unknown> | undefined;
  for (const text of [e.originalMessage, e.message, meta?.message]) {
    const m = typeof text === 'string' ? RAISED_BY_SQL.exec(text) : null;
    if (m && (ERROR_CODES as readonly string[]).includes(m[1]!)) {
      const extensions = detailExtensions(e.detail ?? meta?.detail);
      return extensions ? [m[1] as ErrorCode, m[2]!, extensions] : [m[1] as ErrorCode, m[2]!];
    }
  }
  return undefined;
}

/** Finds a Prisma code (Pxxxx) or SQLSTATE anywhere in an error's cause chain. */
function databaseCode(error: unknown): Mapped | undefined {
  const seen = new Set<unknown>();
  let e = error as Record<string, unknown> | undefined;
  // The outermost mapped code, unless a FORTRESS: message turns up further down
  // (Prisma wraps the driver's error, whose message is the exact one).
  let hit: Mapped | undefined;
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    for (const candidate of [e.code, e.originalCode, (e.meta as Record<string, unknown> | undefined)?.code]) {
      if (typeof candidate === 'string') {
        const raised = candidate === 'P0001' ? raisedBySql(e) : undefined;
        if (raised) return raised;
        hit ??= PRISMA_CODES[candidate] ?? SQLSTATE_CODES[candidate];
      }
    }
    const adapter = (e.meta as Record<string, unknown> | undefined)?.driverAdapterError;
    e = (adapter ?? e.cause) as Record<string, unknown> | undefined;
  }
  if (hit) return hit;
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

// The request log (src/requestLog.ts) logs the original of every unexpected error; clients get only the code.
export function maskError(error: unknown): Error {
  const original = isGraphQLError(error) ? error.originalError : error;
  if (original instanceof Error && POTHOS_INPUT_ERRORS.has(original.name)) {
    // Pothos' message may quote the value: keep it short.
    return badInput(original.message.slice(0, 200), undefined, {}, { path: isGraphQLError(error) ? error.path : undefined });
  }
  // Parse/validation errors and our own typed errors are safe to show as they are.
  if (isGraphQLError(error) && (!original || isGraphQLError(original))) return error;
  const path = isGraphQLError(error) ? error.path : undefined;
  const mapped = databaseCode(original);
  // UNAUTHENTICATED from SQL: the token's session was revoked (app.require_live_session); 401 like a bad token.
  if (mapped?.[0] === 'UNAUTHENTICATED') return unauthenticated(mapped[1]);
  if (mapped) return codedError(mapped[0], mapped[1], mapped[2] ?? {}, { path });
  return codedError('INTERNAL_SERVER_ERROR', 'Unexpected error', {}, { path });
}
