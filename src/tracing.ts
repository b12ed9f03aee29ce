// OpenTelemetry tracing: HTTP server spans, GraphQL parse / validate / execute
// spans (and resolver spans when TRACE_GRAPHQL_RESOLVERS=true), and one span
// per PostgreSQL statement, exported over OTLP/HTTP (JSON) in batches.
//
// Only ever imported when tracing is configured (src/telemetry.ts, preloaded
// with `node --import`, and src/app.ts check first): with tracing off no
// OpenTelemetry module is loaded, no provider registered, no plugin added.
//
// Why the preload works under ESM without a loader hook: the pg and http
// instrumentations patch prototypes (pg's Client.prototype.query and
// Pool.prototype.connect, http.Server.prototype.emit), and require-in-the-middle
// sees those modules when they are first required, here, before the server's
// ESM graph imports them. The import gets the same module objects, already
// patched. (import-in-the-middle's loader would also work but adds a loader
// thread and wraps every hooked ESM namespace, for nothing these two need.)
// test/lifecycle/tracing.test.ts proves the spans arrive from a real server.
import { createRequire } from 'node:module';
import { SpanKind, SpanStatusCode, context, trace, type Attributes, type Span, type SpanOptions, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { useOpenTelemetry } from '@envelop/opentelemetry';
import type { Plugin } from 'graphql-yoga';
import type { Context } from './context.js';
import { loadTracingConfig, type TracingConfig } from './config.js';

let provider: NodeTracerProvider | undefined;
let settings: TracingConfig | undefined;

/** Probes and scrapes would otherwise be most of the traces. */
const UNTRACED_PATHS = new Set(['/health', '/healthz', '/ready', '/metrics']);

/**
 * A SQL text with every string literal replaced by '?', except the names of
 * set_config's settings. Statements from Prisma and the worker carry their
 * values as bind parameters (never recorded: enhancedDatabaseReporting stays
 * off), but the request transaction's first statement is sent with literals
 * (src/db/identity.ts: `BEGIN; select set_config('role', 'fortress_user',
 * true), set_config('app.current_tenant_id', '<uuid>', true), …` with the
 * tenant, user and session ids). Those ids are not secrets, but a trace store
 * is usually read more widely and kept longer than the logs, which already
 * tie a request id to its tenant and user: the span keeps the statement's
 * shape, not its values.
 */
export const redactSqlLiterals = (sql: string) =>
  sql.replace(/'(?:[^']|'')*'/g, (literal, at: number) => (sql.endsWith('set_config(', at) ? literal : "'?'"));

/** Attributes @envelop/opentelemetry may set that carry request data (variables, resolver arguments, results). */
const DATA_ATTRIBUTES = ['graphql.execute.variables', 'graphql.resolver.args', 'graphql.execute.result'];

/**
 * The GraphQL plugin's tracer, minus request data: resolver arguments
 * (passwords of login, emails, tokens of refresh) and variables never become
 * attributes, and a failed execution records its error codes, not the
 * errors' messages (which may quote input).
 */
function withoutRequestData(inner: TracerProvider): TracerProvider {
  const clean = (options?: SpanOptions): SpanOptions | undefined => {
    if (!options?.attributes) return options;
    const attributes: Attributes = { ...options.attributes };
    for (const key of DATA_ATTRIBUTES) delete attributes[key];
    return { ...options, attributes };
  };
  const codesOnly = (span: Span) => {
    const record = span.recordException.bind(span);
    span.recordException = (exception, time) => {
      const text = typeof exception === 'string' ? exception : (exception.message ?? '');
      const codes = [...new Set([...text.matchAll(/"code":"([A-Z_]+)"/g)].map((m) => m[1]))];
      const name = typeof exception === 'string' ? 'graphql.error' : (exception.name ?? 'graphql.error');
      record({ name, message: codes.length ? codes.join(' ') : 'error' }, time);
    };
    return span;
  };
  return {
    getTracer(name, version, options) {
      const tracer = inner.getTracer(name, version, options);
      const wrapped: Tracer = {
        startSpan: (spanName, options, ctx) => codesOnly(tracer.startSpan(spanName, clean(options), ctx)),
        startActiveSpan: ((spanName: string, ...rest: unknown[]) => {
          const fn = rest.pop() as (span: Span) => unknown;
          const [options, ctx] = rest as [SpanOptions | undefined, Parameters<Tracer['startSpan']>[2]];
          const span = wrapped.startSpan(spanName, options, ctx);
          return context.with(trace.setSpan(ctx ?? context.active(), span), () => fn(span));
        }) as Tracer['startActiveSpan'],
      };
      return wrapped;
    },
  };
}

/**
 * Registers the provider and the instrumentations, then loads `http` and
 * `pg` so they are patched before the application imports them. Called once,
 * by the preload (src/telemetry.ts).
 */
export function startTracing(config: TracingConfig) {
  if (provider) return;
  settings = config;
  const resource = defaultResource()
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }));
  // Sampling follows OTEL_TRACES_SAMPLER (default parentbased_always_on: a caller's
  // sampled traceparent is honoured); OTEL_BSP_* and OTEL_EXPORTER_OTLP_HEADERS /
  // _TIMEOUT are read by the SDK and the exporter themselves.
  provider = new NodeTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: config.tracesUrl }))],
  });
  // Global provider, AsyncLocalStorage context manager, W3C traceparent + baggage propagators.
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // Server spans only: outgoing calls are webhook deliveries (their URLs may hold
        // secrets) and the exporter's own posts.
        disableOutgoingRequestInstrumentation: true,
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0]!),
        // No header becomes an attribute (the default; Authorization in particular). A GET
        // request's query string holds the GraphQL variables: url.query reads REDACTED.
        requestHook: (span, req) => {
          if ('url' in req && req.url?.includes('?')) span.setAttribute('url.query', 'REDACTED');
        },
      }),
      new PgInstrumentation({
        // Statements outside a traced request (the job worker's polling, pool upkeep)
        // would each be a trace of their own.
        requireParentSpan: true,
        enhancedDatabaseReporting: false,
        requestHook: (span, { query }) => {
          if (query.text.includes("'")) span.setAttribute('db.query.text', redactSqlLiterals(query.text));
        },
      }),
    ],
  });
  // Patched here, whatever the application's dependencies happen to require later: the
  // ESM imports that follow get these same (patched) module objects.
  const require = createRequire(import.meta.url);
  require('node:http');
  require('pg');
}

/** Flushes the spans still batched and stops exporting; call before the process exits. */
export async function shutdownTracing() {
  await provider?.shutdown().catch((e: Error) => console.warn(`[tracing] could not export the last spans: ${e.message}`));
}

/**
 * The GraphQL spans for Yoga: parse and validate (below) and execute (plus
 * one per resolver when TRACE_GRAPHQL_RESOLVERS=true) from
 * @envelop/opentelemetry, as children of the HTTP server span.
 * Undefined when tracing was not started by the preload.
 */
export function graphqlTracing(): Plugin<Context>[] | undefined {
  if (!provider || !settings) {
    if (!loadTracingConfig()) return undefined; // OTEL_SDK_DISABLED=true
    console.warn(
      '[tracing] OTEL_EXPORTER_OTLP_ENDPOINT is set but tracing was not started: run the server with ' +
        '`node --import tsx --import ./src/telemetry.ts src/server.ts` (as `npm start` does) so http and pg are instrumented before they load',
    );
    return undefined;
  }
  const tracer = provider.getTracer('fortress-graphql');
  return [
    useParseAndValidateSpans(tracer),
    useOpenTelemetry(
      // The document is recorded only when it has no inline argument (the plugin's rule), variables never.
      { resolvers: settings.resolvers, variables: false, result: false, document: true },
      withoutRequestData(provider),
      SpanKind.INTERNAL,
      {},
      'fortress-graphql',
    ) as Plugin<Context>,
  ];
}

/**
 * graphql.parse and graphql.validate spans: @envelop/opentelemetry only
 * traces execution. Yoga caches both per document, so a repeated query's
 * spans are short; a validation failure marks its span as an error.
 */
function useParseAndValidateSpans(tracer: Tracer): Plugin<Context> {
  return {
    onParse() {
      const span = tracer.startSpan('graphql.parse', { kind: SpanKind.INTERNAL });
      return ({ result }) => {
        if (result instanceof Error) span.setStatus({ code: SpanStatusCode.ERROR, message: 'syntax error' });
        span.end();
      };
    },
    onValidate() {
      const span = tracer.startSpan('graphql.validate', { kind: SpanKind.INTERNAL });
      return ({ valid, result }) => {
        if (!valid) span.setStatus({ code: SpanStatusCode.ERROR, message: `${result.length} validation error(s)` });
        span.end();
      };
    },
  };
}
