import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditEvent } from './audit.ts';
import type { RequestContext } from './context.ts';
import type { AppError } from './errors.ts';
import { recordRefusal } from './unit-of-work.ts';

/**
 * Probing is a security event: a signed-in account refused a record (403, or 404 on a record its scope
 * hides — the two answers look the same on purpose) gets an audit row `denied` on entity `api`. The row
 * names the route's pattern, the method, the status and the id asked for — never the query string or
 * the body, which may carry names and phone numbers. It is written after the request's own work has
 * rolled back, in a transaction of its own, and only for API routes that exist: a path that matches no
 * route (a typo, a scanner) answers from the not-found handler and writes nothing.
 */

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the error handler when the answer is a refusal worth recording. */
    refusal: AuditEvent | null;
  }
}

/** The audit event for a refused request, or null when the failure is not a refusal of a signed-in account. */
export function refusalOf(request: FastifyRequest, error: AppError): AuditEvent | null {
  const actor = request.ctx?.actor;
  const route = request.routeOptions.url;
  if (!actor || !route || !route.startsWith('/api/')) return null;
  // The forced first password change answers 403 to everything else: that is not probing.
  if (error.code === 'forbidden' && error.details?.['mustChangePassword'] === true) return null;
  const status = error.code === 'forbidden' ? 403 : error.code === 'not_found' ? 404 : null;
  if (status === null) return null;
  const params = request.params as Record<string, unknown> | undefined;
  const id = params && (typeof params['id'] === 'string' || typeof params['id'] === 'number') ? String(params['id']) : null;
  return {
    action: 'denied',
    entity: 'api',
    // A session id is a secret's hash: keep only that one was asked for.
    entityId: id && /^[0-9]{1,18}$/.test(id) ? id : null,
    // The account's widest role area, so the security admin whose scope holds the account sees its refusals.
    areaId: actor.roles[0]?.areaId ?? null,
    after: { status, method: request.method, route },
  };
}

/** Records refusals after the answer is made and before it leaves (so a test that reads the trail after the answer sees it). */
export function registerRefusalTrail(app: FastifyInstance): void {
  app.decorateRequest('refusal', null);
  app.addHook('onSend', async (request: FastifyRequest, _reply, payload) => {
    const event = request.refusal;
    if (!event) return payload;
    request.refusal = null;
    try {
      await recordRefusal(request.ctx as RequestContext, event);
    } catch (err) {
      // The refusal itself already stands; a trail that cannot take the row (503 while broken) must not turn it into a 500.
      request.log.warn({ err }, 'refusal not recorded');
    }
    return payload;
  });
}
