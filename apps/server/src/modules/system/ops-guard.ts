import { SESSION_COOKIE } from '@redgrid/contracts';
import type { AppDeps } from '../../platform/context.ts';
import { safeEqual } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http.ts';
import { resolveSession } from '../auth/index.ts';

/**
 * In production, the operational endpoints are not public: /metrics (process and route timings),
 * the API reference (/api/docs and the spec it serves) and /api/openapi.json need a signed-in
 * session; /metrics also opens to `Authorization: Bearer <REDGRID_METRICS_TOKEN>` for a Prometheus
 * scraper. Demo mode keeps them open: they are part of what a demo shows.
 */
export function guardOperationalEndpoints(app: App, deps: AppDeps): void {
  if (deps.config.mode !== 'production') return;
  const metricsToken = deps.config.metricsToken;
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0] ?? '';
    const isMetrics = path === '/metrics';
    if (!isMetrics && path !== '/api/openapi.json' && path !== '/api/docs' && !path.startsWith('/api/docs/')) return;
    if (isMetrics && metricsToken) {
      const given = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      if (given && safeEqual(given, metricsToken)) return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (!token) throw new AppError('unauthenticated', isMetrics ? '请先登录，或使用监控令牌（REDGRID_METRICS_TOKEN）' : '请先登录');
    await resolveSession(request.ctx, token);
  });
}
