import type { Scope } from '../../../platform/context.ts';
import { ownedInsert, scopedFrom, scopedUpdate, type Db } from '../../../platform/data-access.ts';
import type { RecordType } from '../../../db/types-basedata.ts';

export type HistoryAction = 'create' | 'update' | 'move' | 'verify' | 'merge' | 'merged_into' | 'tag' | 'untag' | 'import' | 'visit' | 'claim';
export type HistorySource = 'form' | 'import' | 'visit' | 'merge' | 'seed' | 'system';

export interface HistoryEntryInput {
  recordType: RecordType;
  recordId: number;
  areaId: number;
  action: HistoryAction;
  source?: HistorySource;
  actorId: number | null;
  at: Date;
  /** field → [before, after]; protected fields only masked. */
  changes: Record<string, [unknown, unknown]>;
}

/** Who changed what, when, for every base-data record; rows follow their record when it moves. */
export function historyRepository(db: Db, scope: Scope) {
  return {
    async append(entries: readonly HistoryEntryInput[]): Promise<void> {
      if (entries.length === 0) return;
      await ownedInsert(db, scope, 'record_history')
        .values(
          entries.map((e) => ({
            record_type: e.recordType,
            record_id: e.recordId,
            area_id: e.areaId,
            action: e.action,
            source: e.source ?? 'form',
            actor_id: e.actorId,
            at: e.at,
            changes: JSON.stringify(e.changes),
          })),
        )
        .execute();
    },

    /** A record moved to another area: its history goes with it. */
    async follow(recordType: RecordType, recordId: number, areaId: number): Promise<void> {
      await scopedUpdate(db, scope, 'record_history').set({ area_id: areaId }).where('record_type', '=', recordType).where('record_id', '=', recordId).execute();
    },

    list(recordType: RecordType, recordIds: readonly number[], limit: number) {
      return scopedFrom(db, scope, 'record_history as h')
        .select(['h.id', 'h.at', 'h.action', 'h.source', 'h.actor_id as actorId', 'h.changes', 'h.record_id as recordId'])
        .where('h.record_type', '=', recordType)
        .where('h.record_id', 'in', [...recordIds])
        .orderBy('h.at', 'desc')
        .orderBy('h.id', 'desc')
        .limit(limit)
        .execute();
    },
  };
}

/** The fields that differ between two shapes, as field → [before, after]. */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const b = before[key] ?? null;
    const a = after[key] ?? null;
    if (JSON.stringify(b) !== JSON.stringify(a)) out[key] = [b, a];
  }
  return out;
}
