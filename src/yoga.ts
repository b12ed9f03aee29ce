// Builds the Yoga instance: limits, authentication, the request transaction,
// error masking, health and readiness. src/server.ts only listens.
import {
  GraphQLError, Kind, getOperationAST, getVariableValues, type DocumentNode, type ExecutionArgs, type FieldNode, type FragmentDefinitionNode,
  type GraphQLField, type SelectionSetNode,
} from 'graphql';
import { getMappedArgumentValues } from '@pothos/core';
import { createYoga, useReadinessCheck, type Plugin } from 'graphql-yoga';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { MAX_QUERY_COST, operationCost } from './schema/cost.js';
import { schema } from './schema/index.js';
import type { Context } from './context.js';
import type { Database } from './db/client.js';
import { withRequestTransaction, Rollback } from './db/request.js';
import { pendingMigrationsOf } from './db/migrate.js';
import type { TokenService, Viewer } from './auth/tokens.js';
import type { AuthSettings, RunInTransaction } from './resolvers/identity.js';
import type { WebhookSettings } from './resolvers/webhook.js';
import { createPartnerLimiter, createSignInLimiter, usePartnerRateLimit } from './auth/limits.js';
import { usePartnerTokenEndpoint } from './auth/oauth.js';
import { useInputLimits } from './inputLimits.js';
import { useSupportRules } from './auth/support.js';
import { loadPersistedDocuments, usePersistedDocuments, type PersistedDocuments } from './persisted.js';
import { codedError, isCommittedFailure, maskError, refusedBeforeExecution, type ErrorCode } from './errors.js';
import { createLog, silentLog, type Logger } from './log.js';
import { createMetrics, useMetricsEndpoint, type MetricsOptions } from './metrics.js';
import { createRequestLog } from './requestLog.js';
import { corsOptions, useCsrfPrevention, useSecurityHeaders, type CorsPolicy } from './browserSafety.js';
import { useDrainConnections, type Lifecycle } from './lifecycle.js';
import { useCompiledOperations } from './compiled/plugin.js';

export interface YogaOptions {
  database: Database;
  tokens: TokenService;
  /** Login policy; defaults: 5 failures lock for 15 minutes, refresh tokens live 30 days. */
  authPolicy?: Partial<Omit<AuthSettings, 'tokens'>> & { perAddressPerMinute?: number };
  /** Serve GraphiQL. */
  development?: boolean;
  /**
   * GraphiQL's sign-in in development, asked for each time the page is served
   * so its token is always fresh: headers, a title and a banner (shown as the
   * default query) saying who it is signed in as and how to get a new token.
   */
  graphiqlSession?: () => Promise<{ headers?: Record<string, string>; title?: string; banner?: string }>;
  /** Write logs (access lines, unexpected errors). Tests turn it off, or pass `log`. */
  logging?: boolean;
  /** The pino logger (src/log.ts); default: JSON lines on stdout at info. */
  log?: Logger;
  /** GET /metrics: its bearer token (METRICS_TOKEN), or open without one (development); default: served only in development. `false`: no metrics at all (measuring their cost). */
  metrics?: MetricsOptions | false;
  /** Behind a reverse proxy: take the client address from X-Forwarded-For. */
  trustProxy?: boolean;
  /** Answer introspection queries (default: only in development). */
  introspection?: boolean;
  /** Partner clients: GraphQL requests a minute of a client without its own limit (600), POST /oauth/token requests per address a minute (30). */
  partnerPolicy?: { ratePerMinute?: number; tokenRatePerMinute?: number };
  /** The persisted-operations manifests (default: the committed ones in persisted-documents/, read once here). */
  persistedDocuments?: PersistedDocuments;
  /** Webhook registration rules (WEBHOOK_ALLOW_PRIVATE); default: https and public addresses only. */
  webhooks?: Partial<WebhookSettings>;
  /** Origins allowed cross-origin (CORS_ORIGINS); default: none. */
  cors?: CorsPolicy;
  /** Strict-Transport-Security max-age in seconds (HSTS_MAX_AGE); default: not sent. */
  hstsMaxAgeSeconds?: number;
  /** The process's shutdown state (src/server.ts drains it on SIGTERM): /ready answers 503 while draining. */
  lifecycle?: Lifecycle;
  /** OpenTelemetry spans for parse, validate and execute (src/tracing.ts), only when tracing is on; default none. */
  tracing?: Plugin<Context>[];
  /** COMPILED_OPERATIONS: answer compiled persisted operations with one SQL statement (src/compiled/); default on. */
  compiledOperations?: boolean;
}

/** Largest request body accepted, in bytes; larger ones get HTTP 413 before parsing. */
export const MAX_BODY_BYTES = 1_048_576;

/**
 * Refuses bodies over MAX_BODY_BYTES with 413 before Yoga reads them: by
 * Content-Length when sent, otherwise by counting a copy of the stream up to
 * the limit (a chunked upload cannot slip past).
 */
function useBodyLimit(): Plugin<Context> {
  const tooLarge = (fetchAPI: { Response: typeof Response }) =>
    fetchAPI.Response.json(
      { errors: [codedError('PAYLOAD_TOO_LARGE', `Request body exceeds ${MAX_BODY_BYTES} bytes`, { maxBytes: MAX_BODY_BYTES }).toJSON()] },
      { status: 413 },
    );
  return {
    async onRequest({ request, fetchAPI, endResponse }) {
      if (!request.body) return;
      const declared = Number(request.headers.get('content-length') ?? NaN);
      if (Number.isFinite(declared)) {
        if (declared > MAX_BODY_BYTES) endResponse(tooLarge(fetchAPI));
        return;
      }
      const reader = request.clone().body!.getReader();
      let size = 0;
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        size += chunk.value.byteLength;
        if (size > MAX_BODY_BYTES) {
          await reader.cancel();
          return endResponse(tooLarge(fetchAPI));
        }
      }
    },
  };
}

/**
 * Prices the operation about to run with the variables actually sent (see
 * src/schema/cost.ts) and refuses it when it costs more than MAX_QUERY_COST.
 * Runs before useRequestTransaction, so a refused query never reaches the
 * database. Not a validation rule: Yoga caches validation per document, and
 * the price depends on the variables.
 */
function useQueryCost(): Plugin<Context> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const cost = operationCost(args.schema, args.document, args.operationName, args.variableValues ?? undefined);
      if (cost !== undefined && cost > MAX_QUERY_COST) {
        setResultAndStopExecution({
          errors: [
            refusedBeforeExecution(
              'GRAPHQL_VALIDATION_FAILED',
              `Query cost ${cost} exceeds the limit of ${MAX_QUERY_COST}: ask for smaller pages (first/last) or fewer nested lists`,
              { cost, maxCost: MAX_QUERY_COST },
            ),
          ],
        });
      }
    },
  };
}

/**
 * A sign-in step's first half, run before the request transaction (see
 * src/resolvers/identity.ts). It gets the field's arguments as its resolver
 * would: coerced, then validated and transformed by the field's declared rules.
 */
type Prepare = (ctx: Context, run: RunInTransaction, args: Record<string, unknown>) => Promise<void>;

interface PreparedField {
  prepare: Prepare;
  /** The field's arguments after its argument mappers (@pothos/plugin-validation's rules). */
  args: (ctx: Context) => Promise<Record<string, unknown>>;
  name: string;
}

/** The root field's `prepare` extension when it is the only field of the operation. */
function preparedField(args: ExecutionArgs): PreparedField | undefined {
  const operation = getOperationAST(args.document, args.operationName);
  const only = operation?.selectionSet.selections.length === 1 ? operation.selectionSet.selections[0] : undefined;
  const root = operation && args.schema.getRootType(operation.operation);
  if (!operation || !root || only?.kind !== Kind.FIELD) return undefined;
  const field = root.getFields()[only.name.value];
  const prepare = field?.extensions?.prepare as Prepare | undefined;
  if (!field || !prepare) return undefined;
  const variables = getVariableValues(args.schema, operation.variableDefinitions ?? [], args.variableValues ?? {});
  if (variables.errors) return undefined; // execution reports them
  const fragments = Object.fromEntries(
    args.document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const info = { schema: args.schema, fragments, variableValues: variables.coerced };
  return {
    prepare,
    args: async (ctx) => getMappedArgumentValues(field as GraphQLField<unknown, unknown>, only as FieldNode, ctx, info),
    name: only.alias?.value ?? only.name.value,
  };
}

/**
 * Runs the whole execution of an operation inside the request transaction
 * and hands resolvers its client as ctx.db. A result with errors rolls the
 * request transaction back, so a failing operation never leaves a partial write.
 * A sign-in field's `prepare` half runs first, outside it (argon2 must not
 * hold a pooled connection); its failure ends the request there.
 */
function useRequestTransaction(database: Database): Plugin<Context> {
  const run: RunInTransaction = (viewer, fn) => withRequestTransaction(database, viewer, fn);
  return {
    async onExecute({ args, executeFn, setExecuteFn, setResultAndStopExecution }) {
      const ctx = args.contextValue as Context;
      const step = preparedField(args);
      if (step) {
        try {
          await step.prepare(ctx, run, await step.args(ctx));
        } catch (e) {
          const error = maskError(e);
          setResultAndStopExecution({
            data: null,
            // The original rides along so the request log can report an unexpected one (masking keeps the code).
            errors: [new GraphQLError(error.message, { path: [step.name], extensions: (error as GraphQLError).extensions, originalError: e instanceof Error ? e : undefined })],
          });
          return;
        }
      }
      setExecuteFn((args) =>
        withRequestTransaction(database, ctx.viewer, async (db) => {
          ctx.db = db;
          const result = await executeFn(args);
          // Roll back on any error, except when every error is a failure whose
          // record must persist (a reused refresh token).
          if ('errors' in result && result.errors?.length && !result.errors.every(isCommittedFailure)) throw new Rollback(result);
          return result;
        }),
      );
    },
  };
}

/**
 * Parse and validation errors (graphql-armor's limits included) carry no
 * code; give them one, so every error a client sees has a stable
 * extensions.code. Execution errors already have theirs (src/errors.ts).
 */
function useErrorCodeForInvalidDocuments(): Plugin<Context> {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !('errors' in result) || !result.errors?.length) return;
      setResult({
        ...result,
        errors: result.errors.map((e) =>
          e.extensions?.code
            ? e
            : new GraphQLError(e.message, {
                ...e,
                // Refused before execution: 400 under application/graphql-response+json (GraphQL over HTTP).
                extensions: { http: { spec: true, status: 400 }, ...e.extensions, code: 'GRAPHQL_VALIDATION_FAILED' satisfies ErrorCode },
              }),
        ),
      });
    },
  };
}

/**
 * Anonymous callers may run only the root fields marked public (sign-up,
 * login, refresh, viewer); anything else is UNAUTHENTICATED before a
 * transaction starts, instead of a FORBIDDEN from the database. RLS still
 * decides what a signed-in caller sees.
 */
function useSignInRequired(): Plugin<Context> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if ((args.contextValue as Context).viewer.kind !== 'anonymous') return;
      const operation = getOperationAST(args.document, args.operationName);
      const root = operation && args.schema.getRootType(operation.operation);
      if (!operation || !root) return;
      const closed = rootFields(args.document, operation.selectionSet).filter(
        (name) => !name.startsWith('__') && root.getFields()[name]?.extensions?.public !== true,
      );
      if (closed.length) {
        setResultAndStopExecution({
          errors: [
            refusedBeforeExecution(
              'UNAUTHENTICATED',
              `Sign in first: ${[...new Set(closed)].join(', ')} needs an access token (Authorization: Bearer <accessToken> from login)`,
              {},
              401,
            ),
          ],
        });
      }
    },
  };
}

/** Names of the root fields a selection set asks for, through fragments. */
export function rootFields(document: DocumentNode, set: SelectionSetNode): string[] {
  return set.selections.flatMap((s) => {
    if (s.kind === Kind.FIELD) return [s.name.value];
    const fragment =
      s.kind === Kind.INLINE_FRAGMENT
        ? s
        : document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === s.name.value);
    return fragment && 'selectionSet' in fragment ? rootFields(document, fragment.selectionSet) : [];
  });
}

export function buildYoga({
  database, tokens, authPolicy, development = false, graphiqlSession, logging = true, trustProxy = false, introspection = development,
  partnerPolicy,
  persistedDocuments = loadPersistedDocuments(),
  webhooks,
  cors = { origins: [] },
  hstsMaxAgeSeconds,
  lifecycle,
  tracing = [],
  log: givenLog,
  metrics: metricsOptions = { open: development },
  compiledOperations = true,
}: YogaOptions) {
  const log = logging ? (givenLog ?? createLog()) : silentLog();
  const metrics = metricsOptions ? createMetrics(database, { ...metricsOptions, log }) : undefined;
  // The wait for a request transaction's connection (src/db/request.ts).
  if (metrics) database.onTransactionWait = metrics.transactionWait;
  const rootFields = new Set([schema.getQueryType(), schema.getMutationType()].flatMap((t) => (t ? Object.keys(t.getFields()) : [])));
  const requestLog = createRequestLog({ log, metrics, rootFields, graphqlEndpoint: '/graphql' });
  // The viewer of a request, verified once: the persisted-operations check needs it
  // before the context exists (which may run this operation, and which manifest
  // applies), and the context gets the same one.
  const viewers = new WeakMap<Request, Promise<Viewer>>();
  const viewerOf = (request: Request) => {
    let viewer = viewers.get(request);
    if (!viewer) viewers.set(request, (viewer = tokens.viewerFromAuthorization(request.headers.get('authorization'))));
    return viewer;
  };
  const policy = { refreshTtlDays: 30, maxAttempts: 5, lockMinutes: 15, ...authPolicy };
  const auth: AuthSettings = { tokens, ...policy, limiter: authPolicy?.limiter ?? createSignInLimiter({ ...policy, onLimited: metrics?.rateLimited }) };
  const webhookSettings: WebhookSettings = { allowPrivate: false, ...webhooks };
  // X-Forwarded-For is anyone's to write: only believed behind a trusted proxy.
  const clientAddress = (request: Request, serverContext: unknown) =>
    ((trustProxy && request.headers.get('x-forwarded-for')?.split(',')[0]?.trim()) ||
      (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req?.socket?.remoteAddress ||
      '').slice(0, 64) || null;
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    // Yoga's own reports through the request log: unexpected errors at error level, each once.
    logging: logging ? requestLog.yogaLogger : false,
    landingPage: false,
    // Only configured origins get CORS headers (Yoga's default reflects any origin, with credentials).
    cors: corsOptions(cors),
    graphiql: development
      ? async () => {
          const session = await graphiqlSession?.();
          const headers = session?.headers ? JSON.stringify(session.headers, null, 2) : undefined;
          return {
            title: session?.title ?? 'Fortress',
            defaultQuery: session?.banner,
            headers,
            // Yoga's GraphiQL persists headers in the browser, so a reload would bring back an
            // expired token: use this page's fresh one, and keep tokens out of localStorage.
            ...(headers ? { initialHeaders: headers } : {}),
            shouldPersistHeaders: false,
          } as import('graphql-yoga').GraphiQLOptions;
        }
      : false,
    // GraphiQL's scripts and styles bundled from npm (Yoga's default page loads them from a
    // CDN: a blank page offline). Loaded on first use: 9 MB that production never needs.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    // isDev stays false outside development: no original messages or stacks in responses.
    maskedErrors: { maskError, isDev: development },
    // Yoga's own empty-body check stays available for probes; /health below answers JSON.
    healthCheckEndpoint: '/healthz',
    // useBodyLimit (first plugin) already refuses bodies over MAX_BODY_BYTES, declared or
    // streamed; Yoga's own 25 MB limit would pipe every body through a TransformStream (an
    // AbortController and a DOMException per request) to enforce a larger bound.
    maxRequestBodySize: false,
    // GraphQL over HTTP's persisted documents send `documentId` (usePersistedDocuments reads it);
    // allowed beside a document too, which users may send.
    extraParamNames: ['documentId'],
    context: async ({ request, req }: { request: Request; req?: { socket?: { remoteAddress?: string } } }) =>
      ({
        viewer: await viewerOf(request),
        // X-Forwarded-For is anyone's to write: only believed behind a trusted proxy.
        // Both are recorded with sessions and login attempts: untrusted, so truncated.
        ip: ((trustProxy && request.headers.get('x-forwarded-for')?.split(',')[0]?.trim()) || req?.socket?.remoteAddress || '').slice(0, 64) || null,
        userAgent: request.headers.get('user-agent')?.slice(0, 512) ?? null,
        auth,
        webhooks: webhookSettings,
      }) as Context,
    plugins: [
      // First: it must see every request (also those answered early below) and results before masking.
      requestLog.first,
      // GET /metrics behind METRICS_TOKEN; then the GraphQL and HTTP series of @graphql-yoga/plugin-prometheus.
      ...(metrics && metricsOptions ? [useMetricsEndpoint(metrics, metricsOptions), ...metrics.prometheus] : []),
      useSecurityHeaders({ hstsMaxAgeSeconds }),
      ...(lifecycle ? [useDrainConnections(lifecycle)] : []),
      // GraphQL spans under the HTTP server span (tracing on only): before the request
      // transaction's plugin, so resolvers' statements are children of the execute span.
      ...tracing,
      useBodyLimit(),
      // A GET or a text/plain or form POST must carry a CSRF header (CSRF_REJECTED, 403).
      useCsrfPrevention(),
      // POST /oauth/token (partner clients' OAuth2 client credentials), answered before GraphQL.
      usePartnerTokenEndpoint({
        tokens,
        run: (viewer, fn) => withRequestTransaction(database, viewer, fn),
        perAddressPerMinute: partnerPolicy?.tokenRatePerMinute ?? 30,
        clientAddress,
        log,
        onLimited: metrics?.rateLimited,
      }),
      // Swaps a persisted operation's id for its manifest text (partners: only ids of
      // their manifest) while Yoga reads the request's params, before parsing: every
      // plugin below (armor, input limits, cost, sign-in, the request transaction,
      // masking) then treats it exactly as a document sent in full.
      usePersistedDocuments(persistedDocuments, viewerOf),
      // A compiled persisted operation of a signed-in user: one SQL statement writes the
      // response (src/compiled/plugin.ts); anything else, or any anomaly, goes on below.
      useCompiledOperations({
        database,
        schema,
        manifests: persistedDocuments,
        viewerOf,
        enabled: compiledOperations,
        onPath: metrics?.executionPath,
        onServed: (request, operation, seconds) => {
          requestLog.compiled(request, operation);
          metrics?.compiled(request, operation, seconds);
        },
        // Expected fallbacks (a partner, a bad cursor…) at debug; a compiler failure is a bug.
        onFallback: (operation, reason) =>
          reason.startsWith('unexpected')
            ? log.error({ operation, reason }, 'compiled read path failed; answered by the ordinary path')
            : log.isLevelEnabled('debug') && log.debug({ operation, reason }, 'compiled operation answered by the ordinary path'),
      }),
      // Depth, alias, directive and token limits; no field suggestions in production.
      // Armor's cost limit sees neither variables nor page sizes: useQueryCost replaces it.
      EnvelopArmorPlugin({
        maxDepth: { n: 12 },
        maxAliases: { n: 15 },
        costLimit: { enabled: false },
        blockFieldSuggestion: { enabled: !development },
      }),
      ...(introspection ? [] : [useDisableIntrospection()]),
      useErrorCodeForInvalidDocuments(),
      // Malformed arguments (NUL bytes, lengths, list sizes, cursors, global ids,
      // scalars) are BAD_USER_INPUT naming the argument, before any SQL.
      useInputLimits(),
      useQueryCost(),
      useSignInRequired(),
      // Each partner client's requests a minute (partner_clients.rate_limit_per_minute or the default).
      usePartnerRateLimit(createPartnerLimiter({ defaultPerMinute: partnerPolicy?.ratePerMinute ?? 600, onLimited: metrics?.rateLimited })),
      // Support tokens: only `support` and `supportLogout`, every read recorded first (issue 12).
      useSupportRules(database),
      useRequestTransaction(database),
      // Errors thrown out of the request transaction itself, logged with the request id.
      requestLog.last,
      useReadinessCheck({
        endpoint: '/health',
        check: ({ fetchAPI }) => fetchAPI.Response.json({ status: 'ok' }),
      }),
      useReadinessCheck({
        endpoint: '/ready',
        check: async ({ fetchAPI }) => {
          // From the shutdown signal on: a load balancer stops sending new requests here.
          if (lifecycle?.draining) return fetchAPI.Response.json({ status: 'shutting_down' }, { status: 503 });
          try {
            const pending = await pendingMigrationsOf(database.pool);
            const ready = pending.length === 0;
            return fetchAPI.Response.json({ status: ready ? 'ready' : 'pending_migrations', pending }, { status: ready ? 200 : 503 });
          } catch {
            return fetchAPI.Response.json({ status: 'database_unreachable' }, { status: 503 });
          }
        },
      }),
    ],
  });
}

export type FortressYoga = ReturnType<typeof buildYoga>;
