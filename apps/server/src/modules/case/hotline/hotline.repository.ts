import { sql } from 'kysely';
import type { Scope } from '../../../platform/context.ts';
import { ownedInsert, scopedDelete, scopedFrom, type Db } from '../../../platform/data-access.ts';

/**
 * The 12345 hotline's rows. An order's 12345 side and its reply are read through their case (the case's
 * scope: grid, community, town, or the department it was whistled to), never on their own.
 */
export function hotlineRepository(db: Db, scope: Scope) {
  const hotlineCases = () => scopedFrom(db, scope, 'cases as c').innerJoin('hotline_orders as h', 'h.case_id', 'c.id').leftJoin('hotline_replies as r', 'r.case_id', 'c.id');
  const columns = [
    'c.id as caseId',
    'c.case_no as caseNo',
    'c.external_no as externalNo',
    'c.title',
    'c.item_name as itemName',
    'c.state',
    'c.grid_id as gridId',
    'c.urgency',
    'c.reported_at as receivedAt',
    'c.external_due_at as dueAt',
    'c.closed_at as closedAt',
    'c.confidential',
    'c.reply_required as replyRequired',
    'h.category_path as categoryPath',
    'h.caller_name_masked as callerNameMasked',
    'h.caller_phone_masked as callerPhoneMasked',
    'r.content as replyContent',
    'r.result as replyResult',
    'r.replied_at as repliedAt',
    'r.replied_by_name as repliedByName',
  ] as const;
  return {
    /** The 12345 side of one case (undefined: not a hotline case, or not in reach). */
    order(caseId: number) {
      return hotlineCases().select(columns).where('c.id', '=', caseId).executeTakeFirst();
    },

    /** The desk's list: by the 12345 deadline (the nearest first), then newest. */
    list(f: { due: 'all' | 'near' | 'overdue'; reply: 'all' | 'pending' | 'replied'; q?: string | undefined; now: Date; limit: number; offset: number }) {
      let q = hotlineCases().select(columns).where('c.channel', '=', 'hotline_12345');
      const open = ['reported', 'accepted', 'dispatched', 'handling', 'handled', 'suspended'];
      if (f.due === 'overdue') q = q.where('c.state', 'in', open).where('c.external_due_at', '<', f.now);
      if (f.due === 'near') q = q.where('c.state', 'in', open).where('c.external_due_at', '>=', f.now).where('c.external_due_at', '<', new Date(f.now.getTime() + 24 * 3600_000));
      if (f.reply === 'pending') q = q.where('c.reply_required', '=', true).where('r.case_id', 'is', null);
      if (f.reply === 'replied') q = q.where('r.case_id', 'is not', null);
      if (f.q) q = q.where((eb) => eb.or([eb('c.external_no', '=', f.q!), eb('c.case_no', '=', f.q!), eb('c.title', 'like', `%${f.q!.replace(/[\\%_]/g, (m) => `\\${m}`)}%`)]));
      return q.orderBy(sql`c.external_due_at ASC NULLS LAST`).orderBy('c.id', 'desc').limit(f.limit).offset(f.offset).execute();
    },

    /** Replies for the platform to take, by the time they were written (Beijing dates given as instants). */
    replies(f: { from?: Date | undefined; to?: Date | undefined }) {
      let q = hotlineCases().select(columns).where('r.case_id', 'is not', null);
      if (f.from) q = q.where('r.replied_at', '>=', f.from);
      if (f.to) q = q.where('r.replied_at', '<', f.to);
      return q.orderBy('r.replied_at').orderBy('c.id').limit(100_000).execute();
    },

    /** The sealed caller of a case, for the desk's audited reveal. */
    sealedCaller(caseId: number) {
      return scopedFrom(db, scope, 'cases as c').select(['c.id', 'c.grid_id as gridId', 'c.reporter_name_enc as nameEnc', 'c.reporter_phone_enc as phoneEnc']).where('c.id', '=', caseId).where('c.channel', '=', 'hotline_12345').executeTakeFirst();
    },

    async insertOrder(row: { caseId: number; gridId: number; categoryPath: string | null; callerNameMasked: string | null; callerPhoneMasked: string | null; importJobId: number | null; enteredBy: number | null; at: Date }): Promise<void> {
      await ownedInsert(db, scope, 'hotline_orders')
        .values({ case_id: row.caseId, grid_id: row.gridId, category_path: row.categoryPath, caller_name_masked: row.callerNameMasked, caller_phone_masked: row.callerPhoneMasked, import_job_id: row.importJobId, entered_by: row.enteredBy, created_at: row.at })
        .onConflict((oc) => oc.column('case_id').doNothing())
        .execute();
    },

    /** Writes (or rewrites) the reply of a case the caller has just read through its scope. */
    async saveReply(row: { caseId: number; gridId: number; content: string; result: 'resolved' | 'unresolved' | 'partly_resolved'; repliedAt: Date; repliedBy: number; repliedByName: string; at: Date }): Promise<void> {
      await ownedInsert(db, scope, 'hotline_replies')
        .values({ case_id: row.caseId, grid_id: row.gridId, content: row.content, result: row.result, replied_at: row.repliedAt, replied_by: row.repliedBy, replied_by_name: row.repliedByName, updated_at: row.at })
        .onConflict((oc) =>
          oc.column('case_id').doUpdateSet({ content: sql`excluded.content`, result: sql`excluded.result`, replied_at: sql`excluded.replied_at`, replied_by: sql`excluded.replied_by`, replied_by_name: sql`excluded.replied_by_name`, updated_at: sql`excluded.updated_at` }),
        )
        .execute();
    },

    /** Whether a work order number is on a case already (the caller's reach). */
    byExternalNo(externalNo: string) {
      return scopedFrom(db, scope, 'cases as c').select(['c.id']).where('c.external_source', '=', '12345').where('c.external_no', '=', externalNo).executeTakeFirst();
    },

    /** Which of these work order numbers are cases already (anywhere: the number is 12345's, unique). */
    async takenNumbers(numbers: readonly string[]): Promise<Set<string>> {
      if (numbers.length === 0) return new Set();
      const rows = await scopedFrom(db, scope, 'cases as c').select('c.external_no as n').where('c.external_source', '=', '12345').where('c.external_no', 'in', [...numbers]).execute();
      return new Set(rows.map((r) => r.n).filter((n): n is string => n !== null));
    },

    // ---- the category map ----

    /** The map rows defined on these areas (a desk's district and any area above it). */
    mapRows(areaIds: readonly number[]) {
      if (areaIds.length === 0) return Promise.resolve([]);
      return scopedFrom(db, scope, 'hotline_category_map as m')
        .innerJoin('areas as a', 'a.id', 'm.area_id')
        .select(['m.id', 'm.area_id as areaId', 'a.name as areaName', 'a.depth', 'm.category_path as categoryPath', 'm.item_code as itemCode', 'm.updated_at as updatedAt'])
        .where('m.area_id', 'in', [...areaIds])
        .orderBy('m.category_path')
        .execute();
    },

    async saveMapRow(row: { areaId: number; categoryPath: string; itemCode: string; by: number; at: Date }) {
      return ownedInsert(db, scope, 'hotline_category_map')
        .values({ area_id: row.areaId, category_path: row.categoryPath, item_code: row.itemCode, updated_by: row.by, updated_at: row.at })
        .onConflict((oc) => oc.columns(['area_id', 'category_path']).doUpdateSet({ item_code: sql`excluded.item_code`, updated_by: sql`excluded.updated_by`, updated_at: sql`excluded.updated_at` }))
        .returning('id')
        .executeTakeFirstOrThrow();
    },

    mapRow(id: number) {
      return scopedFrom(db, scope, 'hotline_category_map as m').select(['m.id', 'm.area_id as areaId', 'm.category_path as categoryPath', 'm.item_code as itemCode']).where('m.id', '=', id).executeTakeFirst();
    },

    async deleteMapRow(id: number): Promise<boolean> {
      const res = await scopedDelete(db, scope, 'hotline_category_map').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) === 1;
    },
  };
}

export type HotlineOrderRow = NonNullable<Awaited<ReturnType<ReturnType<typeof hotlineRepository>['order']>>>;
