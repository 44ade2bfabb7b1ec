import type { AuditCheckpoint, AuditEntry, AuditListQuery } from '@redgrid/contracts';
import { sql } from 'kysely';
import { auditChainRepository } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import { requirePermission } from '../../platform/scope.ts';
import { write } from '../../platform/unit-of-work.ts';

/**
 * The audit admin reads the whole trail: three-way admin separation gives the auditor all rows
 * and nothing else, so this query is deliberately not area-scoped.
 */
export async function listAuditEntries(ctx: RequestContext, query: AuditListQuery) {
  requirePermission(ctx, 'audit.read');
  let base = ctx.database.db.selectFrom('audit_log');
  if (query.entity) base = base.where('entity', '=', query.entity);
  if (query.action) base = base.where('action', '=', query.action);
  if (query.actorId) base = base.where('actor_id', '=', query.actorId);
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('id', 'desc').limit(query.pageSize).offset((query.page - 1) * query.pageSize).execute(),
    base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  const items: AuditEntry[] = rows.map((r) => ({
    id: r.id,
    at: new Date(r.at).toISOString(),
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    areaId: r.area_id,
    ip: r.ip,
    requestId: r.request_id,
    before: r.before ?? null,
    after: r.after ?? null,
    hash: r.hash,
  }));
  return { items, total: count.n, page: query.page, pageSize: query.pageSize };
}

/**
 * A signed checkpoint of the chain's head, for the audit admin to keep off this machine; a later
 * `audit:verify --checkpoint <file>` proves the log was not rolled back or rewritten behind it.
 */
export function getAuditCheckpoint(ctx: RequestContext): Promise<AuditCheckpoint> {
  // A unit with a transaction although nothing is written: the head and its row are read under the append lock.
  return write(ctx, 'audit.read', (unit) => unit.use(auditChainRepository).checkpoint(ctx.config.auditKey, ctx.clock()));
}
