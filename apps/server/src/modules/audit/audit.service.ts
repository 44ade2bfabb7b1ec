import type { AuditCheckpoint, AuditEntry, AuditListQuery } from '@redgrid/contracts';
import { auditChainRepository } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import { listAuditTrail } from '../../platform/cross-scope.repository.ts';
import { read, write } from '../../platform/unit-of-work.ts';

/** The audit trail, newest first, filtered; only the audit admin holds audit.read. */
export async function listAuditEntries(ctx: RequestContext, query: AuditListQuery) {
  return read(ctx, 'audit.read', async (unit) => {
    const { rows, total } = await unit.use((db) => listAuditTrail(db, query));
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
    return { items, total, page: query.page, pageSize: query.pageSize };
  });
}

/**
 * A signed checkpoint of the chain's head, for the audit admin to keep off this machine; a later
 * `audit:verify --checkpoint <file>` proves the log was not rolled back or rewritten behind it.
 */
export function getAuditCheckpoint(ctx: RequestContext): Promise<AuditCheckpoint> {
  // A unit with a transaction although nothing is written: the head and its row are read under the append lock.
  return write(ctx, 'audit.read', (unit) => unit.use(auditChainRepository).checkpoint(ctx.config.auditKey, ctx.clock()));
}
