// Preloaded by test/lifecycle/tracing.test.ts through NODE_OPTIONS: appends
// to MODULE_PROBE_FILE the URL of every OpenTelemetry module the process
// imports, so the test can tell "tracing off" from "tracing on" by what was
// loaded, not by what the code says it does.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';

// Proof the probe itself ran in this process.
if (process.env.MODULE_PROBE_FILE) appendFileSync(process.env.MODULE_PROBE_FILE, 'probe loaded\n');

register('./module-probe-hooks.mjs', import.meta.url, { data: { file: process.env.MODULE_PROBE_FILE } });
