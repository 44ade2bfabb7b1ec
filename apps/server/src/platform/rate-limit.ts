import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config.ts';
import { AppError } from './errors.ts';

/**
 * Login throttling on top of the account lockout: per client IP (password spraying across many
 * accounts) and per typed username (one account from many addresses), counted by @fastify/rate-limit
 * in this process. Every attempt counts, right or wrong; over the limit → 429 `rate_limited` with
 * Retry-After, before the password is checked. An unknown username is counted like a real one.
 *
 * Registers the plugin in the given (encapsulated) context and returns the preHandler for its route;
 * a preHandler, because the username is in the parsed body.
 */
export async function loginRateLimit(scoped: FastifyInstance, config: AppConfig) {
  await scoped.register(fastifyRateLimit, { global: false });
  const { perIp, perAccount, windowMinutes } = config.loginRateLimit;
  const timeWindow = windowMinutes * 60_000;
  // The plugin's own key for addresses: IPv6 clients counted by their /64, as one household or office.
  const byIp = scoped.createRateLimit({ max: perIp, timeWindow });
  const byAccount = scoped.createRateLimit({ max: perAccount, timeWindow, keyGenerator: (req) => `user:${usernameOf(req)}` });
  return async function limitLogin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    for (const check of [byIp, byAccount]) {
      const limit = await check(request);
      if (!limit.isAllowed && limit.isExceeded) {
        reply.header('retry-after', String(limit.ttlInSeconds));
        throw new AppError('rate_limited', `登录尝试过于频繁，请 ${Math.ceil(limit.ttlInSeconds / 60)} 分钟后再试`, { retryAfterSeconds: limit.ttlInSeconds });
      }
    }
  };
}

function usernameOf(request: FastifyRequest): string {
  const body = request.body as { username?: unknown } | undefined;
  return typeof body?.username === 'string' ? body.username.trim().toLowerCase() : '';
}

/**
 * Public pages without an account (a resident's report, its photos, the tracking page): per client IP
 * (an IPv6 client by its first four groups, roughly its /64), writes per hour and reads per minute, in this process. The plugin's
 * in-memory store is an LRU of at most 5,000 addresses, so a flood of addresses cannot grow it. Over the
 * limit → 429 `rate_limited` with Retry-After. Registers the plugin in the given (encapsulated) context
 * and returns the two onRequest checks.
 */
export async function publicRateLimit(scoped: FastifyInstance, config: AppConfig) {
  await scoped.register(fastifyRateLimit, { global: false });
  const { writesPerHour, readsPerMinute } = config.publicRateLimit;
  const check = (limiter: ReturnType<FastifyInstance['createRateLimit']>) =>
    async function limitPublic(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const limit = await limiter(request);
      if (!limit.isAllowed && limit.isExceeded) {
        reply.header('retry-after', String(limit.ttlInSeconds));
        throw new AppError('rate_limited', `操作过于频繁，请 ${Math.max(1, Math.ceil(limit.ttlInSeconds / 60))} 分钟后再试`, { retryAfterSeconds: limit.ttlInSeconds });
      }
    };
  return {
    // Both limiters share the plugin's store: their keys carry their own prefix.
    writes: check(scoped.createRateLimit({ max: writesPerHour, timeWindow: 3_600_000, keyGenerator: (req) => `public-write:${clientNetwork(req.ip)}` })),
    reads: check(scoped.createRateLimit({ max: readsPerMinute, timeWindow: 60_000, keyGenerator: (req) => `public-read:${clientNetwork(req.ip)}` })),
    // A map view asks for a dozen tiles at once and more at each zoom: ten reads' worth a minute.
    tiles: check(scoped.createRateLimit({ max: readsPerMinute * 10, timeWindow: 60_000, keyGenerator: (req) => `public-tile:${clientNetwork(req.ip)}` })),
  };
}

/** An IPv4 address as it is; an IPv6 one by its first four groups (a household's or an office's prefix). */
function clientNetwork(ip: string): string {
  if (!ip.includes(':') || ip.startsWith('::ffff:')) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return groups.slice(0, 4).join(':');
}
