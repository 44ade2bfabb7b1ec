import { z } from 'zod';
import type { AppConfig } from '../../../config.ts';
import { ctxOf, type App } from '../../../platform/http.ts';
import { publicRateLimit } from '../../../platform/rate-limit.ts';
import { publicVectorTile } from './area-geo.service.ts';

/**
 * The public map's outlines (no account: the resident's report page): every current division and grid
 * with its name, rate limited per client address, cacheable by browsers and proxies for five minutes.
 */
export async function registerPublicTileRoutes(app: App, config: AppConfig): Promise<void> {
  await app.register(async (scoped) => {
    const limit = await publicRateLimit(scoped, config);
    (scoped as App).get('/api/public/tiles/areas/:z/:x/:y', {
      config: { permission: 'public' },
      onRequest: limit.tiles,
      schema: {
        tags: ['public'],
        summary: '公开地图的区划与网格边界矢量瓦片（Mapbox Vector Tile，图层 areas；只含名称、代码、层级），供居民上报页选点',
        params: z.object({ z: z.coerce.number().int().min(0).max(22), x: z.coerce.number().int().min(0), y: z.string().regex(/^\d+\.mvt$/, '形如 123.mvt') }).strict(),
      },
    }, async (req, reply) => {
      const { z: zoom, x, y } = req.params as { z: number; x: number; y: string };
      const tile = await publicVectorTile(ctxOf(req), zoom, x, Number(y.slice(0, -4)));
      return reply.header('content-type', 'application/vnd.mapbox-vector-tile').header('cache-control', 'public, max-age=300').send(Buffer.from(tile));
    });
  });
}
