import { sql } from 'kysely';
import type { Scope } from '../../platform/context.ts';
import { scopedFrom, type Db } from '../../platform/data-access.ts';

/**
 * The public side of a jurisdiction's cases for GeoReport v2: read through the jurisdiction's own
 * scope (the district's subtree), only the services the district publishes (resident-reportable
 * items), never a confidential one (a 12345 order marked so). What of a case leaves is the
 * service's rule (open311.service.ts); reporters' names and phones are not even selected.
 */
export function open311Repository(db: Db, scope: Scope) {
  const cases = () =>
    scopedFrom(db, scope, 'cases as c')
      .select([
        'c.case_no as caseNo',
        'c.channel',
        'c.item_code as itemCode',
        'c.item_name as itemName',
        'c.description',
        'c.address',
        'c.state',
        'c.holder_level as holderLevel',
        'c.holder_area_id as holderAreaId',
        'c.holder_department_id as holderDepartmentId',
        'c.reported_at as reportedAt',
        'c.updated_at as updatedAt',
        'c.closed_at as closedAt',
        'c.due_red_at as dueRedAt',
        'c.custom_fields as customFields',
        sql<number | null>`ST_X(c.location)`.as('lng'),
        sql<number | null>`ST_Y(c.location)`.as('lat'),
      ])
      .where('c.confidential', '=', false);
  return {
    /** Newest first, at most `limit`: by numbers (the spec's service_request_id list), or by the filters. */
    list(f: { itemCodes: readonly string[]; caseNos?: readonly string[]; from?: Date; to?: Date; states?: readonly string[]; limit: number }) {
      if (f.itemCodes.length === 0) return Promise.resolve([]);
      let q = cases().where('c.item_code', 'in', [...f.itemCodes]);
      if (f.caseNos) q = q.where('c.case_no', 'in', [...f.caseNos]);
      if (f.from) q = q.where('c.reported_at', '>=', f.from);
      if (f.to) q = q.where('c.reported_at', '<=', f.to);
      if (f.states) q = q.where('c.state', 'in', [...f.states]);
      return q.orderBy('c.reported_at', 'desc').orderBy('c.id', 'desc').limit(f.limit).execute();
    },
    /** A case a resident or an Open311 client holds the tracking token of. */
    byToken: (token: string) =>
      scopedFrom(db, scope, 'cases as c').select(['c.case_no as caseNo']).where('c.tracking_token', '=', token).where('c.channel', 'in', ['open311', 'resident']).where('c.confidential', '=', false).executeTakeFirst(),
    /** Names of the departments holding cases (agency_responsible): public names of public bodies. */
    departmentNames: async (ids: readonly number[]) => {
      if (ids.length === 0) return new Map<number, string>();
      const rows = await scopedFrom(db, scope, 'departments as d').select(['d.id', 'd.name']).where('d.id', 'in', [...ids]).execute();
      return new Map(rows.map((r) => [Number(r.id), r.name]));
    },
  };
}
