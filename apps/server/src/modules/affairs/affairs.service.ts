import type { AffairCatalogue, AffairItem, PublicAffairList, affairCategoryInputSchema, affairCategoryUpdateSchema, affairItemInputSchema, affairItemUpdateSchema } from '@redgrid/contracts';
import type { z } from 'zod';
import type { RequestContext } from '../../platform/context.ts';
import { publicResidentAffairs } from '../../platform/cross-scope.repository.ts';
import { AppError, notFound, pgErrorCode, validationFailed } from '../../platform/errors.ts';
import { lookUpBeforeSignIn, read, write, type Unit } from '../../platform/unit-of-work.ts';
import { itemValues, presentItem } from './affair-rules.ts';
import { affairsRepository } from './affairs.repository.ts';

/**
 * The catalogue of grid affairs (网事清单): read by everyone working in a district, edited by the
 * district's own admins (and system admins). Items are never deleted — cases refer to them — only
 * deactivated; a category with items or sub-categories cannot be deleted either.
 */

export interface CatalogueOwner {
  id: number;
  code: string;
  name: string;
  path: string;
}

const isUnder = (path: string, scopePaths: readonly string[]) => scopePaths.some((p) => path.startsWith(p));

/** The districts whose catalogue the caller reads, and the one they asked for (or their own). */
async function resolveOwner(unit: Unit, areaId: number | undefined): Promise<{ owner: CatalogueOwner | null; owners: CatalogueOwner[] }> {
  const repo = unit.use(affairsRepository);
  const owners: CatalogueOwner[] = (await repo.owners()).map((o) => ({ id: Number(o.id), code: o.code, name: o.name, path: o.path }));
  // A manager may start the catalogue of a district in their scope that has none yet.
  const mayManage = unit.actor.permissions.has('affairs.manage');
  const empty = mayManage ? (await repo.districtsInScope()).filter((d) => !owners.some((o) => o.id === Number(d.id))) : [];
  const candidates = [...owners];
  for (const d of empty) {
    const area = await repo.areaInScope(Number(d.id));
    if (area) candidates.push({ id: Number(area.id), code: area.code, name: area.name, path: area.path });
  }
  if (areaId !== undefined) {
    const owner = candidates.find((o) => o.id === areaId);
    if (!owner) throw notFound('该区（县）的网事清单');
    return { owner, owners: candidates };
  }
  // The caller's own district first (the catalogue above their areas), else the first one they see.
  const own = candidates.find((o) => unit.scope.areas.some((p) => p.startsWith(o.path)));
  return { owner: own ?? candidates[0] ?? null, owners: candidates };
}

function canManage(unit: Unit, owner: CatalogueOwner): boolean {
  return unit.actor.permissions.has('affairs.manage') && isUnder(owner.path, unit.scope.areas);
}

async function catalogueOf(unit: Unit, areaId: number | undefined): Promise<AffairCatalogue> {
  const { owner, owners } = await resolveOwner(unit, areaId);
  const strip = ({ id, code, name }: CatalogueOwner) => ({ id, code, name });
  if (!owner) return { owner: null, owners: [], categories: [], items: [], canManage: false };
  const repo = unit.use(affairsRepository);
  const [categories, items] = await Promise.all([repo.categories(owner.id), repo.items(owner.id)]);
  return {
    owner: strip(owner),
    owners: owners.map(strip),
    categories: categories.map((c) => ({ id: Number(c.id), code: c.code, name: c.name, parentId: c.parentId === null ? null : Number(c.parentId), sort: c.sort, active: c.active, itemCount: c.itemCount })),
    items: items.map(presentItem),
    canManage: canManage(unit, owner),
  };
}

/** The catalogue tree (categories and items) of the caller's district, or of the district asked for. */
export function getCatalogue(ctx: RequestContext, query: { areaId?: number | undefined }): Promise<AffairCatalogue> {
  return read(ctx, 'affairs.read', (unit) => catalogueOf(unit, query.areaId));
}

export function getItem(ctx: RequestContext, id: number): Promise<AffairItem> {
  return read(ctx, 'affairs.read', async (unit) => {
    const row = await unit.use(affairsRepository).item(id);
    if (!row) throw notFound('事项');
    return presentItem(row);
  });
}

/** The district a catalogue is written in: a district in the caller's own scope. */
async function writableDistrict(unit: Unit, areaId: number) {
  const area = await unit.use(affairsRepository).areaInScope(areaId);
  if (!area) throw notFound('区域');
  if (area.level !== 'district') throw validationFailed({ areaId: ['网事清单由区（县）制定：请选择区（县）'] });
  return { id: Number(area.id), code: area.code, name: area.name, path: area.path };
}

const uniqueViolation = (err: unknown) => pgErrorCode(err) === '23505';

export function createCategory(ctx: RequestContext, areaId: number, input: z.output<typeof affairCategoryInputSchema>) {
  return write(ctx, 'affairs.manage', async (unit) => {
    const district = await writableDistrict(unit, areaId);
    const repo = unit.use(affairsRepository);
    let parentId: number | null = null;
    if (input.code.length > 2) {
      const parent = await repo.categoryByCode(district.id, input.code.slice(0, -2));
      if (!parent) throw validationFailed({ code: [`上级类别 ${input.code.slice(0, -2)} 不存在，请先建上级类别`] });
      parentId = Number(parent.id);
    }
    if (await repo.categoryByCode(district.id, input.code)) throw new AppError('conflict', `类别编码 ${input.code} 已存在`, { fields: { code: ['类别编码已存在'] } });
    const { id } = await repo.insertCategory({ areaId: district.id, code: input.code, name: input.name, parentId, sort: input.sort, at: ctx.clock() }).catch((err: unknown) => {
      throw uniqueViolation(err) ? new AppError('conflict', `类别编码 ${input.code} 已存在`, { fields: { code: ['类别编码已存在'] } }) : err;
    });
    await unit.audit({ action: 'create', entity: 'affair_category', entityId: Number(id), areaId: district.id, after: { code: input.code, name: input.name } });
    return catalogueOf(unit, district.id);
  });
}

export function updateCategory(ctx: RequestContext, id: number, input: z.output<typeof affairCategoryUpdateSchema>) {
  return write(ctx, 'affairs.manage', async (unit) => {
    const repo = unit.use(affairsRepository);
    const found = await repo.category(id);
    if (!found || !(await repo.categoryWritable(id))) throw notFound('类别');
    await repo.updateCategory(id, { ...input, at: ctx.clock() });
    await unit.audit({ action: 'update', entity: 'affair_category', entityId: id, areaId: Number(found.areaId), before: { name: found.name, sort: found.sort, active: found.active }, after: input });
    return catalogueOf(unit, Number(found.areaId));
  });
}

/** Deletes an empty category; one with items or sub-categories is refused (deactivate it instead). */
export function deleteCategory(ctx: RequestContext, id: number) {
  return write(ctx, 'affairs.manage', async (unit) => {
    const repo = unit.use(affairsRepository);
    const found = await repo.category(id);
    if (!found || !(await repo.categoryWritable(id))) throw notFound('类别');
    const items = (await repo.items(Number(found.areaId))).filter((i) => Number(i.categoryId) === id).length;
    const children = await repo.childCount(id);
    if (items > 0 || children > 0) throw new AppError('conflict', `类别“${found.name}”下还有${items > 0 ? ` ${items} 个事项` : ''}${children > 0 ? ` ${children} 个下级类别` : ''}，不能删除；可以停用`, { items, children });
    await repo.deleteCategory(id);
    await unit.audit({ action: 'delete', entity: 'affair_category', entityId: id, areaId: Number(found.areaId), before: { code: found.code, name: found.name } });
    return catalogueOf(unit, Number(found.areaId));
  });
}

/** The category an item goes into: one the caller may write. */
async function writableCategory(unit: Unit, categoryId: number) {
  const repo = unit.use(affairsRepository);
  const category = await repo.category(categoryId);
  if (!category || !(await repo.categoryWritable(categoryId))) throw validationFailed({ categoryId: ['类别不存在或不在您的管辖范围内'] });
  return { id: Number(category.id), areaId: Number(category.areaId) };
}

const codeTaken = (code: string) => new AppError('conflict', `事项编码 ${code} 已存在`, { fields: { code: ['事项编码在本区的网事清单中已存在'] } });

export function createItem(ctx: RequestContext, input: z.output<typeof affairItemInputSchema>): Promise<AffairItem> {
  return write(ctx, 'affairs.manage', async (unit) => {
    const category = await writableCategory(unit, input.categoryId);
    const repo = unit.use(affairsRepository);
    if (await repo.itemByCode(category.areaId, input.code)) throw codeTaken(input.code);
    const { id } = await repo.insertItem(category.areaId, itemValues(input, category.id), unit.actor.id, ctx.clock()).catch((err: unknown) => {
      throw uniqueViolation(err) ? codeTaken(input.code) : err;
    });
    const item = presentItem((await repo.item(Number(id)))!);
    await unit.audit({ action: 'create', entity: 'affair_item', entityId: item.id, areaId: category.areaId, after: item });
    return item;
  });
}

/** Replaces an item's fields; `version` is the one the editor read (a concurrent save is a 409). */
export function updateItem(ctx: RequestContext, id: number, input: z.output<typeof affairItemUpdateSchema>): Promise<AffairItem> {
  return write(ctx, 'affairs.manage', async (unit) => {
    const repo = unit.use(affairsRepository);
    const row = await repo.item(id);
    if (!row || !(await repo.categoryWritable(Number(row.categoryId)))) throw notFound('事项');
    const before = presentItem(row);
    const category = await writableCategory(unit, input.categoryId);
    if (category.areaId !== before.areaId) throw validationFailed({ categoryId: ['只能移到本区网事清单的类别'] });
    if (input.code !== before.code && (await repo.itemByCode(before.areaId, input.code))) throw codeTaken(input.code);
    const { version, ...data } = input;
    const updated = await repo.updateItem(id, version, itemValues(data, category.id), unit.actor.id, ctx.clock()).catch((err: unknown) => {
      throw uniqueViolation(err) ? codeTaken(input.code) : err;
    });
    if (!updated) throw new AppError('conflict', '该事项已被他人修改，请刷新后再改', { version: before.version });
    const after = presentItem((await repo.item(id))!);
    await unit.audit({ action: 'update', entity: 'affair_item', entityId: id, areaId: before.areaId, before, after });
    return after;
  });
}

// ---- what other modules use (front door) ----

/** How the case workflow names an item: by id, or by code within the catalogue that applies to an area. */
export type AffairItemRef = { id: number } | { code: string; areaId: number } | { code: string; areaPath: string };

/** The ids on an area path ('/1/5/23/' → 1, 5, 23): the area and those above it. */
const idsOf = (path: string) => path.split('/').filter(Boolean).map(Number);

async function catalogueAreaIds(unit: Unit, ref: { areaId: number } | { areaPath: string }): Promise<number[]> {
  if ('areaPath' in ref) return idsOf(ref.areaPath);
  const area = await unit.use(affairsRepository).areaInScope(ref.areaId);
  return area ? idsOf(area.path) : [];
}

/**
 * An item with its rules (level, department kind, limits, flags, custom fields), for routing and
 * deadlines — in the caller's unit, so the caller's scope applies; undefined when it is not there.
 */
export async function affairItem(unit: Unit, ref: AffairItemRef): Promise<AffairItem | undefined> {
  const repo = unit.use(affairsRepository);
  if ('id' in ref) {
    const row = await repo.item(ref.id);
    return row ? presentItem(row) : undefined;
  }
  const row = await repo.itemByCodeAmong(await catalogueAreaIds(unit, ref), ref.code);
  return row ? presentItem(row) : undefined;
}

/** The active items (in active categories) of the catalogue that applies to an area. */
export async function listActiveItems(unit: Unit, at: { areaId: number } | { areaPath: string }): Promise<AffairItem[]> {
  const repo = unit.use(affairsRepository);
  const ids = new Set(await catalogueAreaIds(unit, at));
  const owners = (await repo.owners()).filter((o) => ids.has(Number(o.id)));
  const lists = await Promise.all(owners.map((o) => repo.items(Number(o.id), { activeOnly: true })));
  return lists.flat().map(presentItem);
}

/**
 * What the public report page may offer a resident: active, resident-reportable items of a district
 * (by its 12-digit code; every district's when none is named), with code, name and category only.
 */
export async function listPublicAffairs(ctx: RequestContext, districtCode: string | undefined): Promise<PublicAffairList> {
  const rows = await lookUpBeforeSignIn(ctx, (db) => publicResidentAffairs(db, districtCode ?? null));
  const first = rows[0];
  const single = districtCode !== undefined || new Set(rows.map((r) => r.districtCode)).size === 1;
  return {
    district: first && single ? { code: first.districtCode, name: first.districtName } : null,
    items: rows.map((r) => ({ code: r.code, name: r.name, category: r.category })),
  };
}
