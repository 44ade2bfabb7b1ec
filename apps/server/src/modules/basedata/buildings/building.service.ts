import type { BuildingBoard, BuildingProfileInput, CreateHouse, RentalInput, RentalView } from '@redgrid/contracts';
import type { RequestContext } from '../../../platform/context.ts';
import { actorNames } from '../../../platform/cross-scope.repository.ts';
import { AppError, notFound, pgErrorCode, validationFailed } from '../../../platform/errors.ts';
import { read, write, type Unit } from '../../../platform/unit-of-work.ts';
import { householdRepository } from '../households/household.repository.ts';
import { PLACE_LEVELS } from '../persons/person.service.ts';
import { personRepository } from '../persons/person.repository.ts';
import { diff, historyRepository } from '../shared/history.repository.ts';
import { beijingToday } from '../shared/names.ts';
import { loadPlaces, placeOf, visibleGroups } from '../shared/presenters.ts';
import { sealIdentity, sealPhone } from '../shared/protected-values.ts';
import { buildingRepository } from './building.repository.ts';

type Board = BuildingBoard;

function num(v: string | number | null): number | null {
  return v === null ? null : Number(v);
}

async function loadBoard(unit: Unit, id: number): Promise<Board> {
  const buildings = unit.use(buildingRepository);
  const b = await buildings.building(id);
  if (!b || b.level !== 'building') throw notFound('楼栋');
  const groups = await visibleGroups(unit, unit.actor);
  const [units, houses, places] = await Promise.all([buildings.units(id), buildings.houses(id), loadPlaces(unit, [id])]);
  const counts = await buildings.occupancy(houses.map((h) => h.id), groups.map((g) => g.id));
  const cells = houses.map((h) => ({ ...h, ...counts.get(h.id)! }));
  const byFloor = new Map<number | null, Board['floors'][number]['houses']>();
  for (const c of cells) {
    const list = byFloor.get(c.floor) ?? [];
    list.push({
      id: c.id,
      room: c.room,
      floor: c.floor,
      unitId: c.unitId,
      use: c.use as Board['floors'][number]['houses'][number]['use'],
      occupancy: c.occupancy as Board['floors'][number]['houses'][number]['occupancy'],
      floorArea: num(c.floorArea),
      households: c.households ?? 0,
      residents: c.residents ?? 0,
      rental: c.rentalId ? { id: c.rentalId, hazardLevel: c.hazardLevel!, occupants: c.occupants ?? 0, occupantLimit: c.occupantLimit } : null,
      dangerous: c.dangerous,
      attention: c.attention ?? 0,
    });
    byFloor.set(c.floor, list);
  }
  const floors = [...byFloor.entries()].sort((a, b) => (b[0] ?? -999) - (a[0] ?? -999)).map(([floor, houses]) => ({ floor, houses }));
  return {
    buildingId: b.id,
    name: b.name,
    code: b.code,
    place: placeOf(places, b.id),
    profile: {
      use: (b.use ?? null) as Board['profile']['use'],
      floorsAbove: b.floorsAbove ?? null,
      floorsBelow: b.floorsBelow ?? null,
      unitsCount: b.unitsCount ?? null,
      builtYear: b.builtYear ?? null,
      structure: b.structure ?? null,
      propertyManager: b.propertyManager ?? null,
      propertyPhoneMasked: b.propertyPhoneMasked ?? null,
      headName: b.headName ?? null,
      headPhoneMasked: b.headPhoneMasked ?? null,
      hazard: b.hazard ?? false,
      hazardNote: b.hazardNote ?? null,
      provenance: b.provenance ?? 'entered',
    },
    units,
    floors,
    totals: {
      houses: cells.length,
      households: cells.reduce((n, c) => n + (c.households ?? 0), 0),
      residents: cells.reduce((n, c) => n + (c.residents ?? 0), 0),
      rentals: cells.filter((c) => c.rentalId).length,
      vacant: cells.filter((c) => c.occupancy === 'vacant').length,
    },
    abilities: { update: unit.actor.permissions.has('basedata.manage') },
  };
}

export function buildingBoard(ctx: RequestContext, id: number): Promise<Board> {
  return read(ctx, 'basedata.read', (unit) => loadBoard(unit, id));
}

function sealOptionalPhone(ctx: RequestContext, field: string, raw: string | null | undefined, fields: Record<string, string[]>) {
  if (raw === undefined) return undefined;
  if (raw === null || raw === '') return { enc: null, masked: null };
  const s = sealPhone(ctx.cipher, raw);
  if (!s.ok) {
    fields[field] = [s.reason];
    return undefined;
  }
  return { enc: s.sealed.enc, masked: s.sealed.masked };
}

export async function saveBuildingProfile(ctx: RequestContext, id: number, input: BuildingProfileInput): Promise<Board> {
  return write(ctx, 'basedata.manage', async (unit) => {
    const buildings = unit.use(buildingRepository);
    const b = await buildings.building(id);
    if (!b || b.level !== 'building') throw notFound('楼栋');
    const fields: Record<string, string[]> = {};
    const property = sealOptionalPhone(ctx, 'propertyPhone', input.propertyPhone, fields);
    const head = sealOptionalPhone(ctx, 'headPhone', input.headPhone, fields);
    if (Object.keys(fields).length) throw validationFailed(fields);
    const before = { use: b.use, floorsAbove: b.floorsAbove, floorsBelow: b.floorsBelow, unitsCount: b.unitsCount, builtYear: b.builtYear, structure: b.structure, propertyManager: b.propertyManager, propertyPhone: b.propertyPhoneMasked, headName: b.headName, headPhone: b.headPhoneMasked, hazard: b.hazard, hazardNote: b.hazardNote };
    const pick = <T>(v: T | undefined, old: T) => (v === undefined ? old : v);
    const next = {
      area_id: id,
      use: pick(input.use, b.use ?? null),
      floors_above: pick(input.floorsAbove, b.floorsAbove ?? null),
      floors_below: pick(input.floorsBelow, b.floorsBelow ?? null),
      units_count: pick(input.unitsCount, b.unitsCount ?? null),
      built_year: pick(input.builtYear, b.builtYear ?? null),
      structure: pick(input.structure, b.structure ?? null),
      property_manager: pick(input.propertyManager, b.propertyManager ?? null),
      head_name: pick(input.headName, b.headName ?? null),
      hazard: pick(input.hazard, b.hazard ?? false),
      hazard_note: pick(input.hazardNote, b.hazardNote ?? null),
      ...(property ? { property_phone_enc: property.enc, property_phone_masked: property.masked } : {}),
      ...(head ? { head_phone_enc: head.enc, head_phone_masked: head.masked } : {}),
      updated_at: ctx.clock(),
    };
    await buildings.saveProfile(next);
    const after = { use: next.use, floorsAbove: next.floors_above, floorsBelow: next.floors_below, unitsCount: next.units_count, builtYear: next.built_year, structure: next.structure, propertyManager: next.property_manager, propertyPhone: property ? property.masked : b.propertyPhoneMasked, headName: next.head_name, headPhone: head ? head.masked : b.headPhoneMasked, hazard: next.hazard, hazardNote: next.hazard_note };
    const changes = diff(before, after);
    if (Object.keys(changes).length) {
      await unit.use(historyRepository).append([{ recordType: 'building', recordId: id, areaId: id, action: 'update', actorId: unit.actor.id, at: ctx.clock(), changes }]);
      await unit.audit({ action: 'update', entity: 'building_profile', entityId: id, areaId: id, before, after });
    }
    return loadBoard(unit, id);
  });
}

async function loadRental(unit: Unit, rental: { id: number; house_id: number; lessor_name: string; lessor_id_masked: string | null; lessor_phone_masked: string | null; filing_no: string | null; filed_on: string | null; lease_from: string | null; lease_to: string | null; rooms_let: number | null; monthly_rent: string | null; use: string; kind: string | null; occupant_limit: number | null; occupants: number; fire_exits: boolean | null; safety_pledge: boolean; hazard_level: 'serious' | 'general' | 'safe'; provenance: 'entered' | 'claimed' | 'verified'; verified_by: number | null; verified_at: Date | null }): Promise<RentalView> {
  const inspections = await unit.use(buildingRepository).inspections(rental.id);
  const names = await unit.use((db) => actorNames(db, [...inspections.map((i) => i.inspectorId), ...(rental.verified_by !== null ? [rental.verified_by] : [])]));
  return {
    id: rental.id,
    houseId: rental.house_id,
    lessorName: rental.lessor_name,
    lessorIdMasked: rental.lessor_id_masked,
    lessorPhoneMasked: rental.lessor_phone_masked,
    filingNo: rental.filing_no,
    filedOn: rental.filed_on,
    leaseFrom: rental.lease_from,
    leaseTo: rental.lease_to,
    roomsLet: rental.rooms_let,
    monthlyRent: num(rental.monthly_rent),
    use: rental.use as RentalView['use'],
    kind: rental.kind as RentalView['kind'],
    occupantLimit: rental.occupant_limit,
    occupants: rental.occupants,
    overcrowded: rental.occupant_limit !== null && rental.occupants > rental.occupant_limit,
    fireExits: rental.fire_exits,
    safetyPledge: rental.safety_pledge,
    hazardLevel: rental.hazard_level,
    provenance: rental.provenance,
    verifiedBy: rental.verified_by !== null ? (names.get(rental.verified_by) ?? null) : null,
    verifiedAt: rental.verified_at?.toISOString() ?? null,
    abilities: { verify: unit.actor.permissions.has('basedata.verify') },
    inspections: inspections.map((i) => ({ id: i.id, inspectedOn: i.inspectedOn, hazardLevel: i.hazardLevel, findings: i.findings, inspectorName: names.get(i.inspectorId) ?? '' })),
  };
}

async function loadHouse(unit: Unit, id: number) {
  const buildings = unit.use(buildingRepository);
  const h = await buildings.house(id);
  if (!h) throw notFound('房屋');
  const places = await loadPlaces(unit, [h.area_id]);
  const householdIds = (await buildings.householdsOfHouse(id)).map((x) => x.id);
  const households = unit.use(householdRepository);
  const items = [];
  for (const hid of householdIds) {
    const row = await households.find(hid);
    if (row) {
      const members = await households.memberIds(hid);
      items.push({ id: row.id, householdNo: row.householdNo, address: row.address, headName: row.headName, members: members.length, place: placeOf(places, h.area_id), lastVisitOn: null });
    }
  }
  const rental = await buildings.rentalOfHouse(id);
  return {
    id: h.id,
    address: h.address,
    floor: h.floor,
    room: h.room,
    floorArea: num(h.floor_area),
    use: h.use as 'residence',
    occupancy: h.occupancy as 'owner',
    ownerName: h.owner_name,
    ownerType: h.owner_type,
    ownerIdMasked: h.owner_id_masked,
    ownerPhoneMasked: h.owner_phone_masked,
    propertyCertNo: h.property_cert_no,
    landCertNo: h.land_cert_no,
    builtYear: h.built_year,
    dangerous: h.dangerous,
    place: placeOf(places, h.area_id),
    provenance: h.provenance,
    households: items,
    rental: rental ? await loadRental(unit, rental) : null,
  };
}

export function getHouse(ctx: RequestContext, id: number) {
  return read(ctx, 'basedata.read', (unit) => loadHouse(unit, id));
}

/** The natural key of a house: its area and room, so an import of the same address updates it. */
export function houseAddressKey(areaCode: string, floor: number | null, room: string | null): string {
  return `${areaCode}|${floor ?? ''}|${(room ?? '').normalize('NFKC').replace(/\s+/g, '').toUpperCase()}`;
}

export async function createHouse(ctx: RequestContext, input: CreateHouse) {
  return write(ctx, 'basedata.manage', async (unit) => {
    const area = await unit.use(personRepository).area(input.areaId);
    if (!area || !PLACE_LEVELS.has(area.level) || area.status !== 'active') throw validationFailed({ areaId: ['请选择您管辖范围内的网格、楼栋或单元'] });
    const fields: Record<string, string[]> = {};
    let owner: { enc: string; bidx: string; masked: string } | null = null;
    if (input.ownerIdNumber) {
      const s = sealIdentity(ctx.cipher, 'resident_id', input.ownerIdNumber, ctx.clock());
      if (!s.ok) fields.ownerIdNumber = [s.reason];
      else owner = s.sealed;
    }
    const ownerPhone = sealOptionalPhone(ctx, 'ownerPhone', input.ownerPhone, fields);
    if (Object.keys(fields).length) throw validationFailed(fields);
    const places = await loadPlaces(unit, [area.id]);
    const place = placeOf(places, area.id);
    const address = input.address ?? [place.communityName, place.placeName ?? place.gridName, input.room ? `${input.room}室` : null].filter(Boolean).join(' ');
    const areaCode = (await unit.use(buildingRepository).building(area.id))?.code ?? String(area.id);
    try {
      const id = await unit.use(buildingRepository).insertHouse({
        area_id: area.id,
        address_key: houseAddressKey(areaCode, input.floor ?? null, input.room ?? null),
        address,
        floor: input.floor ?? null,
        room: input.room ?? null,
        floor_area: input.floorArea ?? null,
        use: input.use,
        occupancy: input.occupancy,
        owner_name: input.ownerName ?? null,
        owner_type: input.ownerType ?? null,
        owner_id_enc: owner?.enc ?? null,
        owner_id_bidx: owner?.bidx ?? null,
        owner_id_masked: owner?.masked ?? null,
        owner_phone_enc: ownerPhone?.enc ?? null,
        owner_phone_masked: ownerPhone?.masked ?? null,
        property_cert_no: input.propertyCertNo ?? null,
        land_cert_no: input.landCertNo ?? null,
        built_year: input.builtYear ?? null,
        dangerous: input.dangerous ?? false,
      });
      const after = { address, floor: input.floor ?? null, room: input.room ?? null, use: input.use, occupancy: input.occupancy, ownerName: input.ownerName ?? null, ownerIdNumber: owner?.masked ?? null };
      await unit.use(historyRepository).append([{ recordType: 'house', recordId: id, areaId: area.id, action: 'create', actorId: unit.actor.id, at: ctx.clock(), changes: diff({}, after) }]);
      await unit.audit({ action: 'create', entity: 'house', entityId: id, areaId: area.id, after });
      return loadHouse(unit, id);
    } catch (err) {
      if (pgErrorCode(err) === '23505') throw new AppError('conflict', `${address} 已登记`);
      throw err;
    }
  });
}

export async function saveRental(ctx: RequestContext, houseId: number, input: RentalInput) {
  return write(ctx, 'basedata.manage', async (unit) => {
    const buildings = unit.use(buildingRepository);
    const house = await buildings.house(houseId, true);
    if (!house) throw notFound('房屋');
    const fields: Record<string, string[]> = {};
    let lessorId: { enc: string; bidx: string; masked: string } | null = null;
    if (input.lessorIdNumber) {
      const s = sealIdentity(ctx.cipher, 'resident_id', input.lessorIdNumber, ctx.clock());
      if (!s.ok) fields.lessorIdNumber = [s.reason];
      else lessorId = s.sealed;
    }
    const phone = sealOptionalPhone(ctx, 'lessorPhone', input.lessorPhone, fields);
    if (input.filedOn && input.filedOn > beijingToday(ctx.clock())) fields.filedOn = ['备案日期不能晚于今天'];
    if (Object.keys(fields).length) throw validationFailed(fields);
    const existing = await buildings.rentalOfHouse(houseId);
    const row = {
      house_id: houseId,
      area_id: house.area_id,
      lessor_name: input.lessorName,
      ...(input.lessorIdNumber !== undefined ? { lessor_id_enc: lessorId?.enc ?? null, lessor_id_bidx: lessorId?.bidx ?? null, lessor_id_masked: lessorId?.masked ?? null } : {}),
      ...(phone ? { lessor_phone_enc: phone.enc, lessor_phone_masked: phone.masked } : {}),
      filing_no: input.filingNo ?? null,
      filed_on: input.filedOn ?? null,
      lease_from: input.leaseFrom ?? null,
      lease_to: input.leaseTo ?? null,
      rooms_let: input.roomsLet ?? null,
      monthly_rent: input.monthlyRent ?? null,
      use: input.use,
      kind: input.kind ?? null,
      occupant_limit: input.occupantLimit ?? null,
      occupants: input.occupants,
      fire_exits: input.fireExits ?? null,
      safety_pledge: input.safetyPledge,
      hazard_level: input.hazardLevel,
      updated_at: ctx.clock(),
    };
    const id = await buildings.saveRental(existing?.id ?? null, row);
    if (house.occupancy !== 'rented') await buildings.setOccupancy(houseId, 'rented');
    const after = { lessorName: input.lessorName, lessorIdNumber: lessorId?.masked ?? existing?.lessor_id_masked ?? null, occupants: input.occupants, occupantLimit: input.occupantLimit ?? null, hazardLevel: input.hazardLevel, filingNo: input.filingNo ?? null };
    const before = existing ? { lessorName: existing.lessor_name, lessorIdNumber: existing.lessor_id_masked, occupants: existing.occupants, occupantLimit: existing.occupant_limit, hazardLevel: existing.hazard_level, filingNo: existing.filing_no } : {};
    await unit.use(historyRepository).append([{ recordType: 'rental', recordId: id, areaId: house.area_id, action: existing ? 'update' : 'create', actorId: unit.actor.id, at: ctx.clock(), changes: diff(before, after) }]);
    await unit.audit({ action: existing ? 'update' : 'create', entity: 'rental', entityId: id, areaId: house.area_id, before: existing ? before : null, after });
    return loadHouse(unit, houseId);
  });
}

export async function addInspection(ctx: RequestContext, rentalId: number, input: { inspectedOn: string; hazardLevel: 'serious' | 'general' | 'safe'; findings?: string | null | undefined }) {
  return write(ctx, 'basedata.manage', async (unit) => {
    const buildings = unit.use(buildingRepository);
    const rental = await buildings.rental(rentalId);
    if (!rental) throw notFound('出租屋');
    if (input.inspectedOn > beijingToday(ctx.clock())) throw validationFailed({ inspectedOn: ['检查日期不能晚于今天'] });
    await buildings.addInspection({ rentalId, areaId: rental.area_id, inspectedOn: input.inspectedOn, inspectorId: unit.actor.id, hazardLevel: input.hazardLevel, findings: input.findings ?? null });
    await unit.use(historyRepository).append([{ recordType: 'rental', recordId: rentalId, areaId: rental.area_id, action: 'update', actorId: unit.actor.id, at: ctx.clock(), changes: { hazardLevel: [rental.hazard_level, input.hazardLevel], inspectedOn: [null, input.inspectedOn] } }]);
    await unit.audit({ action: 'inspect', entity: 'rental', entityId: rentalId, areaId: rental.area_id, after: { inspectedOn: input.inspectedOn, hazardLevel: input.hazardLevel } });
    return loadHouse(unit, rental.house_id);
  });
}

/** An owner's or lessor's full ID number or phone, for this view only: a reason is required and audited. */
export async function revealHouse(ctx: RequestContext, id: number, field: 'ownerIdNumber' | 'ownerPhone' | 'lessorIdNumber' | 'lessorPhone', reason: string) {
  return write(ctx, 'basedata.reveal', async (unit) => {
    const buildings = unit.use(buildingRepository);
    const house = await buildings.house(id);
    if (!house) throw notFound('房屋');
    const rental = field.startsWith('lessor') ? await buildings.rentalOfHouse(id) : undefined;
    const stored = field === 'ownerIdNumber' ? house.owner_id_enc : field === 'ownerPhone' ? house.owner_phone_enc : field === 'lessorIdNumber' ? (rental?.lessor_id_enc ?? null) : (rental?.lessor_phone_enc ?? null);
    const masked = field === 'ownerIdNumber' ? house.owner_id_masked : field === 'ownerPhone' ? house.owner_phone_masked : field === 'lessorIdNumber' ? (rental?.lessor_id_masked ?? null) : (rental?.lessor_phone_masked ?? null);
    const value = stored ? ctx.cipher.decrypt(stored) : null;
    await unit.audit({ action: 'reveal', entity: 'house', entityId: id, areaId: house.area_id, after: { field, reason, masked } });
    return { field, value };
  });
}

/** 已核实: a house checked on the spot (who and when kept), with history. */
export async function verifyHouse(ctx: RequestContext, id: number) {
  return write(ctx, 'basedata.verify', async (unit) => {
    const buildings = unit.use(buildingRepository);
    const house = await buildings.house(id, true);
    if (!house) throw notFound('房屋');
    const now = ctx.clock();
    await buildings.verifyHouse(id, unit.actor.id, now);
    await unit.use(historyRepository).append([{ recordType: 'house', recordId: id, areaId: house.area_id, action: 'verify', actorId: unit.actor.id, at: now, changes: { provenance: [house.provenance, 'verified'] } }]);
    await unit.audit({ action: 'verify', entity: 'house', entityId: id, areaId: house.area_id, before: { provenance: house.provenance }, after: { provenance: 'verified' } });
    return loadHouse(unit, id);
  });
}

/** 已核实: a rental checked on the spot (who and when kept), with history and audit; answers with its house. */
export async function verifyRental(ctx: RequestContext, id: number) {
  return write(ctx, 'basedata.verify', async (unit) => {
    const buildings = unit.use(buildingRepository);
    const rental = await buildings.rental(id);
    if (!rental) throw notFound('出租屋');
    const now = ctx.clock();
    await buildings.verifyRental(id, unit.actor.id, now);
    await unit.use(historyRepository).append([{ recordType: 'rental', recordId: id, areaId: rental.area_id, action: 'verify', actorId: unit.actor.id, at: now, changes: { provenance: [rental.provenance, 'verified'] } }]);
    await unit.audit({ action: 'verify', entity: 'rental', entityId: id, areaId: rental.area_id, before: { provenance: rental.provenance }, after: { provenance: 'verified' } });
    return loadHouse(unit, rental.house_id);
  });
}
