import type { AppConfig } from '../config.ts';

/**
 * Fastify/Node server options that come from config: which X-Forwarded-For hops to believe, and how
 * long a slow client may hold a connection.
 *
 * - trustProxy: a hop count (REDGRID_TRUST_PROXY=true is 1). Each trusted hop is one entry read
 *   from the right of X-Forwarded-For; whatever a client wrote further left is not believed.
 *   (Fastify's own numeric option trusts nothing at all, so it is given as a function.)
 * - headersTimeout: the whole header block must arrive within it; requestTimeout: the whole request
 *   (headers and body); connectionTimeout: a socket with no traffic at all is closed. Node checks
 *   the first two every connectionsCheckingInterval, so that is kept below the header timeout.
 */
export function serverOptions(config: AppConfig) {
  const hops = config.trustProxy;
  const { headersMs, requestMs, socketMs } = config.timeouts;
  return {
    trustProxy: hops > 0 ? (_address: string, hop: number) => hop < hops : false,
    requestTimeout: requestMs,
    connectionTimeout: socketMs,
    http: { headersTimeout: headersMs, requestTimeout: requestMs, connectionsCheckingInterval: Math.min(5_000, Math.max(250, Math.floor(headersMs / 2))) },
  };
}
