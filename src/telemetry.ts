// Preloaded before the server and the worker (`node --import tsx --import
// ./src/telemetry.ts …`, see package.json): starts OpenTelemetry tracing
// (src/tracing.ts) when an OTLP endpoint is configured, early enough for the
// http and pg instrumentations to patch those modules before the application
// imports them.
//
// No static import on purpose: with tracing off (the default) this file costs
// one environment lookup, and no OpenTelemetry module is ever loaded.
const env = process.env;
if (env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
  const { ConfigError, loadTracingConfig } = await import('./config.js');
  try {
    const config = loadTracingConfig(env);
    if (config) (await import('./tracing.js')).startTracing(config);
  } catch (e) {
    // Same contract as the server's other settings: one line naming the variable, exit 1.
    console.error(e instanceof ConfigError ? e.message : e);
    process.exit(1);
  }
}

export {};
