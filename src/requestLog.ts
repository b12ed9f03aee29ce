// One access line per GraphQL request and per POST /oauth/token, and the
// error lines, through the pino logger of src/log.ts.
//
// The access line (info): request id (the caller's X-Request-Id when sane,
// else a UUID; echoed in the response's X-Request-Id), method, path, HTTP
// status, duration, operation name and type, who called (kind, tenant, and
// the principal's ids: user, partner client, support staff…, whatever the
// viewer carries), and the errors' codes and client-facing messages
// (scrubbed). Never variables, never headers, never a token.
//
// Unexpected errors (anything masked as INTERNAL_SERVER_ERROR) get a line of
// their own at error level with the original error (message and stack,
// scrubbed) and the request id. Expected failures (a denial, bad input, a
// wrong password) are ordinary traffic: their codes ride on the access line.
import { getOperationAST, type ExecutionArgs, type ExecutionResult, type GraphQLError } from 'graphql';
import type { Plugin, YogaLogger } from 'graphql-yoga';
import { maskError } from './errors.js';
import { requestIdOf, scrub, serializeError, type Logger } from './log.js';
import type { Metrics } from './metrics.js';
import { TOKEN_PATH } from './auth/oauth.js';

interface RequestState {
  id: string;
  start: number;
  operationName?: string;
  operationType?: string;
  /** The document's text, for the name of an operation refused before it was parsed. */
  query?: unknown;
  context?: { viewer?: Record<string, unknown> };
  errors?: readonly GraphQLError[];
}

const MAX_ERRORS_LOGGED = 10;
const CLIENT_OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;
// Viewer fields that identify who called. Any other `…Id` field a new kind of
// viewer carries (support staff) is logged too; a session id is not (it names
// the refresh token's row).
const NOT_LOGGED_IDS = new Set(['sessionId']);

/** kind, tenantId and every other id the viewer carries. */
function who(viewer: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!viewer) return {};
  const out: Record<string, unknown> = { kind: viewer.kind };
  for (const [key, value] of Object.entries(viewer)) {
    if (key.endsWith('Id') && !NOT_LOGGED_IDS.has(key) && typeof value === 'string') out[key] = value;
  }
  return out;
}

/** The original error behind a result error, when it is not one of our coded errors. */
const originalOf = (e: GraphQLError): unknown => e.originalError ?? e;

// Messages that may repeat what the client sent: graphql-js quotes an invalid
// variable's value, a scalar or validation rule appends it after a colon
// ("signUp(input.email): Value is not a valid email address: <value>"). For
// these codes a log line keeps the text before the first ": " with quoted
// strings dropped, names and paths ("$input", "input.email") kept.
const ECHOING_CODES = new Set(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']);
const QUOTED = /"(?:[^"\\]|\\.)*"/g;
const NAME_OR_PATH = /^"\$?[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"$/;

/** The first line of a client-facing message, fit for a log line. */
export function loggableMessage(code: unknown, message: string): string {
  const line = message.trimStart().split('\n')[0]!;
  if (!ECHOING_CODES.has(String(code))) return scrub(line).slice(0, 200);
  const head = line.split(': ')[0]!;
  return scrub(head.replace(QUOTED, (q) => (NAME_OR_PATH.test(q) && q.length <= 66 ? q : '"[value]"'))).slice(0, 200);
}

/** The name of a document's first operation, read from its text without parsing it. */
function leadingOperationName(query: unknown): string | null {
  if (typeof query !== 'string') return null;
  return /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]{0,99})\b/.exec(query.slice(0, 200))?.[1] ?? null;
}

const isUnexpected = (e: unknown) => (maskError(e) as GraphQLError).extensions?.code === 'INTERNAL_SERVER_ERROR';

export interface RequestLogOptions {
  log: Logger;
  metrics?: Metrics;
  /** Root field names (Query and Mutation): a sign-in failure is counted by field, never by a client's alias. */
  rootFields: ReadonlySet<string>;
  /** Requests to this path (and to POST /oauth/token) get an access line; probes and scrapes do not. */
  graphqlEndpoint: string;
}

/**
 * The request log. `first` goes first among the plugins (it must see every
 * request, also those another plugin answers early, and every execution
 * result before Yoga masks it); `last` goes after the request-transaction
 * plugin, to see errors thrown out of the transaction itself. `yogaLogger` is
 * Yoga's logger: what Yoga reports on its own (errors masked outside an
 * execution, debug lines), skipping errors already logged here.
 */
export function createRequestLog({ log, metrics, rootFields, graphqlEndpoint }: RequestLogOptions) {
  const states = new WeakMap<Request, RequestState>();
  // Errors already logged with their request id: Yoga reports them again when it masks them.
  const logged = new WeakSet<object>();

  const stateOf = (context: unknown) => states.get((context as { request?: Request } | undefined)?.request as Request);

  /** Logs the unexpected ones among `errors` (once each), with the request id. */
  const logUnexpected = (state: RequestState | undefined, errors: readonly unknown[]) => {
    for (const e of errors) {
      if (!e || typeof e !== 'object' || logged.has(e)) continue;
      const original = (e as GraphQLError).originalError;
      logged.add(e);
      if (original) logged.add(original);
      if (!isUnexpected(e)) {
        // The cause behind an expected failure (which constraint, which rule), for debugging only.
        if (original && log.isLevelEnabled('debug')) log.debug({ reqId: state?.id, err: original }, 'expected failure');
        continue;
      }
      log.error({ reqId: state?.id, operation: state?.operationName, err: original ?? e }, 'unexpected error');
    }
  };

  const first: Plugin = {
    onRequest({ request }) {
      states.set(request, { id: requestIdOf(request), start: performance.now() });
    },
    onParams({ params, request }) {
      const state = states.get(request);
      if (!state) return;
      // What the client says; the executed document's own name replaces it in onExecute.
      if (typeof params.operationName === 'string' && CLIENT_OPERATION_NAME.test(params.operationName)) state.operationName = params.operationName;
      state.query = params.query;
    },
    onExecute({ args }) {
      const state = stateOf(args.contextValue);
      if (state) {
        const operation = getOperationAST(args.document, args.operationName);
        state.operationName = operation?.name?.value ?? state.operationName;
        state.operationType = operation?.operation;
        state.context = args.contextValue as RequestState['context'];
      }
      return {
        onExecuteDone({ result }) {
          const errors = (result as ExecutionResult).errors;
          if (errors?.length) logUnexpected(state, errors);
        },
      };
    },
    onResultProcess({ request, result }) {
      if (Array.isArray(result) || !result || !('errors' in result)) return;
      const state = states.get(request);
      const errors = (result as ExecutionResult).errors ?? [];
      if (state) state.errors = errors;
      for (const e of errors) {
        const code = String(e.extensions?.code ?? 'UNKNOWN');
        metrics?.errorCode(code);
        if (code === 'INVALID_CREDENTIALS') {
          const field = typeof e.path?.[0] === 'string' && rootFields.has(e.path[0]) ? e.path[0] : 'other';
          metrics?.loginFailure(field);
        }
      }
    },
    onResponse({ request, response }) {
      const state = states.get(request);
      if (!state) return;
      const path = new URL(request.url, 'http://localhost').pathname;
      const oauth = path === TOKEN_PATH;
      if (!oauth && path !== graphqlEndpoint) return;
      try {
        response.headers.set('x-request-id', state.id);
      } catch {
        // An immutable response (Response.error()): the line still carries the id.
      }
      if (oauth && response.status === 401) metrics?.loginFailure('oauth_token');
      const errors = (state.errors ?? []).slice(0, MAX_ERRORS_LOGGED).map((e) => ({
        code: e.extensions?.code,
        message: loggableMessage(e.extensions?.code, e.message),
        ...(e.path ? { path: e.path.join('.') } : {}),
      }));
      log.info(
        {
          reqId: state.id,
          method: request.method,
          path,
          status: response.status,
          durationMs: Math.round((performance.now() - state.start) * 10) / 10,
          operation: oauth ? 'oauth.token' : (state.operationName ?? leadingOperationName(state.query)),
          ...(state.operationType ? { operationType: state.operationType } : {}),
          ...who(state.context?.viewer),
          ...(errors.length ? { errorCodes: errors.map((e) => e.code), errors } : {}),
        },
        oauth ? 'oauth token request' : 'graphql request',
      );
    },
  };

  const last: Plugin = {
    onExecute({ args, executeFn, setExecuteFn }) {
      const state = stateOf(args.contextValue);
      setExecuteFn(async (a: ExecutionArgs) => {
        try {
          return await executeFn(a);
        } catch (e) {
          logUnexpected(state, [e]);
          throw e;
        }
      });
    },
  };

  // Yoga's own reports. Its debug lines are static text; errors come here when
  // Yoga masks one outside an execution this log saw (a failing context
  // factory, a request it could not parse), or one already logged above.
  const at = (level: 'debug' | 'info' | 'warn') => (...args: unknown[]) => {
    if (log.isLevelEnabled(level)) log[level](scrub(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ')));
  };
  const yogaLogger: YogaLogger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: (...args: unknown[]) => {
      const [e] = args;
      if (e && typeof e === 'object' && logged.has(e)) return;
      if (e instanceof Error) {
        const masked = maskError(e) as GraphQLError;
        const code = masked.extensions?.code;
        if (code && code !== 'INTERNAL_SERVER_ERROR') {
          // An expected failure: one line with the code and the message the client got.
          log.info({ code, message: loggableMessage(code, masked.message) }, 'graphql error');
          return;
        }
        log.error({ err: originalOf(e as GraphQLError) }, 'unexpected error');
        return;
      }
      log.error({ detail: serializeError(e) }, 'unexpected error');
    },
  };

  /**
   * A request the compiled read path answered (src/compiled/plugin.ts): no
   * execution ran, so it says what onExecute would have recorded, and the
   * access line reads the same on both paths.
   */
  const compiled = (request: Request, operation: { name?: string; type: string; viewer: object }) => {
    const state = states.get(request);
    if (!state) return;
    state.operationName = operation.name ?? state.operationName;
    state.operationType = operation.type;
    state.context = { viewer: operation.viewer as Record<string, unknown> };
  };

  return { first, last, yogaLogger, compiled };
}
