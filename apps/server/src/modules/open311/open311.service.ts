import type { AffairItem } from '@redgrid/contracts';
import type { RequestContext, Scope } from '../../platform/context.ts';
import { areaNamesByIds, areasByDivisionCode, gridAtPoint, publicResidentAffairs } from '../../platform/cross-scope.repository.ts';
import { AppError } from '../../platform/errors.ts';
import { asGuest, lookUpBeforeSignIn } from '../../platform/unit-of-work.ts';
import { listActiveItems } from '../affairs/index.ts';
import { fileCase, sealReporter } from '../case/index.ts';
import { checkOpen311Key } from './open311-keys.service.ts';
import { attributesOf, coarse, customFieldsFromAttributes, fullName, open311Status, open311StatusNotes, w3cDatetime } from './open311-present.ts';
import { open311Repository } from './open311.repository.ts';

/**
 * Open311 GeoReport v2 (issue 10): the district's public catalogue as services, its cases as service
 * requests, and new requests from applications holding an API key, filed as cases of the 'open311'
 * channel in the grid their point falls in. Answers are plain values in the spec's shapes; the routes
 * write them as XML or JSON.
 *
 * What the public sees of a case (GET requests): only cases of the services listed (resident-reportable
 * items: internal work such as key-population follow-ups never appears), never a confidential one;
 * the description, the address, the exact point and a media_url only of requests filed in public
 * (Open311, the resident page) — for cases a grid worker, a household visit or the hotline filed, the
 * service, status, dates, agency and a point rounded to about 100 m. Reporters' names, phones and
 * e-mails are never part of a request.
 */

/** A refusal in the spec's terms: an HTTP status and the error list it answers with. */
export class Open311Problem extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 429,
    readonly descriptions: string[],
    readonly retryAfterSeconds?: number,
  ) {
    super(descriptions.join('; '));
  }
}

const SPEC = 'http://wiki.open311.org/GeoReport_v2';
const PUBLIC_CHANNELS = new Set(['open311', 'resident']);
const DAY_MS = 86_400_000;
const MAX_SPAN_MS = 90 * DAY_MS;
const MAX_REQUESTS = 1000;

// ——— jurisdictions and their services (cached a minute: the catalogue changes by the day) ———

interface Jurisdiction {
  id: number;
  code: string;
  name: string;
  path: string;
}

interface Catalogue {
  services: { item: AffairItem; group: string }[];
  byCode: Map<string, { item: AffairItem; group: string }>;
  changeset: string;
}

const CACHE_MS = 60_000;
let jurisdictionCache: { at: number; list: Jurisdiction[] } | null = null;
const catalogueCache = new Map<string, { at: number; catalogue: Catalogue }>();

/** Districts with a public catalogue; `jurisdiction_id` is the district's 12-digit division code. */
async function jurisdictions(ctx: RequestContext): Promise<Jurisdiction[]> {
  const now = Date.now();
  if (jurisdictionCache && now - jurisdictionCache.at < CACHE_MS) return jurisdictionCache.list;
  const list = await lookUpBeforeSignIn(ctx, async (db) => {
    const rows = await publicResidentAffairs(db, null);
    const codes = [...new Set(rows.map((r) => r.districtCode))];
    const areas = await areasByDivisionCode(db, codes);
    return codes.flatMap((code) => {
      const a = areas.get(code);
      return a ? [{ id: Number(a.id), code, name: a.name, path: a.path }] : [];
    });
  });
  jurisdictionCache = { at: now, list };
  return list;
}

async function jurisdictionOf(ctx: RequestContext, jurisdictionId: string | undefined): Promise<Jurisdiction> {
  const list = await jurisdictions(ctx);
  if (jurisdictionId) {
    const found = list.find((j) => j.code === jurisdictionId);
    if (!found) throw new Open311Problem(404, [`jurisdiction_id ${jurisdictionId} was not found`]);
    return found;
  }
  if (list.length === 1) return list[0]!;
  if (list.length === 0) throw new Open311Problem(404, ['no jurisdiction publishes services here yet']);
  throw new Open311Problem(400, [`jurisdiction_id was not provided (one of: ${list.map((j) => j.code).join(', ')})`]);
}

const districtScope = (j: Jurisdiction): Scope => ({ areas: [j.path], departments: [], partyOrgs: [] });

async function catalogueOf(ctx: RequestContext, j: Jurisdiction): Promise<Catalogue> {
  const now = Date.now();
  const cached = catalogueCache.get(j.code);
  if (cached && now - cached.at < CACHE_MS) return cached.catalogue;
  const publicRows = await lookUpBeforeSignIn(ctx, (db) => publicResidentAffairs(db, j.code));
  const groups = new Map(publicRows.map((r) => [r.code, r.category]));
  // The items' rules (custom fields, filing conditions) in a unit confined to the district; it writes nothing.
  const items = await asGuest(ctx, { name: 'Open311', permissions: [], areaPaths: [j.path] }, (unit) => listActiveItems(unit, { areaPath: j.path }));
  const services = items.filter((i) => i.residentReportable && groups.has(i.code)).map((item) => ({ item, group: groups.get(item.code)! }));
  services.sort((a, b) => a.item.code.localeCompare(b.item.code));
  const changeset = items.reduce((max, i) => (i.updatedAt > max ? i.updatedAt : max), '1970-01-01T00:00:00.000Z');
  const catalogue = { services, byCode: new Map(services.map((s) => [s.item.code, s])), changeset: w3cDatetime(new Date(changeset))! };
  catalogueCache.set(j.code, { at: now, catalogue });
  return catalogue;
}

// ——— discovery, services, service definitions ———

export async function open311Discovery(ctx: RequestContext, baseUrl: string) {
  const list = await jurisdictions(ctx);
  const changes = await Promise.all(list.map(async (j) => (await catalogueOf(ctx, j)).changeset));
  const changeset = changes.sort().at(-1) ?? w3cDatetime(new Date(0))!;
  return {
    changeset,
    contact: `${list.map((j) => j.name).join('、') || '本平台'}网格化服务管理中心；接口问题请联系平台管理员`,
    key_service: 'POST 需要 api_key：由系统管理员或区级管理员在 redgrid 控制台「设置 → Open311 接口密钥」签发',
    endpoints: [{ specification: SPEC, url: `${baseUrl}/open311/v2`, changeset, type: ctx.config.mode === 'production' ? 'production' : 'test', formats: ['text/xml', 'application/json'] }],
  };
}

export async function open311Services(ctx: RequestContext, jurisdictionId: string | undefined) {
  const catalogue = await catalogueOf(ctx, await jurisdictionOf(ctx, jurisdictionId));
  return catalogue.services.map(({ item, group }) => ({
    service_code: item.code,
    service_name: item.name,
    description: item.filingConditions || item.name,
    metadata: item.customFields.length > 0,
    type: 'realtime',
    keywords: [group, item.name].join(', '),
    group,
  }));
}

export async function open311ServiceDefinition(ctx: RequestContext, jurisdictionId: string | undefined, code: string) {
  const catalogue = await catalogueOf(ctx, await jurisdictionOf(ctx, jurisdictionId));
  const found = catalogue.byCode.get(code);
  if (!found) throw new Open311Problem(404, [`service_code ${code} was not found`]);
  return { service_code: found.item.code, attributes: attributesOf(found.item.customFields) };
}

// ——— service requests ———

export interface RequestsQuery {
  jurisdiction_id?: string | undefined;
  service_request_id?: string | undefined;
  service_code?: string | undefined;
  start_date?: string | undefined;
  end_date?: string | undefined;
  status?: string | undefined;
}

const listOf = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

function dateOf(name: string, v: string | undefined): Date | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(d.getTime())) throw new Open311Problem(400, [`${name} must be a w3c datetime, e.g. 2026-12-01T00:00:00Z`]);
  return d;
}

export async function open311Requests(ctx: RequestContext, q: RequestsQuery) {
  const j = await jurisdictionOf(ctx, q.jurisdiction_id);
  const catalogue = await catalogueOf(ctx, j);
  const ids = listOf(q.service_request_id);
  const itemCodes = [...catalogue.byCode.keys()];
  // The spec: a list of ids overrides every other argument.
  if (ids.length > 0) {
    if (ids.length > MAX_REQUESTS) throw new Open311Problem(400, [`at most ${MAX_REQUESTS} service_request_id at once`]);
    return presentRequests(ctx, j, await lookUpBeforeSignIn(ctx, (db) => open311Repository(db, districtScope(j)).list({ itemCodes, caseNos: ids, limit: MAX_REQUESTS })));
  }
  const codes = listOf(q.service_code);
  const statuses = listOf(q.status);
  const wrong = statuses.filter((s) => s !== 'open' && s !== 'closed');
  if (wrong.length > 0) throw new Open311Problem(400, [`status must be open or closed (not ${wrong.join(', ')})`]);
  let from = dateOf('start_date', q.start_date);
  let to = dateOf('end_date', q.end_date);
  if (from && to && to.getTime() - from.getTime() > MAX_SPAN_MS) throw new Open311Problem(400, ['start_date and end_date may not span more than 90 days']);
  if (from && to && to < from) throw new Open311Problem(400, ['end_date is before start_date']);
  if (!from && !to) to = ctx.clock();
  if (!from) from = new Date(to!.getTime() - MAX_SPAN_MS);
  if (!to) to = new Date(from.getTime() + MAX_SPAN_MS);
  const states = statuses.length === 1 ? (statuses[0] === 'open' ? OPEN_STATES : CLOSED_STATES) : undefined;
  const rows = await lookUpBeforeSignIn(ctx, (db) =>
    open311Repository(db, districtScope(j)).list({ itemCodes: codes.length > 0 ? codes.filter((c) => catalogue.byCode.has(c)) : itemCodes, from, to, states, limit: MAX_REQUESTS }),
  );
  return presentRequests(ctx, j, rows);
}

const OPEN_STATES = ['reported', 'accepted', 'dispatched', 'handling', 'handled', 'suspended'];
const CLOSED_STATES = ['closed', 'closed_unfixed', 'rejected', 'merged'];

export async function open311Request(ctx: RequestContext, jurisdictionId: string | undefined, caseNo: string) {
  const found = await open311Requests(ctx, { jurisdiction_id: jurisdictionId, service_request_id: caseNo.replace(/,/g, '') });
  if (found.length === 0) throw new Open311Problem(404, [`service_request_id ${caseNo} was not found`]);
  return found;
}

export async function open311Token(ctx: RequestContext, jurisdictionId: string | undefined, token: string) {
  const j = await jurisdictionOf(ctx, jurisdictionId);
  const row = token.length > 100 ? undefined : await lookUpBeforeSignIn(ctx, (db) => open311Repository(db, districtScope(j)).byToken(token));
  if (!row) throw new Open311Problem(404, [`token ${token.slice(0, 100)} was not found`]);
  return [{ service_request_id: row.caseNo, token }];
}

type RequestRow = Awaited<ReturnType<ReturnType<typeof open311Repository>['list']>>[number];

async function presentRequests(ctx: RequestContext, j: Jurisdiction, rows: RequestRow[]) {
  const areaIds = rows.flatMap((r) => (r.holderAreaId === null ? [] : [Number(r.holderAreaId)]));
  const departmentIds = rows.flatMap((r) => (r.holderDepartmentId === null ? [] : [Number(r.holderDepartmentId)]));
  const [areas, departments] = await lookUpBeforeSignIn(ctx, (db) => Promise.all([areaNamesByIds(db, areaIds), open311Repository(db, districtScope(j)).departmentNames(departmentIds)]));
  return rows.map((r) => {
    const open = open311Status(r.state as never) === 'open';
    const inPublic = PUBLIC_CHANNELS.has(r.channel);
    const media = (r.customFields as Record<string, unknown> | null)?.media_url;
    const agency = r.holderDepartmentId !== null ? departments.get(Number(r.holderDepartmentId)) : r.holderAreaId !== null ? areas.get(Number(r.holderAreaId))?.name : undefined;
    return {
      service_request_id: r.caseNo,
      status: open ? 'open' : 'closed',
      status_notes: open311StatusNotes(r.state as never, r.holderLevel),
      service_name: r.itemName,
      service_code: r.itemCode,
      description: inPublic ? r.description : null,
      agency_responsible: agency ?? null,
      service_notice: null,
      requested_datetime: w3cDatetime(r.reportedAt),
      updated_datetime: w3cDatetime(open ? r.updatedAt : (r.closedAt ?? r.updatedAt)),
      expected_datetime: open ? w3cDatetime(r.dueRedAt) : null,
      address: inPublic ? r.address : null,
      address_id: null,
      zipcode: null,
      lat: r.lat === null ? null : inPublic ? Number(r.lat) : coarse(Number(r.lat)),
      long: r.lng === null ? null : inPublic ? Number(r.lng) : coarse(Number(r.lng)),
      media_url: inPublic && typeof media === 'string' ? media : null,
    };
  });
}

// ——— POST a service request ———

/** A POST's fields after form or JSON decoding (attribute[code] gathered into `attribute`). */
export interface PostedRequest {
  api_key?: string | undefined;
  jurisdiction_id?: string | undefined;
  service_code?: string | undefined;
  lat?: string | undefined;
  long?: string | undefined;
  address_string?: string | undefined;
  address_id?: string | undefined;
  email?: string | undefined;
  device_id?: string | undefined;
  account_id?: string | undefined;
  first_name?: string | undefined;
  last_name?: string | undefined;
  phone?: string | undefined;
  description?: string | undefined;
  media_url?: string | undefined;
  attribute: Record<string, string | string[]>;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,80}$/;

export async function open311Post(ctx: RequestContext, p: PostedRequest, idempotencyKey: string | undefined) {
  const key = await checkOpen311Key(ctx, p.api_key?.trim());
  if (!key.ok) {
    if (key.reason === 'rate') throw new Open311Problem(429, ['too many requests for this api_key: try again later'], key.retryAfterSeconds);
    throw new Open311Problem(403, [key.reason === 'missing' ? 'api_key was not provided: POST requires an api_key' : key.reason === 'revoked' ? 'api_key has been revoked' : 'Invalid api_key received -- can\'t proceed with create_request']);
  }
  const j = await jurisdictionOf(ctx, p.jurisdiction_id?.trim() || undefined);
  const code = p.service_code?.trim();
  if (!code) throw new Open311Problem(400, ['service_code was not provided']);
  const service = (await catalogueOf(ctx, j)).byCode.get(code);
  if (!service) throw new Open311Problem(404, [`service_code ${code} was not found`]);

  const problems: string[] = [];
  const hasLat = !!p.lat?.trim();
  const hasLong = !!p.long?.trim();
  const lat = Number(p.lat);
  const lng = Number(p.long);
  if (!hasLat && !hasLong) {
    problems.push(p.address_string?.trim() || p.address_id?.trim() ? 'lat and long are required: requests are routed to a grid by their location, an address alone cannot be placed' : 'a location is required: lat and long (WGS84)');
  } else if (!hasLat || !hasLong) problems.push('lat and long must both be sent');
  else if (!Number.isFinite(lat) || lat < -90 || lat > 90 || !Number.isFinite(lng) || lng < -180 || lng > 180) problems.push('lat and long must be WGS84 degrees (lat -90..90, long -180..180)');
  const description = p.description?.trim() ?? '';
  if (description.length > 4000) problems.push('description is limited to 4,000 characters');
  const address = p.address_string?.trim() ?? '';
  if (address.length > 200) problems.push('address_string is limited to 200 characters');
  const mediaUrl = p.media_url?.trim() ?? '';
  if (mediaUrl && (mediaUrl.length > 500 || !/^https?:\/\/[^\s]+$/i.test(mediaUrl))) problems.push('media_url must be an http(s) URL of at most 500 characters');
  const phone = p.phone?.trim() ?? '';
  if (phone.length > 30) problems.push('phone is limited to 30 characters');
  const email = p.email?.trim() ?? '';
  if (email.length > 120) problems.push('email is limited to 120 characters');
  const name = fullName(p.first_name, p.last_name);
  if (name && name.length > 60) problems.push('first_name and last_name are limited to 60 characters together');
  const attributes = customFieldsFromAttributes(service.item.customFields, p.attribute);
  problems.push(...attributes.problems);
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) problems.push('Idempotency-Key must be 8-80 letters, digits or ._:-');
  if (problems.length > 0) throw new Open311Problem(400, problems);

  const grid = await lookUpBeforeSignIn(ctx, (db) => gridAtPoint(db, lng, lat));
  if (!grid || !grid.path.startsWith(j.path)) throw new Open311Problem(400, [`the point lat=${lat}, long=${lng} is outside every grid of ${j.name}: requests can only be filed inside the jurisdiction`]);

  const guestName = `Open311: ${key.client.name}`;
  // The reporter's name (with the e-mail, so staff can answer) and phone are sealed like a resident's.
  const reporterName = name && email ? `${name} <${email}>` : (name ?? (email || null));
  const sealed = reporterName || phone ? sealReporter(ctx.cipher, { name: reporterName, phone: phone || null }) : null;
  const text = description || service.item.name;
  const title = (description.split(/\r?\n/)[0] ?? '').slice(0, 30) || service.item.name;
  try {
    const row = await asGuest(ctx, { name: guestName, permissions: ['case.report'], areaPaths: [grid.path] }, (unit) =>
      fileCase(unit, ctx.clock(), {
        channel: 'open311',
        itemCode: service.item.code,
        title,
        description: text,
        address: address || null,
        location: { lng, lat, crs: 'wgs84', source: 'gps' },
        // Located once, here, to confine the guest unit to that grid: fileCase does not locate it again.
        locatedGrid: grid,
        customFields: { ...attributes.values, ...(mediaUrl ? { media_url: mediaUrl } : {}) },
        reporter: { userId: null, sealed, anonymous: sealed === null },
        external: idempotencyKey ? { source: `open311:${key.client.id}`, number: idempotencyKey, dueAt: null, confidential: false, replyRequired: false } : undefined,
        actorName: guestName,
        actorLevel: null,
      }),
    );
    const due = w3cDatetime(row.dueRedAt);
    return [{ service_request_id: row.caseNo, service_notice: `已登记，由${grid.name}受理${due ? `（受理时限 ${due.slice(0, 16).replace('T', ' ')}）` : ''}`, account_id: null }];
  } catch (err) {
    if (err instanceof AppError && (err.code === 'validation_failed' || err.code === 'not_found')) throw new Open311Problem(400, [err.message]);
    throw err;
  }
}
