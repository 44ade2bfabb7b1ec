import type { AuditActor, AuditCheckpoint, AuditEntry, AuditListQuery } from '@redgrid/contracts';
import { auditChainRepository } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import { auditedObjectNames, listAuditTrail, listAuditTrailActors } from '../../platform/cross-scope.repository.ts';
import { read, write } from '../../platform/unit-of-work.ts';
import { objectFromSnapshots } from './audit-object.ts';

const numericId = (value: string | null): number | null => (value && /^[0-9]{1,15}$/.test(value) ? Number(value) : null);

/** The audit trail, newest first, filtered, each row with its object's name and code; only the audit admin holds audit.read. */
export async function listAuditEntries(ctx: RequestContext, query: AuditListQuery) {
  return read(ctx, 'audit.read', async (unit) => {
    const { rows, total } = await unit.use((db) => listAuditTrail(db, query));
    const objects = rows.map((r) => objectFromSnapshots(r.entity, r.before, r.after));
    // Rows that hold only an id (a login, a reset, an unlock): named as the account or area is named now.
    const missing = (entity: string) =>
      [...new Set(rows.flatMap((r, i) => (r.entity === entity && objects[i]?.name === null ? [numericId(r.entity_id)] : [])).filter((id): id is number => id !== null))];
    const names = await unit.use((db) => auditedObjectNames(db, { users: missing('user'), areas: missing('area') }));
    const items: AuditEntry[] = rows.map((r, i) => {
      const id = numericId(r.entity_id);
      const known = id === null ? undefined : r.entity === 'user' ? names.users.get(id) : r.entity === 'area' ? names.areas.get(id) : undefined;
      const object = objects[i] ?? { name: null, code: null };
      return {
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
        objectName: object.name ?? known?.name ?? null,
        objectCode: object.code ?? known?.code ?? null,
      };
    });
    return { items, total, page: query.page, pageSize: query.pageSize };
  });
}

/** Everyone who acted in the trail, by name (display name where the account still exists), for the actor picker. */
export async function listAuditActors(ctx: RequestContext): Promise<{ items: AuditActor[] }> {
  return read(ctx, 'audit.read', async (unit) => {
    const actors = await unit.use(listAuditTrailActors);
    const ids = actors.map((a) => Number(a.id));
    const names = await unit.use((db) => auditedObjectNames(db, { users: ids, areas: [] }));
    return {
      items: actors.map((a) => {
        const account = names.users.get(Number(a.id));
        return { id: Number(a.id), name: account ? `${account.name}（${account.code}）` : a.name, rows: a.rows };
      }),
    };
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
