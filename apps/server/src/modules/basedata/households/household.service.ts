import type { CreateHousehold, HouseholdView } from '@redgrid/contracts';
import type { RequestContext } from '../../../platform/context.ts';
import { actorNames } from '../../../platform/cross-scope.repository.ts';
import { notFound, validationFailed } from '../../../platform/errors.ts';
import { read, write, type Unit } from '../../../platform/unit-of-work.ts';
import { PLACE_LEVELS } from '../persons/person.service.ts';
import { personRepository } from '../persons/person.repository.ts';
import { historyRepository } from '../shared/history.repository.ts';
import { beijingToday } from '../shared/names.ts';
import { loadPlaces, placeOf, presentSummary, visibleGroups } from '../shared/presenters.ts';
import { sealPhone } from '../shared/protected-values.ts';
import { householdRepository } from './household.repository.ts';

async function loadHousehold(unit: Unit, ctx: RequestContext, id: number): Promise<HouseholdView> {
  const households = unit.use(householdRepository);
  const persons = unit.use(personRepository);
  const h = await households.find(id);
  if (!h) throw notFound('户');
  const memberIds = (await households.memberIds(id)).map((m) => m.id);
  const rows = await persons.summaries(memberIds);
  const order = new Map(memberIds.map((m, i) => [m, i]));
  rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  const groups = await visibleGroups(unit, unit.actor);
  const tags = await persons.tags(memberIds, groups.map((g) => g.id));
  const places = await loadPlaces(unit, [h.areaId, ...rows.map((r) => r.areaId)]);
  const last = await households.visitStats(id);
  const names = await unit.use((db) => actorNames(db, last ? [last.workerId] : []));
  const today = beijingToday(ctx.clock());
  return {
    id: h.id,
    householdNo: h.householdNo,
    kind: h.kind,
    houseId: h.houseId,
    address: h.address,
    registrationAddress: h.registrationAddress,
    homePhoneMasked: h.homePhoneMasked,
    headName: h.headName,
    place: placeOf(places, h.areaId),
    provenance: h.provenance,
    members: rows.map((r) => presentSummary(r, today, places, tags, groups)),
    lastVisit: last ? { visitedOn: last.visitedOn, kind: last.kind, workerName: names.get(last.workerId) ?? '' } : null,
    visits: last?.total ?? 0,
  };
}

export function getHousehold(ctx: RequestContext, id: number): Promise<HouseholdView> {
  return read(ctx, 'basedata.read', (unit) => loadHousehold(unit, ctx, id));
}

export function listHouseholds(ctx: RequestContext, query: { areaId?: number | undefined; q?: string | undefined; notVisitedSince?: string | undefined; after?: number | undefined; limit: number }) {
  return read(ctx, 'basedata.read', async (unit) => {
    let areaPath: string | undefined;
    if (query.areaId !== undefined) {
      const area = await unit.use(personRepository).area(query.areaId);
      if (!area) throw notFound('区域');
      areaPath = area.path;
    }
    const rows = await unit.use(householdRepository).list({ areaPath, q: query.q, notVisitedSince: query.notVisitedSince, after: query.after, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const places = await loadPlaces(unit, page.map((r) => r.areaId));
    return {
      items: page.map((r) => ({ id: r.id, householdNo: r.householdNo, address: r.address, headName: r.headName, members: r.members ?? 0, place: placeOf(places, r.areaId), lastVisitOn: r.lastVisitOn })),
      next: rows.length > query.limit ? page[page.length - 1]!.id : null,
    };
  });
}

export async function createHousehold(ctx: RequestContext, input: CreateHousehold): Promise<HouseholdView> {
  return write(ctx, 'basedata.manage', async (unit) => {
    const households = unit.use(householdRepository);
    let areaId: number;
    let houseId: number | null = null;
    if (input.houseId !== undefined) {
      const house = await households.house(input.houseId);
      if (!house) throw validationFailed({ houseId: ['房屋不存在或不在您的管辖范围内'] });
      areaId = house.areaId;
      houseId = house.id;
    } else {
      const area = await unit.use(personRepository).area(input.areaId!);
      if (!area || !PLACE_LEVELS.has(area.level) || area.status !== 'active') throw validationFailed({ areaId: ['请选择您管辖范围内的网格、楼栋或单元'] });
      areaId = area.id;
    }
    let phone: { enc: string; masked: string } | null = null;
    if (input.homePhone) {
      const sealed = sealPhone(ctx.cipher, input.homePhone);
      if (!sealed.ok) throw validationFailed({ homePhone: [sealed.reason] });
      phone = { enc: sealed.sealed.enc, masked: sealed.sealed.masked };
    }
    const id = await households.insert({ areaId, houseId, householdNo: input.householdNo ?? null, kind: input.kind, registrationAddress: input.registrationAddress ?? null, homePhoneEnc: phone?.enc ?? null, homePhoneMasked: phone?.masked ?? null });
    const after = { householdNo: input.householdNo ?? null, houseId, areaId, kind: input.kind, homePhone: phone?.masked ?? null };
    await unit.use(historyRepository).append([{ recordType: 'household', recordId: id, areaId, action: 'create', actorId: unit.actor.id, at: ctx.clock(), changes: Object.fromEntries(Object.entries(after).map(([k, v]) => [k, [null, v]])) }]);
    await unit.audit({ action: 'create', entity: 'household', entityId: id, areaId, after });
    return loadHousehold(unit, ctx, id);
  });
}

/** 已核实: a household checked on a visit (who and when kept), with history. */
export async function verifyHousehold(ctx: RequestContext, id: number): Promise<HouseholdView> {
  return write(ctx, 'basedata.verify', async (unit) => {
    const households = unit.use(householdRepository);
    const h = await households.find(id);
    if (!h) throw notFound('户');
    const now = ctx.clock();
    await households.verify(id, unit.actor.id, now);
    await unit.use(historyRepository).append([{ recordType: 'household', recordId: id, areaId: h.areaId, action: 'verify', actorId: unit.actor.id, at: now, changes: { provenance: [h.provenance, 'verified'] } }]);
    await unit.audit({ action: 'verify', entity: 'household', entityId: id, areaId: h.areaId, before: { provenance: h.provenance }, after: { provenance: 'verified' } });
    return loadHousehold(unit, ctx, id);
  });
}
