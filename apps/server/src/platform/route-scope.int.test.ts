import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissionsOf, type Permission, type Role } from '@redgrid/contracts';
import { DEMO_ACCOUNTS } from '../seed/demo-accounts.ts';
import { buildOutsideDistrict, OUTSIDE_CREDIT_CODE, square, type OutsideDistrict } from '../../test/factories.ts';
import { createTestApp, loginAs, type Session, type TestApp } from '../../test/harness.ts';

/**
 * The scope walls, generated: every operation in the OpenAPI document × every demo role (and no
 * session) × a record outside every demo account's scope (a district in 浙江). For each pair:
 * - no session → 401 (public operations excepted);
 * - a role without the operation's declared permission (`x-permission`) → 403;
 * - a role with it, probing the outside record → 403/404 (or, for lists and searches, a 200 that
 *   names nothing of it; for writes that carry the record in the body, a 4xx) — and the database is
 *   unchanged.
 * A new operation fails this test until it gets a probe below (or an exemption with its reason),
 * so an endpoint is covered the day it is added.
 */

type Expect =
  /** Out-of-scope record by id: only 403 or 404. */
  | 'hidden'
  /** A list, search or map query: 200 allowed, but nothing of the outside record in it. */
  | 'filtered'
  /** A write naming the outside record in its body: any 4xx, nothing written. */
  | 'refused';

interface Probe {
  params?: Record<string, string | number>;
  query?: string;
  body?: unknown;
  csv?: string;
  expect: Expect;
}

type Entry = Probe[] | { exempt: string };

let t: TestApp;
let out: OutsideDistrict;
let outsideSession: string;
let outsideNotification: number;
/** A case reported in the outside grid (title and number name the outside district). */
let outsideCase: number;
/** A 12345 category mapping defined by the outside district. */
let outsideHotlineMap: number;
/** An attachment on a record of the outside building (a photo row; its blobs are never reached). */
const outsideAttachment = '6f1c9a52-3b7e-4d0a-9c1e-5a8f2b7d4e10';
const sessions = new Map<string, Session>();

/** Slippy-map tile holding a point. */
function tileOf([lng, lat]: [number, number], z: number) {
  const n = 2 ** z;
  const x = Math.floor(((lng + 180) / 360) * n);
  const rad = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return { z, x, y: `${y}.mvt` };
}

function probes(): Record<string, Entry> {
  const g = out.grid.id;
  const c = out.community.id;
  const u = out.user.id;
  const b = out.building.id;
  const r = out.records;
  const [lng, lat] = out.point;
  const shape = square(lng - 0.002, lat - 0.002, 0.004);
  const affair = { code: 'PROBE-1', name: '越界事项', handlingLevel: 'grid', acceptYellow: 1, acceptRed: 2, acceptUnit: 'work_hours', handleYellow: 1, handleRed: 2, handleUnit: 'work_days' };
  return {
    'GET /api/notifications': [{ expect: 'filtered' }, { query: `before=${outsideNotification + 1}`, expect: 'filtered' }],
    'GET /api/notifications/unread-count': { exempt: "the caller's own count: a number, no record" },
    'POST /api/notifications/{id}/read': [{ params: { id: outsideNotification }, expect: 'hidden' }],
    'POST /api/notifications/read-all': { exempt: "acts on the caller's own notifications only (the outside one is in the fingerprint)" },
    'GET /api/system/jobs': { exempt: 'scheduled jobs: system state, no record of any area (system.jobs only)' },
    'GET /api/health': { exempt: 'public: liveness' },
    'GET /api/meta': { exempt: 'public: login page facts' },
    'GET /api/public/tiles/areas/{z}/{x}/{y}': { exempt: 'public: every outline with its name, code and level only (divisions and grids are public; no counts, no records of people) — area-geo.int.test.ts' },
    'POST /api/auth/login': { exempt: 'public: signs in; covered by the auth tests' },
    'POST /api/auth/logout': { exempt: "acts on the caller's own session only" },
    'GET /api/auth/me': { exempt: "the caller's own account only" },
    'GET /api/auth/session': { exempt: "public: the caller's own session or null" },
    'POST /api/auth/password': { exempt: "the caller's own password only" },
    'GET /api/auth/password-policy': { exempt: 'public: the password rules in force (length and classes), no record of any area' },
    'GET /api/audit': { exempt: 'the audit admin reads the whole trail (三权分立); no other role has audit.read' },
    'GET /api/audit/actors': { exempt: 'who acted in the trail: the audit admin reads the whole trail (三权分立); no other role has audit.read' },
    'GET /api/audit/checkpoint': { exempt: 'the head of the chain: no record of any area' },
    'GET /api/security/settings': { exempt: 'settings in force: no record of any area' },
    'PUT /api/security/policy': { exempt: 'the system-wide password and lockout policy: no record of any area (security.manage only)' },
    'GET /api/calendar/years/{year}': { exempt: 'the working-time calendar: reference data for every area, owned by none' },
    'GET /api/calendar/deadline': { exempt: 'arithmetic on the working-time calendar: no record of any area' },
    'PUT /api/calendar/days/{date}': { exempt: 'the working-time calendar: reference data owned by no area (calendar.manage, district-level editors; covered by the calendar tests)' },
    'DELETE /api/calendar/days/{date}': { exempt: 'the working-time calendar: reference data owned by no area (calendar.manage, district-level editors; covered by the calendar tests)' },
    'PUT /api/calendar/years/{year}/hours': { exempt: 'the working-time calendar: reference data owned by no area (calendar.manage, district-level editors; covered by the calendar tests)' },
    'GET /api/open311/keys': { exempt: 'Open311 API keys: the deployment\'s reference data, owned by no area (open311.manage, district-level admins; covered by the open311 tests)' },
    'POST /api/open311/keys': { exempt: 'Open311 API keys: the deployment\'s reference data, owned by no area (open311.manage, district-level admins; covered by the open311 tests)' },
    'POST /api/open311/keys/{id}/revoke': { exempt: 'Open311 API keys: the deployment\'s reference data, owned by no area (open311.manage, district-level admins; covered by the open311 tests)' },
    'POST /api/divisions/editions': { exempt: 'national reference data, owned by no area (division.manage only)' },
    'GET /api/divisions/editions': { exempt: 'national reference data, owned by no area' },
    'DELETE /api/divisions/editions/{id}': { exempt: 'national reference data, owned by no area (division.manage only)' },
    'GET /api/divisions': { exempt: 'national reference data, owned by no area' },
    'GET /api/divisions/compare': { exempt: 'national reference data, owned by no area' },

    'GET /api/areas/roots': [{ expect: 'filtered' }],
    'GET /api/areas': [
      { query: `parentId=${out.street.id}`, expect: 'filtered' },
      { query: `q=${encodeURIComponent('外省探针')}`, expect: 'filtered' },
      { query: 'q=330102', expect: 'filtered' },
    ],
    'GET /api/areas/{id}': [{ params: { id: g }, expect: 'hidden' }, { params: { id: c }, expect: 'hidden' }],
    'PATCH /api/areas/{id}': [{ params: { id: g }, body: { name: '被改名' }, expect: 'hidden' }],
    'POST /api/areas/places': [{ body: { parentId: g, level: 'building', name: '越界楼', households: 10 }, expect: 'refused' }],
    'GET /api/areas/locate': [{ query: `lng=${lng}&lat=${lat}`, expect: 'filtered' }],
    'POST /api/areas/locate': [{ body: { points: [[lng, lat]], crs: 'wgs84' }, expect: 'filtered' }],
    'GET /api/areas/boundaries': [
      { query: `parentId=${c}`, expect: 'filtered' },
      { query: `ids=${g}`, expect: 'filtered' },
    ],
    'GET /api/areas/analysis-start': [{ expect: 'filtered' }],
    'GET /api/areas/{id}/coverage': [{ params: { id: c }, expect: 'hidden' }],
    'GET /api/areas/{id}/balance': [{ params: { id: c }, expect: 'hidden' }],
    'GET /api/areas/{id}/history': [{ params: { id: g }, expect: 'hidden' }],
    'GET /api/tiles/areas/{z}/{x}/{y}': [{ params: tileOf(out.point, 12), expect: 'filtered' }, { params: tileOf(out.point, 15), expect: 'filtered' }],
    'POST /api/areas/grids': [{ body: { parentId: c, name: '越界网格', geometry: shape, preview: true }, expect: 'refused' }],
    'POST /api/areas/{id}/split': [
      { params: { id: g }, body: { by: { kind: 'line', line: { type: 'LineString', coordinates: [[lng, lat - 0.02], [lng, lat + 0.02]] } }, preview: true }, expect: 'hidden' },
    ],
    'POST /api/areas/merge': [{ body: { gridIds: [g, g + 100000], preview: true }, expect: 'refused' }],
    'PUT /api/areas/{id}/boundary': [{ params: { id: g }, body: { geometry: shape, preview: true }, expect: 'hidden' }],
    'POST /api/areas/{id}/retire': [{ params: { id: g }, body: { preview: true }, expect: 'hidden' }],
    'POST /api/areas/{id}/grid-proposal': [{ params: { id: c }, body: {}, expect: 'hidden' }],
    'POST /api/areas/{id}/grid-proposal/accept': [{ params: { id: c }, body: { grids: [{ name: '越界', geometry: shape }] }, expect: 'hidden' }],
    'POST /api/areas/import/divisions': [{ csv: `code,name,level,parent_code\n330102001002,越界社区,5,330102001000\n`, expect: 'refused' }],
    'POST /api/areas/import/boundaries': [
      {
        body: { crs: 'wgs84', mapping: { code: 'code' }, featureCollection: { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: '330102001001' }, geometry: shape }] } },
        expect: 'refused',
      },
    ],
    'GET /api/divisions/tree-diff': [{ query: `edition=1&area=${c}`, expect: 'hidden' }],
    'POST /api/divisions/adopt': [{ body: { edition: 1, code: '330102001000', dryRun: false }, expect: 'refused' }],

    'GET /api/users': [
      { query: `areaId=${c}`, expect: 'hidden' },
      { query: 'q=outsider_probe', expect: 'filtered' },
    ],
    'POST /api/users': [{ body: { username: 'probe_new', displayName: '越界', password: 'Fixture#Pass2026', homeAreaId: c, roles: [] }, expect: 'refused' }],
    'GET /api/users/{id}': [{ params: { id: u }, expect: 'hidden' }],
    'GET /api/departments': [
      { query: `areaId=${c}`, expect: 'hidden' },
      { query: `q=${encodeURIComponent('外省探针')}`, expect: 'filtered' },
      { query: 'kind=public_security&pageSize=200', expect: 'filtered' },
    ],
    'POST /api/departments': [{ body: { name: '越界所', kind: 'justice', level: 'town', areaId: out.street.id, servedAreaIds: [c] }, expect: 'refused' }],
    'GET /api/departments/{id}': [{ params: { id: out.department }, expect: 'hidden' }],
    'PATCH /api/departments/{id}': [{ params: { id: out.department }, body: { name: '被改名' }, expect: 'hidden' }],
    'PUT /api/departments/{id}/active': [{ params: { id: out.department }, body: { active: false }, expect: 'hidden' }],
    'PUT /api/departments/{id}/areas': [{ params: { id: out.department }, body: { areaIds: [c] }, expect: 'hidden' }],
    'PATCH /api/users/{id}': [{ params: { id: u }, body: { displayName: '被改名' }, expect: 'hidden' }],
    'PUT /api/users/{id}/roles': [{ params: { id: u }, body: { roles: [] }, expect: 'hidden' }],
    'POST /api/users/{id}/reset-password': [{ params: { id: u }, body: { newPassword: 'Another#Pass2026' }, expect: 'hidden' }],
    'POST /api/users/{id}/reveal-phone': [{ params: { id: u }, expect: 'hidden' }],
    'GET /api/security/sessions': [{ query: `userId=${u}`, expect: 'filtered' }],
    'DELETE /api/security/sessions/{id}': [{ params: { id: outsideSession }, expect: 'hidden' }],
    'POST /api/security/users/{id}/unlock': [{ params: { id: u }, expect: 'hidden' }],

    // Imports: routes are signed_in, the kind's permission is checked by the use case (403), the
    // target area and the job by scope (404). No kind is registered in this walk unless a module
    // registers one (persons); either way the outside community and a foreign job stay unreachable.
    'GET /api/imports/kinds/{kind}': { exempt: "a kind's column list: no record of any area" },
    'GET /api/imports/kinds/{kind}/template': { exempt: 'a blank template with synthetic example rows: no record of any area' },
    'POST /api/imports/kinds/{kind}/jobs': [{ params: { kind: 'persons' }, query: `areaId=${c}&fileName=probe.csv`, csv: '姓名,公民身份号码\n越界,110101199003070000\n', expect: 'refused' }],
    'GET /api/imports/jobs': [{ query: `areaId=${c}`, expect: 'filtered' }],
    'GET /api/imports/jobs/{id}': [{ params: { id: 2_000_000_001 }, expect: 'hidden' }],
    'POST /api/imports/jobs/{id}/check': [{ params: { id: 2_000_000_001 }, body: {}, expect: 'hidden' }],
    'POST /api/imports/jobs/{id}/apply': [{ params: { id: 2_000_000_001 }, body: {}, expect: 'hidden' }],
    'POST /api/imports/jobs/{id}/cancel': [{ params: { id: 2_000_000_001 }, body: {}, expect: 'hidden' }],
    'POST /api/imports/jobs/{id}/resume': [{ params: { id: 2_000_000_001 }, body: {}, expect: 'hidden' }],
    'GET /api/imports/jobs/{id}/errors': [{ params: { id: 2_000_000_001 }, expect: 'hidden' }],

    // Attachments: routes are signed_in, the owning kind's permission and its scoped lookup decide (404).
    'POST /api/attachments': [{ query: `ownerType=case&ownerId=${b}&purpose=photo&clientKey=probe-outside-1`, body: {}, expect: 'refused' }],
    'GET /api/attachments': [{ query: `ownerType=case&ownerId=${b}`, expect: 'hidden' }],
    'GET /api/attachments/{id}': [{ params: { id: outsideAttachment }, expect: 'hidden' }],
    'GET /api/attachments/{id}/thumb': [{ params: { id: outsideAttachment }, expect: 'hidden' }],
    'GET /api/attachments/{id}/public': [{ params: { id: outsideAttachment }, expect: 'hidden' }],
    'GET /api/security/users/{id}/login-failures': [{ params: { id: u }, expect: 'hidden' }],
    'GET /api/security/probing': [{ expect: 'filtered' }],

    'GET /api/basedata/group-config': { exempt: 'configuration of care groups and key-population categories: no record of any area (system admin)' },
    'POST /api/basedata/group-config': { exempt: 'configuration of care groups and key-population categories: no record of any area (system admin)' },
    'PATCH /api/basedata/group-config/{code}': { exempt: 'configuration of care groups and key-population categories: no record of any area (system admin)' },
    'GET /api/basedata/overview': [{ query: `areaId=${c}`, expect: 'hidden' }],
    'GET /api/basedata/persons': [
      { expect: 'filtered' },
      { query: `areaId=${c}`, expect: 'hidden' },
      { query: `q=${encodeURIComponent('外省探针')}`, expect: 'filtered' },
      { query: 'q=wstz', expect: 'filtered' },
      { query: `householdId=${r.household}`, expect: 'filtered' },
    ],
    'POST /api/basedata/persons': [
      { body: { name: '越界居民', areaId: b }, expect: 'refused' },
      { body: { name: '越界居民', householdId: r.household }, expect: 'refused' },
    ],
    'GET /api/basedata/persons/export': [
      { query: `areaId=${c}&format=csv`, expect: 'hidden' },
      { query: `format=csv&q=${encodeURIComponent('外省探针')}`, expect: 'filtered' },
    ],
    'POST /api/basedata/persons/merge': [{ body: { keepId: r.person, mergeId: r.person + 1_000_000, note: '越界合并' }, expect: 'refused' }],
    'GET /api/basedata/persons/{id}': [{ params: { id: r.person }, expect: 'hidden' }],
    'PATCH /api/basedata/persons/{id}': [{ params: { id: r.person }, body: { occupation: '被改' }, expect: 'hidden' }],
    'POST /api/basedata/persons/{id}/reveal': [{ params: { id: r.person }, body: { field: 'idNumber', reason: '越界查看证号' }, expect: 'hidden' }],
    'POST /api/basedata/persons/{id}/verify': [{ params: { id: r.person }, expect: 'hidden' }],
    'GET /api/basedata/persons/{id}/history': [{ params: { id: r.person }, expect: 'hidden' }],
    'POST /api/basedata/persons/{id}/tags': [{ params: { id: r.person }, body: { groupCode: 'veteran', since: '2026-01-01' }, expect: 'hidden' }],
    'DELETE /api/basedata/persons/{id}/tags/{tagId}': [{ params: { id: r.person, tagId: r.tag }, expect: 'hidden' }],
    'GET /api/basedata/groups': [{ expect: 'filtered' }, { query: `areaId=${c}`, expect: 'hidden' }],
    'GET /api/basedata/households': [{ expect: 'filtered' }, { query: `areaId=${c}`, expect: 'hidden' }, { query: 'q=330102999999', expect: 'filtered' }],
    'POST /api/basedata/households': [{ body: { houseId: r.house }, expect: 'refused' }, { body: { areaId: b }, expect: 'refused' }],
    'GET /api/basedata/households/{id}': [{ params: { id: r.household }, expect: 'hidden' }],
    'GET /api/basedata/households/{id}/visits': [{ params: { id: r.household }, expect: 'hidden' }],
    'POST /api/basedata/visits': [{ body: { householdId: r.household, visitedOn: '2026-11-19', kind: 'routine' }, expect: 'refused' }],
    'GET /api/basedata/visits/coverage': [{ query: `areaId=${c}&from=2026-11-01&to=2026-11-20`, expect: 'hidden' }],
    'GET /api/basedata/proposals': [{ expect: 'filtered' }, { query: `areaId=${c}`, expect: 'hidden' }],
    'POST /api/basedata/proposals/{id}/decision': [{ params: { id: r.proposal }, body: { decision: 'confirm' }, expect: 'hidden' }],
    'GET /api/basedata/buildings/{id}/board': [{ params: { id: b }, expect: 'hidden' }],
    'PUT /api/basedata/buildings/{id}/profile': [{ params: { id: b }, body: { hazard: true }, expect: 'hidden' }],
    'POST /api/basedata/houses': [{ body: { areaId: b, room: '999' }, expect: 'refused' }],
    'POST /api/basedata/houses/{id}/reveal': [{ params: { id: r.house }, body: { field: 'lessorPhone', reason: '越界查看电话' }, expect: 'hidden' }],
    'POST /api/basedata/houses/{id}/verify': [{ params: { id: r.house }, expect: 'hidden' }],
    'POST /api/basedata/households/{id}/verify': [{ params: { id: r.household }, expect: 'hidden' }],
    'GET /api/basedata/houses/{id}': [{ params: { id: r.house }, expect: 'hidden' }],
    'PUT /api/basedata/houses/{id}/rental': [{ params: { id: r.house }, body: { lessorName: '越界房东' }, expect: 'hidden' }],
    'POST /api/basedata/rentals/{id}/verify': [{ params: { id: r.rental }, expect: 'hidden' }],
    'GET /api/basedata/claims': [{ expect: 'filtered' }, { query: 'kind=organisation', expect: 'filtered' }, { query: `communityId=${c}`, expect: 'hidden' }],
    'POST /api/basedata/persons/{id}/claim': [{ params: { id: r.person }, body: { areaId: b }, expect: 'hidden' }],
    'POST /api/basedata/organisations/{id}/claim': [{ params: { id: r.organisation }, body: { areaId: g }, expect: 'hidden' }],
    'POST /api/basedata/organisations/{id}/verify': [{ params: { id: r.organisation }, expect: 'hidden' }],
    'POST /api/basedata/components/{id}/verify': [{ params: { id: r.component }, expect: 'hidden' }],
    'POST /api/basedata/rentals/{id}/inspections': [{ params: { id: r.rental }, body: { inspectedOn: '2026-11-19', hazardLevel: 'safe' }, expect: 'hidden' }],
    'GET /api/basedata/organisations': [
      { expect: 'filtered' },
      { query: `areaId=${c}`, expect: 'hidden' },
      { query: `q=${encodeURIComponent('外省探针')}`, expect: 'filtered' },
      { query: `q=${OUTSIDE_CREDIT_CODE}`, expect: 'filtered' },
      { query: 'keyUnit=true', expect: 'filtered' },
    ],
    'POST /api/basedata/organisations': [
      { body: { name: '越界单位', areaId: g }, expect: 'refused' },
      { body: { name: '越界单位', areaId: b }, expect: 'refused' },
    ],
    'GET /api/basedata/organisations/{id}': [{ params: { id: r.organisation }, expect: 'hidden' }],
    'PATCH /api/basedata/organisations/{id}': [{ params: { id: r.organisation }, body: { keyUnit: false }, expect: 'hidden' }],
    'GET /api/basedata/organisations/{id}/history': [{ params: { id: r.organisation }, expect: 'hidden' }],
    'POST /api/basedata/organisations/{id}/employees': [{ params: { id: r.organisation }, body: { personId: r.person, position: '越界' }, expect: 'hidden' }],
    'DELETE /api/basedata/organisations/{id}/employees/{personId}': [{ params: { id: r.organisation, personId: r.person }, expect: 'hidden' }],
    'GET /api/basedata/components': [
      { expect: 'filtered' },
      { query: `areaId=${c}`, expect: 'hidden' },
      { query: `q=${encodeURIComponent('外省探针')}`, expect: 'filtered' },
      { query: 'q=3301020101000001', expect: 'filtered' },
      { query: 'classCode=01&subclassCode=01', expect: 'filtered' },
    ],
    'GET /api/basedata/components/geojson': [{ expect: 'filtered' }, { query: `areaId=${c}`, expect: 'hidden' }],
    'POST /api/basedata/components': [
      { body: { classCode: '01', subclassCode: '01', name: '越界井盖', location: { lng, lat } }, expect: 'refused' },
      { body: { classCode: '01', subclassCode: '01', name: '越界井盖', location: { lng, lat }, areaId: g }, expect: 'refused' },
    ],
    'GET /api/basedata/components/{id}': [{ params: { id: r.component }, expect: 'hidden' }],
    'PATCH /api/basedata/components/{id}': [{ params: { id: r.component }, body: { state: 'missing' }, expect: 'hidden' }],
    'GET /api/basedata/components/{id}/history': [{ params: { id: r.component }, expect: 'hidden' }],

    // The catalogue of grid affairs: a district's own; the outside district's is asked for by its area.
    'POST /api/cases': [{ body: { itemCode: '0101', title: '外省探针事件', description: '越界上报', location: { lng, lat, crs: 'wgs84', source: 'gps' } }, expect: 'refused' }],
    'GET /api/cases': [{ expect: 'filtered' }, { query: 'view=area', expect: 'filtered' }, { query: 'view=overdue', expect: 'filtered' }, { query: `view=closed&gridId=${g}`, expect: 'filtered' }, { query: `view=area&q=${encodeURIComponent('外省探针')}`, expect: 'filtered' }, { query: `figure=reported&areaId=${g}&from=2026-11-01&to=2026-11-30`, expect: 'hidden' }],
    'GET /api/cases/kpi': [{ query: `areaId=${out.district.id}&from=2026-11-01&to=2026-11-30`, expect: 'hidden' }, { query: `areaId=${g}&from=2026-11-01&to=2026-11-30`, expect: 'hidden' }],
    'GET /api/cases/kpi/breakdown': [{ query: `areaId=${out.district.id}&from=2026-11-01&to=2026-11-30&by=area`, expect: 'hidden' }, { query: `areaId=${c}&from=2026-11-01&to=2026-11-30&by=person`, expect: 'hidden' }, { query: `areaId=${g}&from=2026-11-01&to=2026-11-30&by=department`, expect: 'hidden' }],
    'GET /api/cases/kpi/export': [{ query: `areaId=${out.district.id}&from=2026-11-01&to=2026-11-30&by=area`, expect: 'hidden' }],
    'GET /api/cases/counts': [{ expect: 'filtered' }, { query: `areaId=${out.district.id}`, expect: 'hidden' }, { query: `areaId=${g}`, expect: 'hidden' }],
    'GET /api/cases/map': [{ expect: 'filtered' }, { query: `bbox=${lng - 0.05},${lat - 0.05},${lng + 0.05},${lat + 0.05}`, expect: 'filtered' }, { query: 'states=reported,closed', expect: 'filtered' }],
    'GET /api/cases/{id}': [{ params: { id: outsideCase }, expect: 'hidden' }],
    'GET /api/cases/duplicates': [{ query: `itemCode=0101&lng=${lng}&lat=${lat}`, expect: 'filtered' }],
    'GET /api/cases/{id}/duplicates': [{ params: { id: outsideCase }, expect: 'hidden' }],
    'POST /api/cases/{id}/follow': [{ params: { id: outsideCase }, expect: 'hidden' }],
    'DELETE /api/cases/{id}/follow': [{ params: { id: outsideCase }, expect: 'hidden' }],
    // The public channel: the outside case by its number with a code that is not its own; a report in the
    // outside district names an item its (absent) catalogue does not have.
    'POST /api/public/cases': [{ body: { itemCode: '0101', description: '外省探针公众上报', location: { lng, lat, crs: 'wgs84', source: 'map' }, clientKey: 'probe-public-0001' }, expect: 'refused' }],
    'GET /api/public/cases/{caseNo}': [{ params: { caseNo: 'SJ20261207999999' }, query: 't=ZZZZZZZZZZ', expect: 'hidden' }],
    'POST /api/public/cases/{caseNo}/rating': [{ params: { caseNo: 'SJ20261207999999' }, query: 't=ZZZZZZZZZZ', body: { action: 'rate', rating: 'satisfied' }, expect: 'hidden' }],
    'POST /api/public/cases/{caseNo}/photos': [{ params: { caseNo: 'SJ20261207999999' }, query: 't=ZZZZZZZZZZ&clientKey=probe-photo-0001', expect: 'hidden' }],
    'GET /api/public/cases/{caseNo}/photos/{photoId}': [{ params: { caseNo: 'SJ20261207999999', photoId: outsideAttachment }, query: 't=ZZZZZZZZZZ', expect: 'hidden' }],
    'POST /api/cases/{id}/actions': [{ params: { id: outsideCase }, body: { action: 'comment', note: '越界备注' }, expect: 'hidden' }, { params: { id: outsideCase }, body: { action: 'accept' }, expect: 'hidden' }],
    'POST /api/cases/hotline': [{ body: { externalNo: 'PROBE-12345-1', receivedAt: '2026-11-20T01:00:00Z', categories: ['外省探针'], itemCode: '0101', content: '越界登记', gridId: out.grid.id, dueAt: '2026-12-31T00:00:00Z' }, expect: 'refused' }, { body: { externalNo: 'PROBE-12345-2', receivedAt: '2026-11-20T01:00:00Z', itemCode: '0101', content: '越界登记', location: { lng, lat, crs: 'wgs84', source: 'map' }, dueAt: '2026-12-31T00:00:00Z' }, expect: 'refused' }],
    'GET /api/cases/hotline': [{ expect: 'filtered' }, { query: 'due=overdue', expect: 'filtered' }, { query: `q=${encodeURIComponent('外省探针')}`, expect: 'filtered' }],
    'GET /api/cases/hotline/replies/export': [{ query: 'format=csv', expect: 'filtered' }],
    'GET /api/cases/{id}/hotline': [{ params: { id: outsideCase }, expect: 'hidden' }],
    'PUT /api/cases/{id}/hotline/reply': [{ params: { id: outsideCase }, body: { content: '越界回复', result: 'resolved' }, expect: 'hidden' }],
    'POST /api/cases/{id}/hotline/reveal': [{ params: { id: outsideCase }, body: { field: 'phone', reason: '越界查看诉求人' }, expect: 'hidden' }],
    'GET /api/hotline/categories': [{ expect: 'filtered' }],
    'PUT /api/hotline/categories': [{ body: { areaId: out.district.id, categoryPath: '外省探针/分类', itemCode: '0101' }, expect: 'refused' }],
    'DELETE /api/hotline/categories/{id}': [{ params: { id: outsideHotlineMap }, expect: 'hidden' }],
    'GET /api/affairs/catalogue': [{ expect: 'filtered' }, { query: `areaId=${out.district.id}`, expect: 'hidden' }],
    'GET /api/affairs/items/{id}': [{ params: { id: 2_000_000_001 }, expect: 'hidden' }],
    'POST /api/affairs/categories': [{ query: `areaId=${out.district.id}`, body: { code: '01', name: '越界类别' }, expect: 'hidden' }],
    'PATCH /api/affairs/categories/{id}': [{ params: { id: 2_000_000_001 }, body: { name: '被改名' }, expect: 'hidden' }],
    'DELETE /api/affairs/categories/{id}': [{ params: { id: 2_000_000_001 }, expect: 'hidden' }],
    'POST /api/affairs/items': [{ body: { ...affair, categoryId: 2_000_000_001 }, expect: 'refused' }],
    'PUT /api/affairs/items/{id}': [{ params: { id: 2_000_000_001 }, body: { ...affair, categoryId: 2_000_000_001, version: 1 }, expect: 'hidden' }],
    'GET /api/affairs/export': [{ query: `areaId=${out.district.id}&format=csv`, expect: 'hidden' }],
    'GET /api/public/affairs': [{ expect: 'filtered' }, { query: 'district=330102000000', expect: 'filtered' }],
  };
}

interface Operation {
  method: string;
  path: string;
  permission: string;
}

async function operations(): Promise<Operation[]> {
  const spec = (await t.app.inject({ url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { 'x-permission'?: string }>> };
  return Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({ method: method.toUpperCase(), path, permission: op['x-permission'] ?? '' })),
  );
}

/** A fingerprint of everything a refused request must not change (sessions and the audit trail aside). */
async function fingerprint(): Promise<string> {
  const db = t.database.db;
  const rows = await Promise.all([
    db.selectFrom('areas').selectAll().orderBy('id').execute(),
    db.selectFrom('users').select(['id', 'username', 'display_name', 'password_hash', 'phone_enc', 'home_area_id', 'disabled', 'locked_until', 'failed_logins']).orderBy('id').execute(),
    db.selectFrom('role_assignments').selectAll().orderBy('id').execute(),
    sql`SELECT id, area_id, ST_AsText(geom) AS g, valid_from, valid_to FROM area_boundaries ORDER BY id`.execute(db).then((r) => r.rows),
    db.selectFrom('area_changes').select(['id', 'area_id']).orderBy('id').execute(),
    db.selectFrom('sessions').select('id').where('user_id', '=', out.user.id).execute(),
    ...(['notifications', 'houses', 'rentals', 'households', 'persons', 'person_tags', 'household_visits', 'record_proposals', 'building_profiles', 'person_duplicates', 'organisations', 'organisation_employees', 'city_components', 'affair_categories', 'affair_items', 'departments', 'department_areas', 'attachments', 'hotline_category_map'] as const).map((table) =>
      sql`SELECT * FROM ${sql.table(table)} t WHERE t.area_id IN (SELECT id FROM areas WHERE path LIKE ${`${out.district.path}%`}) ORDER BY 1`.execute(db).then((res) => res.rows),
    ),
    ...(['cases', 'case_events'] as const).map((table) =>
      sql`SELECT * FROM ${sql.table(table)} t WHERE t.grid_id IN (SELECT id FROM areas WHERE path LIKE ${`${out.district.path}%`}) ORDER BY 1`.execute(db).then((res) => res.rows),
    ),
  ]);
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}

function fill(path: string, params: Record<string, string | number> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (!(name in params)) throw new Error(`probe for ${path} lacks {${name}}`);
    return encodeURIComponent(String(params[name]));
  });
}

async function call(op: Operation, probe: Probe, session: Session | null) {
  const url = fill(op.path, probe.params) + (probe.query ? `?${probe.query}` : '');
  const headers: Record<string, string> = session ? { ...session.headers } : {};
  if (probe.csv !== undefined) {
    return t.app.inject({ method: op.method as 'POST', url, headers: { ...headers, 'content-type': 'text/csv' }, payload: probe.csv });
  }
  return t.app.inject({ method: op.method as 'GET', url, headers, ...(probe.body !== undefined ? { payload: probe.body as object } : {}) });
}

beforeAll(async () => {
  t = await createTestApp({}, { editions: true });
  out = await buildOutsideDistrict(t.database);
  // A notification of the outside account about its grid: no demo account may list it or mark it read.
  outsideNotification = (
    await t.database.db
      .insertInto('notifications')
      .values({ recipient_id: out.user.id, area_id: out.grid.id, kind: 'test.probe', title: '外省探针网格：探针消息', created_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await t.database.db
    .insertInto('attachments')
    .values({ id: outsideAttachment, owner_type: 'case', owner_id: out.building.id, area_id: out.building.id, purpose: 'photo', uploaded_by: out.user.id, client_key: 'probe-outside-0', file_name: '外省探针照片.jpg', mime: 'image/jpeg', size_bytes: 1, sha256: '0'.repeat(64), storage_key: `00/00/${'0'.repeat(32)}.orig`, created_at: new Date() })
    .execute();
  const snapshot = { state: 'reported', holder: { level: 'grid', areaId: out.grid.id, departmentId: null }, dispatcher: null, suspendedFrom: null, supervision: null, expedited: false, extensionPending: null, extensionDays: 0, selfHandled: false, rating: null, mergedInto: null, counts: { escalations: 0, dispatches: 0, returns: 0, reworks: 0, extensions: 0, reopens: 0, supervisions: 0 } };
  outsideCase = (
    await t.database.db
      .insertInto('cases')
      .values({ case_no: 'SJ20261207999999', tracking_token: 'outside-probe-token', channel: 'grid_worker', item_code: '0101', item_name: '外省探针事项', title: '外省探针事件', description: '外省探针网格里的事件', location_source: 'reporter_grid', grid_id: out.grid.id, state: 'reported', holder_level: 'grid', holder_area_id: out.grid.id, snapshot: JSON.stringify(snapshot), custom_fields: '{}', reported_at: new Date(), step_started_at: new Date(), updated_at: new Date(), reporter_user_id: out.user.id })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await t.database.db
    .insertInto('case_events')
    .values({ case_id: outsideCase, seq: 1, action: 'report', actor_id: out.user.id, actor_name: '外省探针', to_state: 'reported', holder_level: 'grid', holder_area_id: out.grid.id, payload: '{}', grid_id: out.grid.id, created_at: new Date() })
    .execute();
  outsideHotlineMap = (await t.database.db.insertInto('hotline_category_map').values({ area_id: out.district.id, category_path: '外省探针/分类', item_code: '0101', updated_at: new Date() }).returning('id').executeTakeFirstOrThrow()).id;
  // The outside user signed in, so a session of theirs exists to probe for.
  await loginAs(t.app, 'outsider_probe', 'Fixture#Pass2026');
  outsideSession = (await t.database.db.selectFrom('sessions').select('id').where('user_id', '=', out.user.id).executeTakeFirstOrThrow()).id;
  for (const a of DEMO_ACCOUNTS) sessions.set(a.username, await loginAs(t.app, a.username));
}, 180_000);
afterAll(async () => t?.close());

describe('every operation × every role × a record outside the scope', () => {
  it('has a probe or a stated exemption for every operation, and a permission on each', async () => {
    const table = probes();
    const ops = await operations();
    expect(ops.length).toBeGreaterThan(40);
    const missing = ops.filter((op) => !table[`${op.method} ${op.path}`]).map((op) => `${op.method} ${op.path}`);
    expect(missing, 'operations without a probe: add them to probes() in route-scope.int.test.ts').toEqual([]);
    const undeclared = ops.filter((op) => !op.permission).map((op) => `${op.method} ${op.path}`);
    expect(undeclared).toEqual([]);
    const stale = Object.keys(table).filter((key) => !ops.some((op) => `${op.method} ${op.path}` === key));
    expect(stale, 'probes for operations that no longer exist').toEqual([]);
  });

  it('answers 401 without a session, 403 without the permission, and never reveals or changes the outside record', async () => {
    const table = probes();
    const ops = await operations();
    const before = await fingerprint();
    const failures: string[] = [];
    let checked = 0;
    for (const op of ops) {
      const entry = table[`${op.method} ${op.path}`];
      if (!entry || !Array.isArray(entry)) continue;
      for (const probe of entry) {
        const label = `${op.method} ${fill(op.path, probe.params)}${probe.query ? `?${probe.query}` : ''}`;
        if (op.permission !== 'public') {
          const anonymous = await call(op, probe, null);
          if (anonymous.statusCode !== 401) failures.push(`${label} without a session: ${anonymous.statusCode}`);
        }
        for (const account of DEMO_ACCOUNTS) {
          const session = sessions.get(account.username)!;
          const res = await call(op, probe, session);
          checked += 1;
          const who = `${label} as ${account.username}`;
          const may = op.permission === 'signed_in' || op.permission === 'public' || permissionsOf(account.roles as Role[]).includes(op.permission as Permission);
          if (!may) {
            if (res.statusCode !== 403) failures.push(`${who}: ${res.statusCode}, expected 403 (lacks ${op.permission})`);
            continue;
          }
          const text = res.rawPayload.toString('utf8');
          // Echoing what the caller sent ("区域 X 不存在或不在您的管辖范围内") reveals nothing; naming anything else does.
          const sent = `${probe.query ?? ''}${JSON.stringify(probe.body ?? null)}${probe.csv ?? ''}`;
          const leaked = out.canaries.filter((c) => text.includes(c) && !sent.includes(c));
          if (leaked.length > 0) failures.push(`${who}: response names ${leaked.join(', ')}`);
          const s = res.statusCode;
          if (probe.expect === 'hidden' && s !== 403 && s !== 404) failures.push(`${who}: ${s}, expected 403/404`);
          if (probe.expect === 'filtered' && !(s === 200 || s === 204 || s === 403 || s === 404)) failures.push(`${who}: ${s}`);
          if (probe.expect === 'refused' && !(s >= 400 && s < 500)) failures.push(`${who}: ${s}, expected a 4xx`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(400);
    expect(await fingerprint()).toBe(before);
  }, 600_000);
});
