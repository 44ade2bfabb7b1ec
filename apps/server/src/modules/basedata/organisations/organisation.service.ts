import type { CreateOrganisation, OrganisationEmployeeInput, OrganisationView, UpdateOrganisation } from '@redgrid/contracts';
import type { RequestContext } from '../../../platform/context.ts';
import { actorNames } from '../../../platform/cross-scope.repository.ts';
import { AppError, notFound, pgErrorCode, validationFailed } from '../../../platform/errors.ts';
import { read, write, type Unit } from '../../../platform/unit-of-work.ts';
import { diff, historyRepository } from '../shared/history.repository.ts';
import { loadPlaces, placeOf } from '../shared/presenters.ts';
import { sealPhone } from '../shared/protected-values.ts';
import { parseCreditCode } from './credit-code.ts';
import { organisationRepository, type OrganisationRow } from './organisation.repository.ts';

const PLACE_LEVELS = new Set(['grid', 'building', 'unit']);

export async function loadOrganisation(unit: Unit, id: number): Promise<OrganisationView> {
  const orgs = unit.use(organisationRepository);
  const o = await orgs.find(id);
  if (!o) throw notFound('单位');
  const employees = await orgs.employees(id);
  const dedicated = o.dedicatedGridId !== null ? await orgs.area(o.dedicatedGridId) : undefined;
  const places = await loadPlaces(unit, [o.areaId]);
  const names = await unit.use((db) => actorNames(db, [o.verifiedBy, o.claimedBy].filter((x): x is number => x !== null)));
  const perms = unit.actor.permissions;
  return {
    id: o.id,
    name: o.name,
    creditCode: o.creditCode,
    kind: o.kind as OrganisationView['kind'],
    address: o.address,
    legalRepName: o.legalRepName,
    legalRepPhoneMasked: o.legalRepPhoneMasked,
    keyUnit: o.keyUnit,
    fireSafetyLevel: o.fireSafetyLevel as OrganisationView['fireSafetyLevel'],
    securityChief: o.securityChief,
    employeesCount: o.employeesCount,
    industry: o.industry,
    dedicatedGrid: dedicated ? { id: dedicated.id, name: dedicated.name } : null,
    location: o.lng !== null && o.lat !== null ? { lng: Number(o.lng), lat: Number(o.lat) } : null,
    place: placeOf(places, o.areaId),
    provenance: o.provenance,
    verifiedBy: o.verifiedBy !== null ? (names.get(o.verifiedBy) ?? null) : null,
    verifiedAt: o.verifiedAt?.toISOString() ?? null,
    claimedBy: o.claimedBy !== null ? (names.get(o.claimedBy) ?? null) : null,
    claimedAt: o.claimedAt?.toISOString() ?? null,
    employees: employees.map((e) => ({ personId: e.personId, name: e.name, position: e.position, since: e.since })),
    updatedAt: o.updatedAt.toISOString(),
    abilities: { update: perms.has('basedata.manage'), verify: perms.has('basedata.verify') },
  };
}

/** The shape history and audit rows keep: protected values only masked. */
function recorded(row: Partial<OrganisationRow>): Record<string, unknown> {
  const { legalRepPhoneEnc: _enc, legalRepPhoneMasked, ...rest } = row;
  void _enc;
  return legalRepPhoneMasked !== undefined || 'legalRepPhoneMasked' in row ? { ...rest, legalRepPhone: legalRepPhoneMasked ?? null } : rest;
}

function duplicateCode(code: string | null | undefined): AppError {
  return new AppError('conflict', `统一社会信用代码 ${code ?? ''} 已登记，不能重复登记同一单位`, { fields: { creditCode: ['该统一社会信用代码已登记'] } });
}

/** Turns the input fields into columns, checking what the contract cannot (code, phone, areas). */
async function columnsOf(unit: Unit, ctx: RequestContext, input: UpdateOrganisation): Promise<Partial<OrganisationRow>> {
  const orgs = unit.use(organisationRepository);
  const out: Partial<OrganisationRow> = {};
  const fields: Record<string, string[]> = {};
  if (input.name !== undefined) out.name = input.name;
  if (input.creditCode !== undefined) {
    if (input.creditCode === null) out.creditCode = null;
    else {
      const parsed = parseCreditCode(input.creditCode);
      if (parsed.ok) out.creditCode = parsed.value;
      else fields.creditCode = [parsed.reason];
    }
  }
  if (input.kind !== undefined) out.kind = input.kind;
  if (input.address !== undefined) out.address = input.address ?? null;
  if (input.legalRepName !== undefined) out.legalRepName = input.legalRepName ?? null;
  if (input.legalRepPhone !== undefined) {
    if (!input.legalRepPhone) {
      out.legalRepPhoneEnc = null;
      out.legalRepPhoneMasked = null;
    } else {
      const sealed = sealPhone(ctx.cipher, input.legalRepPhone);
      if (sealed.ok) {
        out.legalRepPhoneEnc = sealed.sealed.enc;
        out.legalRepPhoneMasked = sealed.sealed.masked;
      } else fields.legalRepPhone = [sealed.reason];
    }
  }
  if (input.keyUnit !== undefined) out.keyUnit = input.keyUnit;
  if (input.fireSafetyLevel !== undefined) out.fireSafetyLevel = input.fireSafetyLevel ?? null;
  if (input.securityChief !== undefined) out.securityChief = input.securityChief ?? null;
  if (input.employeesCount !== undefined) out.employeesCount = input.employeesCount ?? null;
  if (input.industry !== undefined) out.industry = input.industry ?? null;
  if (input.location !== undefined) out.location = input.location ?? null;
  if (input.areaId !== undefined) {
    const area = await orgs.area(input.areaId);
    if (!area || !PLACE_LEVELS.has(area.level) || area.status !== 'active') fields.areaId = ['请选择您管辖范围内的网格、楼栋或单元'];
    else out.areaId = area.id;
  }
  if (input.dedicatedGridId !== undefined) {
    if (input.dedicatedGridId === null) out.dedicatedGridId = null;
    else {
      const grid = await orgs.area(input.dedicatedGridId);
      if (!grid || grid.level !== 'grid' || grid.gridType !== 'dedicated' || grid.status !== 'active') fields.dedicatedGridId = ['请选择您管辖范围内的专属网格'];
      else out.dedicatedGridId = grid.id;
    }
  }
  if (Object.keys(fields).length > 0) throw validationFailed(fields);
  return out;
}

export function getOrganisation(ctx: RequestContext, id: number): Promise<OrganisationView> {
  return read(ctx, 'basedata.read', (unit) => loadOrganisation(unit, id));
}

export function listOrganisations(ctx: RequestContext, query: { areaId?: number | undefined; keyUnit?: boolean | undefined; q?: string | undefined; after?: number | undefined; limit: number }) {
  return read(ctx, 'basedata.read', async (unit) => {
    const orgs = unit.use(organisationRepository);
    let areaPath: string | undefined;
    if (query.areaId !== undefined) {
      const area = await orgs.area(query.areaId);
      if (!area) throw notFound('区域');
      areaPath = area.path;
    }
    const rows = await orgs.list({ areaPath, keyUnit: query.keyUnit, q: query.q, after: query.after, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const places = await loadPlaces(unit, page.map((r) => r.areaId));
    return {
      items: page.map((r) => ({ id: r.id, name: r.name, creditCode: r.creditCode, kind: r.kind as OrganisationView['kind'], keyUnit: r.keyUnit, legalRepName: r.legalRepName, employeesCount: r.employeesCount, place: placeOf(places, r.areaId) })),
      next: rows.length > query.limit ? page[page.length - 1]!.id : null,
    };
  });
}

export function createOrganisation(ctx: RequestContext, input: CreateOrganisation): Promise<OrganisationView> {
  return write(ctx, 'basedata.manage', async (unit) => {
    const cols = await columnsOf(unit, ctx, input);
    const row: OrganisationRow = {
      areaId: cols.areaId!,
      name: cols.name!,
      creditCode: cols.creditCode ?? null,
      kind: cols.kind ?? 'enterprise',
      address: cols.address ?? null,
      legalRepName: cols.legalRepName ?? null,
      legalRepPhoneEnc: cols.legalRepPhoneEnc ?? null,
      legalRepPhoneMasked: cols.legalRepPhoneMasked ?? null,
      keyUnit: cols.keyUnit ?? false,
      fireSafetyLevel: cols.fireSafetyLevel ?? null,
      securityChief: cols.securityChief ?? null,
      employeesCount: cols.employeesCount ?? null,
      industry: cols.industry ?? null,
      dedicatedGridId: cols.dedicatedGridId ?? null,
      location: cols.location ?? null,
    };
    let id: number;
    try {
      id = await unit.use(organisationRepository).insert(row);
    } catch (err) {
      if (pgErrorCode(err) === '23505') throw duplicateCode(row.creditCode);
      throw err;
    }
    const after = recorded(row);
    await unit.use(historyRepository).append([{ recordType: 'organisation', recordId: id, areaId: row.areaId, action: 'create', actorId: unit.actor.id, at: ctx.clock(), changes: diff({}, after) }]);
    await unit.audit({ action: 'create', entity: 'organisation', entityId: id, areaId: row.areaId, after });
    return loadOrganisation(unit, id);
  });
}

export function updateOrganisation(ctx: RequestContext, id: number, input: UpdateOrganisation): Promise<OrganisationView> {
  return write(ctx, 'basedata.manage', async (unit) => {
    const orgs = unit.use(organisationRepository);
    const current = await orgs.find(id);
    if (!current) throw notFound('单位');
    const cols = await columnsOf(unit, ctx, input);
    const before: Partial<OrganisationRow> = {
      areaId: current.areaId,
      name: current.name,
      creditCode: current.creditCode,
      kind: current.kind,
      address: current.address,
      legalRepName: current.legalRepName,
      legalRepPhoneMasked: current.legalRepPhoneMasked,
      keyUnit: current.keyUnit,
      fireSafetyLevel: current.fireSafetyLevel,
      securityChief: current.securityChief,
      employeesCount: current.employeesCount,
      industry: current.industry,
      dedicatedGridId: current.dedicatedGridId,
      location: current.lng !== null && current.lat !== null ? { lng: Number(current.lng), lat: Number(current.lat) } : null,
    };
    const changes = diff(
      recorded(Object.fromEntries(Object.keys(cols).filter((k) => k !== 'legalRepPhoneEnc').map((k) => [k, before[k as keyof OrganisationRow] ?? null]))),
      recorded(cols),
    );
    if (Object.keys(changes).length === 0) return loadOrganisation(unit, id);
    const at = ctx.clock();
    try {
      await orgs.update(id, cols, at);
    } catch (err) {
      if (pgErrorCode(err) === '23505') throw duplicateCode(cols.creditCode);
      throw err;
    }
    const areaId = cols.areaId ?? current.areaId;
    const history = unit.use(historyRepository);
    if (areaId !== current.areaId) await history.follow('organisation', id, areaId);
    await history.append([{ recordType: 'organisation', recordId: id, areaId, action: areaId !== current.areaId ? 'move' : 'update', actorId: unit.actor.id, at, changes }]);
    await unit.audit({ action: 'update', entity: 'organisation', entityId: id, areaId, before: Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v[0]])), after: Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v[1]])) });
    return loadOrganisation(unit, id);
  });
}

/** 已核实: an organisation checked on the spot (who and when kept), with history and audit. */
export function verifyOrganisation(ctx: RequestContext, id: number): Promise<OrganisationView> {
  return write(ctx, 'basedata.verify', async (unit) => {
    const orgs = unit.use(organisationRepository);
    const current = await orgs.find(id);
    if (!current) throw notFound('单位');
    const at = ctx.clock();
    await orgs.verify(id, unit.actor.id, at);
    await unit.use(historyRepository).append([{ recordType: 'organisation', recordId: id, areaId: current.areaId, action: 'verify', actorId: unit.actor.id, at, changes: { provenance: [current.provenance, 'verified'] } }]);
    await unit.audit({ action: 'verify', entity: 'organisation', entityId: id, areaId: current.areaId, before: { provenance: current.provenance }, after: { provenance: 'verified' } });
    return loadOrganisation(unit, id);
  });
}

export function organisationHistory(ctx: RequestContext, id: number) {
  return read(ctx, 'basedata.read', async (unit) => {
    if (!(await unit.use(organisationRepository).find(id))) throw notFound('单位');
    const rows = await unit.use(historyRepository).list('organisation', [id], 200);
    const names = await unit.use((db) => actorNames(db, rows.map((h) => h.actorId).filter((x): x is number => x !== null)));
    return {
      items: rows.map((h) => ({ id: h.id, at: h.at.toISOString(), action: h.action, source: h.source, actorName: h.actorId ? (names.get(h.actorId) ?? null) : null, changes: (h.changes ?? {}) as Record<string, [unknown, unknown]> })),
    };
  });
}

export function addEmployee(ctx: RequestContext, id: number, input: OrganisationEmployeeInput): Promise<OrganisationView> {
  return write(ctx, 'basedata.manage', async (unit) => {
    const orgs = unit.use(organisationRepository);
    const org = await orgs.find(id);
    if (!org) throw notFound('单位');
    const person = await orgs.person(input.personId);
    if (!person || person.mergedInto !== null) throw validationFailed({ personId: ['人员不存在或不在您的管辖范围内'] });
    const position = input.position ?? null;
    const added = await orgs.upsertEmployee({ organisationId: id, personId: person.id, areaId: org.areaId, position, since: input.since ?? null });
    const at = ctx.clock();
    const label = position ? `${person.name}（${position}）` : person.name;
    await unit.use(historyRepository).append([{ recordType: 'organisation', recordId: id, areaId: org.areaId, action: 'update', actorId: unit.actor.id, at, changes: { employee: added ? [null, label] : [person.name, label] } }]);
    await unit.audit({ action: 'update', entity: 'organisation', entityId: id, areaId: org.areaId, after: { employeeAdded: person.id, position } });
    return loadOrganisation(unit, id);
  });
}

export function removeEmployee(ctx: RequestContext, id: number, personId: number): Promise<OrganisationView> {
  return write(ctx, 'basedata.manage', async (unit) => {
    const orgs = unit.use(organisationRepository);
    const org = await orgs.find(id);
    if (!org) throw notFound('单位');
    const person = await orgs.person(personId);
    if (!person || !(await orgs.removeEmployee(id, personId))) throw notFound('该单位的这名从业人员');
    await unit.use(historyRepository).append([{ recordType: 'organisation', recordId: id, areaId: org.areaId, action: 'update', actorId: unit.actor.id, at: ctx.clock(), changes: { employee: [person.name, null] } }]);
    await unit.audit({ action: 'update', entity: 'organisation', entityId: id, areaId: org.areaId, before: { employee: personId } });
    return loadOrganisation(unit, id);
  });
}
