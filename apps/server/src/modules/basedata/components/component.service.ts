import { componentClassOf, type ComponentView, type CreateComponent, type UpdateComponent } from '@redgrid/contracts';
import type { RequestContext } from '../../../platform/context.ts';
import { actorNames } from '../../../platform/cross-scope.repository.ts';
import { AppError, notFound, validationFailed } from '../../../platform/errors.ts';
import { read, write, type Unit } from '../../../platform/unit-of-work.ts';
import { diff, historyRepository } from '../shared/history.repository.ts';
import { beijingToday } from '../shared/names.ts';
import { loadPlaces, placeOf } from '../shared/presenters.ts';
import { componentRepository, type ComponentFilter } from './component.repository.ts';

type Row = NonNullable<Awaited<ReturnType<ReturnType<typeof componentRepository>['find']>>>;

function present(r: Row, places: Awaited<ReturnType<typeof loadPlaces>>, names: Map<number, string>, actor: Unit['actor']): ComponentView {
  return {
    id: r.id,
    identifier: r.identifier,
    classCode: r.classCode,
    subclassCode: r.subclassCode,
    name: r.name,
    state: r.state as ComponentView['state'],
    ownerDept: r.ownerDept,
    maintainerDept: r.maintainerDept,
    location: { lng: Number(r.lng), lat: Number(r.lat) },
    firstRecordedOn: r.firstRecordedOn,
    changedOn: r.changedOn,
    source: r.source,
    place: placeOf(places, r.areaId),
    provenance: r.provenance,
    verifiedBy: r.verifiedBy !== null ? (names.get(r.verifiedBy) ?? null) : null,
    verifiedAt: r.verifiedAt?.toISOString() ?? null,
    updatedAt: r.updatedAt.toISOString(),
    abilities: { update: actor.permissions.has('basedata.manage'), verify: actor.permissions.has('basedata.verify') },
  };
}

/** Display names of the people who verified these components: one query for a page. */
function verifierNames(unit: Unit, rows: readonly Row[]) {
  return unit.use((db) => actorNames(db, rows.map((r) => r.verifiedBy).filter((x): x is number => x !== null)));
}

async function loadComponent(unit: Unit, id: number): Promise<ComponentView> {
  const r = await unit.use(componentRepository).find(id);
  if (!r) throw notFound('部件');
  return present(r, await loadPlaces(unit, [r.areaId]), await verifierNames(unit, [r]), unit.actor);
}

/** The 16-digit identifier: county code (6) + class (2) + sub-class (2) + serial (6). */
export function componentIdentifier(countyCode: string, classCode: string, subclassCode: string, serial: number): string {
  if (!/^\d{6}$/.test(countyCode) || !/^\d{2}$/.test(classCode) || !/^\d{2}$/.test(subclassCode)) throw new Error('component identifier parts have the wrong shape');
  if (!Number.isInteger(serial) || serial < 1 || serial > 999_999) throw new Error('component serial out of range');
  return `${countyCode}${classCode}${subclassCode}${String(serial).padStart(6, '0')}`;
}

/** The grid a component is filed under: the one given (the point must lie in it), else the one holding the point. */
async function gridFor(unit: Unit, areaId: number | null | undefined, location: { lng: number; lat: number }) {
  const components = unit.use(componentRepository);
  if (areaId !== undefined && areaId !== null) {
    const grid = await components.area(areaId);
    if (!grid || grid.level !== 'grid' || grid.status !== 'active') throw validationFailed({ areaId: ['请选择您管辖范围内的网格'] });
    if ((await components.covers(grid.id, location.lng, location.lat)) === false) throw validationFailed({ location: [`位置不在${grid.name}范围内，请核对位置或所选网格`] });
    return grid;
  }
  const grid = await components.gridAt(location.lng, location.lat);
  if (!grid) throw validationFailed({ location: ['该位置不在您管辖的任何网格内，请核对位置（WGS84 经纬度）'] });
  return grid;
}

export function getComponent(ctx: RequestContext, id: number): Promise<ComponentView> {
  return read(ctx, 'basedata.read', (unit) => loadComponent(unit, id));
}

type ListQuery = Omit<ComponentFilter, 'areaPath'> & { areaId?: number | undefined };

async function listRows(unit: Unit, query: ListQuery) {
  const components = unit.use(componentRepository);
  let areaPath: string | undefined;
  if (query.areaId !== undefined) {
    const area = await components.area(query.areaId);
    if (!area) throw notFound('区域');
    areaPath = area.path;
  }
  return components.list({ ...query, areaPath, limit: query.limit + 1 });
}

export function listComponents(ctx: RequestContext, query: ListQuery) {
  return read(ctx, 'basedata.read', async (unit) => {
    const rows = await listRows(unit, query);
    const page = rows.slice(0, query.limit);
    const places = await loadPlaces(unit, page.map((r) => r.areaId));
    const names = await verifierNames(unit, page);
    return { items: page.map((r) => present(r, places, names, unit.actor)), next: rows.length > query.limit ? page[page.length - 1]!.id : null };
  });
}

/** The same list as GeoJSON points for the map. */
export function componentFeatures(ctx: RequestContext, query: Omit<ListQuery, 'after' | 'q'>) {
  return read(ctx, 'basedata.read', async (unit) => {
    const rows = await listRows(unit, query);
    const page = rows.slice(0, query.limit);
    return {
      type: 'FeatureCollection' as const,
      features: page.map((r) => ({
        type: 'Feature' as const,
        id: r.id,
        geometry: { type: 'Point' as const, coordinates: [Number(r.lng), Number(r.lat)] as [number, number] },
        properties: { identifier: r.identifier, name: r.name, classCode: r.classCode, subclassCode: r.subclassCode, state: r.state as ComponentView['state'] },
      })),
      truncated: rows.length > query.limit,
    };
  });
}

export function createComponent(ctx: RequestContext, input: CreateComponent): Promise<ComponentView> {
  return write(ctx, 'basedata.manage', async (unit) => {
    if (!componentClassOf(input.classCode, input.subclassCode)) throw validationFailed({ subclassCode: [`部件分类 ${input.classCode}${input.subclassCode} 不在分类表中（CJ/T 214-2007）`] });
    const grid = await gridFor(unit, input.areaId, input.location);
    const county = grid.code.slice(0, 6);
    if (!/^\d{6}$/.test(county)) throw new AppError('validation_failed', `网格 ${grid.name} 的编码不以 6 位县级区划代码开头，无法编制部件标识码`);
    const components = unit.use(componentRepository);
    const serial = await components.nextSerial(`${county}${input.classCode}${input.subclassCode}`);
    const identifier = componentIdentifier(county, input.classCode, input.subclassCode, serial);
    const row = {
      areaId: grid.id,
      identifier,
      classCode: input.classCode,
      subclassCode: input.subclassCode,
      name: input.name,
      state: input.state,
      ownerDept: input.ownerDept ?? null,
      maintainerDept: input.maintainerDept ?? null,
      location: input.location,
      firstRecordedOn: input.firstRecordedOn ?? null,
      source: input.source ?? null,
    };
    const id = await components.insert(row);
    const { areaId: _a, ...after } = row;
    void _a;
    await unit.use(historyRepository).append([{ recordType: 'component', recordId: id, areaId: grid.id, action: 'create', actorId: unit.actor.id, at: ctx.clock(), changes: diff({}, after) }]);
    await unit.audit({ action: 'create', entity: 'component', entityId: id, areaId: grid.id, after: { identifier, name: input.name, state: input.state } });
    return loadComponent(unit, id);
  });
}

export function updateComponent(ctx: RequestContext, id: number, input: UpdateComponent): Promise<ComponentView> {
  return write(ctx, 'basedata.manage', async (unit) => {
    const components = unit.use(componentRepository);
    const current = await components.find(id);
    if (!current) throw notFound('部件');
    const next: Parameters<ReturnType<typeof componentRepository>['update']>[1] = {};
    if (input.name !== undefined) next.name = input.name;
    if (input.state !== undefined) next.state = input.state;
    if (input.ownerDept !== undefined) next.ownerDept = input.ownerDept ?? null;
    if (input.maintainerDept !== undefined) next.maintainerDept = input.maintainerDept ?? null;
    if (input.source !== undefined) next.source = input.source ?? null;
    if (input.location !== undefined) {
      next.location = input.location;
      const inside = await components.covers(current.areaId, input.location.lng, input.location.lat);
      if (inside === false) next.areaId = (await gridFor(unit, null, input.location)).id;
    }
    const before: Record<string, unknown> = { name: current.name, state: current.state, ownerDept: current.ownerDept, maintainerDept: current.maintainerDept, source: current.source, location: { lng: Number(current.lng), lat: Number(current.lat) }, areaId: current.areaId };
    const changes = diff(Object.fromEntries(Object.keys(next).map((k) => [k, before[k] ?? null])), next);
    if (Object.keys(changes).length === 0) return loadComponent(unit, id);
    // A state change dates itself (CHDATE) unless the caller gives the date.
    const today = beijingToday(ctx.clock());
    if (input.changedOn !== undefined) next.changedOn = input.changedOn ?? null;
    else if ('state' in changes) next.changedOn = today;
    const at = ctx.clock();
    await components.update(id, next, at);
    const areaId = next.areaId ?? current.areaId;
    const history = unit.use(historyRepository);
    if (areaId !== current.areaId) await history.follow('component', id, areaId);
    await history.append([{ recordType: 'component', recordId: id, areaId, action: areaId !== current.areaId ? 'move' : 'update', actorId: unit.actor.id, at, changes }]);
    await unit.audit({ action: 'update', entity: 'component', entityId: id, areaId, before: Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v[0]])), after: Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v[1]])) });
    return loadComponent(unit, id);
  });
}

/** 已核实: a component checked on the spot (who and when kept), with history and audit. */
export function verifyComponent(ctx: RequestContext, id: number): Promise<ComponentView> {
  return write(ctx, 'basedata.verify', async (unit) => {
    const components = unit.use(componentRepository);
    const current = await components.find(id, true);
    if (!current) throw notFound('部件');
    const at = ctx.clock();
    await components.verify(id, unit.actor.id, at);
    await unit.use(historyRepository).append([{ recordType: 'component', recordId: id, areaId: current.areaId, action: 'verify', actorId: unit.actor.id, at, changes: { provenance: [current.provenance, 'verified'] } }]);
    await unit.audit({ action: 'verify', entity: 'component', entityId: id, areaId: current.areaId, before: { provenance: current.provenance }, after: { provenance: 'verified' } });
    return loadComponent(unit, id);
  });
}

export function componentHistory(ctx: RequestContext, id: number) {
  return read(ctx, 'basedata.read', async (unit) => {
    if (!(await unit.use(componentRepository).find(id))) throw notFound('部件');
    const rows = await unit.use(historyRepository).list('component', [id], 200);
    const names = await unit.use((db) => actorNames(db, rows.map((h) => h.actorId).filter((x): x is number => x !== null)));
    return {
      items: rows.map((h) => ({ id: h.id, at: h.at.toISOString(), action: h.action, source: h.source, actorName: h.actorId ? (names.get(h.actorId) ?? null) : null, changes: (h.changes ?? {}) as Record<string, [unknown, unknown]> })),
    };
  });
}
