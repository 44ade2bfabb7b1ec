import { sql } from 'kysely';
import type { Scope } from '../../platform/context.ts';
import { ownedBy, ownedInsert, scopedFrom, scopedUpdate, type Db } from '../../platform/data-access.ts';

export interface NewCaseRow {
  caseNo: string;
  trackingToken: string;
  channel: string;
  itemCode: string;
  itemName: string;
  title: string;
  description: string;
  address: string | null;
  lng: number | null;
  lat: number | null;
  locationSource: string;
  gridId: number;
  state: string;
  holderLevel: string;
  holderAreaId: number | null;
  snapshot: unknown;
  urgency: string;
  reporterUserId: number | null;
  reporterNameEnc: string | null;
  reporterPhoneEnc: string | null;
  reporterPhoneBidx: string | null;
  reporterPhoneMasked: string | null;
  anonymous: boolean;
  externalSource: string | null;
  externalNo: string | null;
  confidential: boolean;
  replyRequired: boolean;
  externalDueAt: Date | null;
  customFields: unknown;
  clientKey: string | null;
  reportedAt: Date;
  stepKind: string;
  dueYellowAt: Date | null;
  dueRedAt: Date | null;
}

export interface NewCaseEvent {
  caseId: number;
  seq: number;
  action: string;
  actorId: number | null;
  actorName: string;
  actorLevel: string | null;
  fromState: string | null;
  toState: string;
  holderLevel: string;
  holderAreaId: number | null;
  holderDepartmentId: number | null;
  payload: unknown;
  attachmentIds: string[];
  clientKey: string | null;
  gridId: number;
  departmentId: number | null;
  at: Date;
}

/** What changes on the case row when an action is recorded (the projection of the timeline). */
export interface CaseProjection {
  state: string;
  holderLevel: string;
  holderAreaId: number | null;
  holderDepartmentId: number | null;
  departmentId: number | null;
  snapshot: unknown;
  supervision: string | null;
  expedited: boolean;
  acceptedAt?: Date | null;
  handledAt?: Date | null;
  closedAt?: Date | null;
  stepStartedAt: Date;
  stepKind: string;
  dueYellowAt: Date | null;
  dueRedAt: Date | null;
  alarm: string;
  selfHandled: boolean;
  closedLevel: string | null;
  rating: string | null;
  mergedInto: number | null;
  itemCode?: string;
  itemName?: string;
  gridId?: number;
  at: Date;
}

/** The row as `project` leaves it, without reading it back (the columns it sets; the rest unchanged). */
function projectedRow<R extends { version: number }>(row: R, p: CaseProjection): R {
  const next = {
    ...row,
    state: p.state,
    holderLevel: p.holderLevel,
    holderAreaId: p.holderAreaId,
    holderDepartmentId: p.holderDepartmentId,
    departmentId: p.departmentId,
    snapshot: p.snapshot,
    supervision: p.supervision,
    expedited: p.expedited,
    ...(p.acceptedAt !== undefined ? { acceptedAt: p.acceptedAt } : {}),
    ...(p.handledAt !== undefined ? { handledAt: p.handledAt } : {}),
    ...(p.closedAt !== undefined ? { closedAt: p.closedAt } : {}),
    ...(p.itemCode !== undefined ? { itemCode: p.itemCode } : {}),
    ...(p.itemName !== undefined ? { itemName: p.itemName } : {}),
    ...(p.gridId !== undefined ? { gridId: p.gridId } : {}),
    stepStartedAt: p.stepStartedAt,
    stepKind: p.stepKind,
    dueYellowAt: p.dueYellowAt,
    dueRedAt: p.dueRedAt,
    alarm: p.alarm,
    selfHandled: p.selfHandled,
    closedLevel: p.closedLevel,
    rating: p.rating,
    mergedInto: p.mergedInto,
    version: row.version + 1,
    updatedAt: p.at,
  };
  return next as R;
}

/** The columns of a case row (the inbox, a case, the KPI drill-down). */
export const CASE_COLUMNS = [
  'c.id',
  'c.case_no as caseNo',
  'c.tracking_token as trackingToken',
  'c.channel',
  'c.item_code as itemCode',
  'c.item_name as itemName',
  'c.title',
  'c.description',
  'c.address',
  sql<number | null>`ST_X(c.location)`.as('lng'),
  sql<number | null>`ST_Y(c.location)`.as('lat'),
  'c.location_source as locationSource',
  'c.grid_id as gridId',
  'c.state',
  'c.holder_level as holderLevel',
  'c.holder_area_id as holderAreaId',
  'c.holder_department_id as holderDepartmentId',
  'c.department_id as departmentId',
  'c.snapshot',
  'c.version',
  'c.urgency',
  'c.supervision',
  'c.expedited',
  'c.reporter_user_id as reporterUserId',
  'c.reporter_phone_masked as reporterPhoneMasked',
  'c.anonymous',
  'c.external_source as externalSource',
  'c.external_no as externalNo',
  'c.confidential',
  'c.reply_required as replyRequired',
  'c.external_due_at as externalDueAt',
  'c.custom_fields as customFields',
  'c.reported_at as reportedAt',
  'c.accepted_at as acceptedAt',
  'c.handled_at as handledAt',
  'c.closed_at as closedAt',
  'c.step_kind as stepKind',
  'c.step_started_at as stepStartedAt',
  'c.due_yellow_at as dueYellowAt',
  'c.due_red_at as dueRedAt',
  'c.alarm',
  'c.self_handled as selfHandled',
  'c.closed_level as closedLevel',
  'c.rating',
  'c.merged_into as mergedInto',
  'c.updated_at as updatedAt',
] as const;

/** How a case number looks (SJ + date + running number; the benchmark's bulk cases use BM + number). */
const CASE_NO_PATTERN = /^[A-Z]{2}\d{8,}$/i;

/**
 * Who reads only some cases of their scope: a resident (or party member, volunteer) the ones they reported
 * themselves, though their role sits on the whole community.
 */
export interface CaseNarrowing {
  reporterUserId: number;
}

/** Cases and their timelines, through the caller's scope (grid on the area axis, department on its own), narrowed when given. */
export function caseRepository(db: Db, scope: Scope, only?: CaseNarrowing) {
  const cases = () => (only ? scopedFrom(db, scope, 'cases as c').where('c.reporter_user_id', '=', only.reporterUserId) : scopedFrom(db, scope, 'cases as c'));
  return {
    /** The running number of case numbers (SJ + date + this). */
    async nextCaseNumber(): Promise<number> {
      const r = await sql<{ n: string }>`SELECT nextval('case_no_seq') AS n`.execute(db);
      return Number(r.rows[0]!.n);
    },

    get(id: number) {
      return cases().select(CASE_COLUMNS).where('c.id', '=', id).executeTakeFirst();
    },

    /** Several cases by id (in no particular order); those outside the scope are not there. */
    byIds(ids: readonly number[]) {
      return ids.length === 0 ? Promise.resolve([]) : cases().select(CASE_COLUMNS).where('c.id', 'in', [...ids]).execute();
    },

    byClientKey(channel: string, key: string) {
      return cases().select(CASE_COLUMNS).where('c.channel', '=', channel).where('c.client_key', '=', key).executeTakeFirst();
    },

    byExternalNo(source: string, number: string) {
      return cases().select(CASE_COLUMNS).where('c.external_source', '=', source).where('c.external_no', '=', number).executeTakeFirst();
    },

    /** Inserts the case once: a retried report with the same client key finds nothing inserted (null). */
    async insert(row: NewCaseRow): Promise<number | null> {
      const created = await ownedInsert(db, scope, 'cases')
        .values({
          case_no: row.caseNo,
          tracking_token: row.trackingToken,
          channel: row.channel,
          item_code: row.itemCode,
          item_name: row.itemName,
          title: row.title,
          description: row.description,
          address: row.address,
          location: row.lng !== null && row.lat !== null ? sql`ST_SetSRID(ST_MakePoint(${row.lng}::float8, ${row.lat}::float8), 4326)` : null,
          location_source: row.locationSource,
          grid_id: row.gridId,
          state: row.state,
          holder_level: row.holderLevel,
          holder_area_id: row.holderAreaId,
          holder_department_id: null,
          department_id: null,
          snapshot: JSON.stringify(row.snapshot),
          urgency: row.urgency,
          reporter_user_id: row.reporterUserId,
          reporter_name_enc: row.reporterNameEnc,
          reporter_phone_enc: row.reporterPhoneEnc,
          reporter_phone_bidx: row.reporterPhoneBidx,
          reporter_phone_masked: row.reporterPhoneMasked,
          anonymous: row.anonymous,
          external_source: row.externalSource,
          external_no: row.externalNo,
          confidential: row.confidential,
          reply_required: row.replyRequired,
          external_due_at: row.externalDueAt,
          custom_fields: JSON.stringify(row.customFields),
          client_key: row.clientKey,
          reported_at: row.reportedAt,
          step_started_at: row.reportedAt,
          step_kind: row.stepKind,
          due_yellow_at: row.dueYellowAt,
          due_red_at: row.dueRedAt,
          updated_at: row.reportedAt,
        })
        // A retried report (same channel and client key) or a re-imported work order (same external number).
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst();
      return created?.id ?? null;
    },

    /**
     * Appends a timeline row. `seq: 'next'` numbers it after the case's last row in the same statement; the
     * caller holds the case's row lock (its versioned projection, or the merge's lock), so no other row can
     * take that number meanwhile.
     */
    async appendEvent(e: Omit<NewCaseEvent, 'seq'> & { seq: number | 'next' }): Promise<{ id: number; seq: number }> {
      const row = await ownedInsert(db, scope, 'case_events')
        .values({
          case_id: e.caseId,
          seq: e.seq === 'next' ? sql<number>`(SELECT coalesce(max(n.seq), 0) + 1 FROM cases c JOIN case_events n ON n.case_id = c.id WHERE c.id = ${e.caseId} AND ${ownedBy(scope, 'cases as c')})` : e.seq,
          action: e.action,
          actor_id: e.actorId,
          actor_name: e.actorName,
          actor_level: e.actorLevel,
          from_state: e.fromState,
          to_state: e.toState,
          holder_level: e.holderLevel,
          holder_area_id: e.holderAreaId,
          holder_department_id: e.holderDepartmentId,
          payload: JSON.stringify(e.payload),
          attachment_ids: e.attachmentIds,
          client_key: e.clientKey,
          grid_id: e.gridId,
          department_id: e.departmentId,
          created_at: e.at,
        })
        .returning(['id', 'seq'])
        .executeTakeFirstOrThrow();
      return { id: row.id, seq: row.seq };
    },

    eventByClientKey(caseId: number, key: string) {
      return scopedFrom(db, scope, 'case_events as e').select(['e.id', 'e.seq', 'e.action']).where('e.case_id', '=', caseId).where('e.client_key', '=', key).executeTakeFirst();
    },

    /** The whole timeline of a case the caller may read (a department whistled in reads what came before it too). */
    events(caseId: number) {
      return cases()
        .innerJoin('case_events as e', 'e.case_id', 'c.id')
        .select(['e.id', 'e.seq', 'e.action', 'e.actor_id as actorId', 'e.actor_name as actorName', 'e.actor_level as actorLevel', 'e.from_state as fromState', 'e.to_state as toState', 'e.holder_level as holderLevel', 'e.holder_area_id as holderAreaId', 'e.holder_department_id as holderDepartmentId', 'e.payload', 'e.attachment_ids as attachmentIds', 'e.created_at as at'])
        .where('c.id', '=', caseId)
        .orderBy('e.seq')
        .execute();
    },

    /**
     * The new projection, only if nobody changed the case since it was read (`version`): two people acting on
     * the same case at the same moment — the second update waits for the first's row lock, then finds the
     * version moved and changes nothing (false), so exactly one of them wins.
     */
    async project<R extends { id: number; version: number }>(row: R, p: CaseProjection): Promise<R | null> {
      const { id, version } = row;
      const res = await scopedUpdate(db, scope, 'cases')
        .set({
          state: p.state,
          holder_level: p.holderLevel,
          holder_area_id: p.holderAreaId,
          holder_department_id: p.holderDepartmentId,
          department_id: p.departmentId,
          snapshot: JSON.stringify(p.snapshot),
          supervision: p.supervision,
          expedited: p.expedited,
          ...(p.acceptedAt !== undefined ? { accepted_at: p.acceptedAt } : {}),
          ...(p.handledAt !== undefined ? { handled_at: p.handledAt } : {}),
          ...(p.closedAt !== undefined ? { closed_at: p.closedAt } : {}),
          ...(p.itemCode !== undefined ? { item_code: p.itemCode } : {}),
          ...(p.itemName !== undefined ? { item_name: p.itemName } : {}),
          ...(p.gridId !== undefined ? { grid_id: p.gridId } : {}),
          step_started_at: p.stepStartedAt,
          step_kind: p.stepKind,
          due_yellow_at: p.dueYellowAt,
          due_red_at: p.dueRedAt,
          alarm: p.alarm,
          self_handled: p.selfHandled,
          closed_level: p.closedLevel,
          rating: p.rating,
          merged_into: p.mergedInto,
          version: sql`version + 1`,
          updated_at: p.at,
        })
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1 ? projectedRow(row, p) : null;
    },

    /**
     * A page of cases: open ones whose red or yellow deadline passed first, then by deadline, then newest —
     * keyset on (rank, due, reported_at, id). `holderAreaIds` / `departmentIds` narrow to "my tasks".
     */
    list(f: { states?: readonly string[] | undefined; mine?: { areaIds: readonly number[]; departmentIds: readonly number[] } | undefined; overdueOnly?: boolean | undefined; q?: string | undefined; gridId?: number | undefined; reporterUserId?: number | undefined; followerUserId?: number | undefined; now: Date; limit: number; offset: number }) {
      let q = cases().select('c.id');
      if (f.states?.length) q = q.where('c.state', 'in', [...f.states]);
      if (f.gridId !== undefined) q = q.where('c.grid_id', '=', f.gridId);
      if (f.reporterUserId !== undefined) q = q.where('c.reporter_user_id', '=', f.reporterUserId);
      // 我关注的: the person's own follow rows, within the cases this scope reads.
      if (f.followerUserId !== undefined) q = q.where(sql<boolean>`EXISTS (SELECT 1 FROM case_followers f WHERE f.case_id = c.id AND f.user_id = ${f.followerUserId} AND ${ownedBy(scope, 'case_followers as f')})`);
      if (f.mine) {
        const { areaIds, departmentIds } = f.mine;
        q = q.where((eb) => eb.or([...(areaIds.length ? [eb('c.holder_area_id', 'in', [...areaIds])] : []), ...(departmentIds.length ? [eb('c.holder_department_id', 'in', [...departmentIds])] : []), eb.lit(false)]));
      }
      if (f.overdueOnly) q = q.where('c.due_yellow_at', '<=', f.now).where('c.state', 'in', ['reported', 'accepted', 'dispatched', 'handling', 'handled']);
      if (f.q) {
        const text = f.q;
        // A case number is unique: looked up by its index, not matched against every title of the scope.
        if (CASE_NO_PATTERN.test(text)) q = q.where('c.case_no', '=', text.toUpperCase());
        else q = q.where((eb) => eb.or([eb('c.case_no', '=', text), eb('c.title', 'like', `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`)]));
      }
      // The page's ids first, from the open-case indexes alone (migration 0037), then those rows.
      const rank = sql`CASE WHEN c.state IN ('reported','accepted','dispatched','handling','handled') AND c.due_red_at <= ${f.now} THEN 0 WHEN c.supervision = 'red' THEN 1 WHEN c.state IN ('reported','accepted','dispatched','handling','handled') AND c.due_yellow_at <= ${f.now} THEN 2 WHEN c.supervision = 'yellow' THEN 3 ELSE 4 END`;
      const page = q.orderBy(rank).orderBy('c.reported_at', 'desc').orderBy('c.id', 'desc').limit(f.limit).offset(f.offset);
      return cases()
        .select(CASE_COLUMNS)
        .where('c.id', 'in', page)
        .orderBy(rank)
        .orderBy('c.reported_at', 'desc')
        .orderBy('c.id', 'desc')
        .execute();
    },
  };
}

export type CaseRow = NonNullable<Awaited<ReturnType<ReturnType<typeof caseRepository>['get']>>>;
export type CaseEventRow = Awaited<ReturnType<ReturnType<typeof caseRepository>['events']>>[number];
