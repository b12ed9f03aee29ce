// The server's shutdown state, shared by the process that receives the signal
// (src/server.ts) and the Yoga instance that answers /ready (src/yoga.ts):
// a handle passed to buildYoga, not a global, so tests build as many
// independent instances as they like.
import type { Server } from 'node:http';
import type { Plugin } from 'graphql-yoga';

export interface Lifecycle {
  /** True from the first SIGTERM / SIGINT on: /ready answers 503 and responses close their connection. */
  readonly draining: boolean;
  /** Starts draining. Idempotent. */
  drain: () => void;
}

export function createLifecycle(): Lifecycle {
  let draining = false;
  return {
    get draining() {
      return draining;
    },
    drain: () => {
      draining = true;
    },
  };
}

/**
 * While draining, every response says `connection: close`: Node then closes
 * a keep-alive connection once its response is written, instead of leaving
 * it idle until the listener's close cuts it, so clients reconnect elsewhere
 * rather than to a server that is going away.
 */
export function useDrainConnections(lifecycle: Lifecycle): Plugin {
  return {
    onResponse({ response }) {
      if (lifecycle.draining) response.headers.set('connection', 'close');
    },
  };
}

/**
 * Stops accepting connections and waits for the open ones to finish their
 * requests, up to `timeoutMs`; then cuts whatever is left. Node's close()
 * also closes the connections idle at that moment; busy ones close after
 * their response (useDrainConnections). `cut` is how many were still open
 * at the deadline (0 when everything drained).
 */
export async function closeServer(server: Server, timeoutMs: number): Promise<{ drained: boolean; cut: number }> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const outcome = await Promise.race([closed, deadline]);
  clearTimeout(timer);
  if (outcome !== 'timeout') return { drained: true, cut: 0 };
  const cut = await new Promise<number>((resolve) => server.getConnections((_e, n) => resolve(n ?? 0)));
  server.closeAllConnections();
  await closed;
  return { drained: false, cut };
}
