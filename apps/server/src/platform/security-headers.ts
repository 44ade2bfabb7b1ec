import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../config.ts';

/**
 * Security headers on every answer (@fastify/helmet), fitted to the console:
 * - the Vite build has no inline scripts, so scripts are 'self' only; antd (CSS-in-JS), MapLibre and
 *   Swagger UI write inline styles, so styles allow 'unsafe-inline' (styles cannot run code);
 * - MapLibre starts its worker from our own file, wrapped in a blob: URL, and decodes tiles into
 *   blob:/data: images; tiles come from our own /api/tiles;
 * - the optional raster base map (REDGRID_BASEMAP_URL) is the one outside origin allowed, for images;
 * - no framing by anyone (frame-ancestors 'none' and X-Frame-Options DENY), nosniff, a referrer
 *   only within the site, and HSTS only on answers that went out over https (directly or behind a
 *   trusted proxy that says so): over plain http the header would be ignored or, on a LAN address,
 *   lock users out of a console that has no certificate.
 */
export async function registerSecurityHeaders(app: FastifyInstance, config: AppConfig): Promise<void> {
  const baseMap = baseMapSource(config.baseMapUrl);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:', ...(baseMap ? [baseMap] : [])],
        'font-src': ["'self'", 'data:'],
        'connect-src': ["'self'", ...(baseMap ? [baseMap] : [])],
        'worker-src': ["'self'", 'blob:'],
        'child-src': ["'self'", 'blob:'],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onSend', async (request, reply) => {
    if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });
}

/** The base map's origin for the CSP; a `{s}` subdomain placeholder becomes a wildcard. */
export function baseMapSource(url: string | null): string | null {
  if (!url) return null;
  const match = /^(https?):\/\/([^/]+)/i.exec(url);
  if (!match) return null;
  const [, scheme, host] = match as unknown as [string, string, string];
  const wildcarded = host.replace(/^\{[a-z]+\}\./i, '*.');
  if (wildcarded.includes('{')) return `${scheme}:`;
  return `${scheme}://${wildcarded}`;
}
