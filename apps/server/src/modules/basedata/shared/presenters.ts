import type { PersonSummary, RecordPlace } from '@redgrid/contracts';
import type { Actor } from '../../../platform/context.ts';
import { recordPlaces, type RecordPlaceRow } from '../../../platform/cross-scope.repository.ts';
import type { Unit } from '../../../platform/unit-of-work.ts';
import { groupRepository } from './groups.repository.ts';
import { ageOn } from './names.ts';

export type GroupRow = Awaited<ReturnType<ReturnType<typeof groupRepository>['active']>>[number];

/** The groups whose members this actor may see: a sensitive category only for the roles it names. */
export async function visibleGroups(unit: Pick<Unit, 'use'>, actor: Actor | null): Promise<GroupRow[]> {
  const groups = await unit.use(groupRepository).active();
  if (!actor) return groups;
  const roles = new Set<string>(actor.roles.map((r) => r.role));
  return groups.filter((g) => g.visibleRoles.some((r) => roles.has(r)));
}

export function placeOf(places: Map<number, RecordPlaceRow>, areaId: number): RecordPlace {
  const p = places.get(areaId);
  return { areaId, gridId: p?.gridId ?? null, gridName: p?.gridName ?? null, communityName: p?.communityName ?? null, placeName: p?.placeName ?? null };
}

export function loadPlaces(unit: Pick<Unit, 'use'>, areaIds: readonly number[]) {
  return unit.use((db) => recordPlaces(db, areaIds));
}

export interface SummaryRow {
  id: number;
  name: string;
  sex: 'male' | 'female' | null;
  birthDate: string | null;
  idType: string;
  idMasked: string | null;
  phoneMasked: string | null;
  populationType: string;
  residenceStatus: string;
  relationToHead: string | null;
  householdId: number | null;
  currentAddress: string | null;
  houseAddress: string | null;
  areaId: number;
  provenance: 'entered' | 'claimed' | 'verified';
  deceased: boolean;
}

export interface TagRow {
  personId: number;
  groupId: number;
  attention: boolean;
}

export function presentSummary(row: SummaryRow, today: string, places: Map<number, RecordPlaceRow>, tags: readonly TagRow[], groups: readonly GroupRow[]): PersonSummary {
  const groupById = new Map(groups.map((g) => [g.id, g]));
  return {
    id: row.id,
    name: row.name,
    sex: row.sex,
    birthDate: row.birthDate,
    age: ageOn(row.birthDate, today),
    idType: row.idType as PersonSummary['idType'],
    idMasked: row.idMasked,
    phoneMasked: row.phoneMasked,
    populationType: row.populationType as PersonSummary['populationType'],
    residenceStatus: row.residenceStatus as PersonSummary['residenceStatus'],
    relationToHead: row.relationToHead,
    householdId: row.householdId,
    address: row.currentAddress ?? row.houseAddress,
    place: placeOf(places, row.areaId),
    provenance: row.provenance,
    tags: tags
      .filter((t) => t.personId === row.id && groupById.has(t.groupId))
      .map((t) => ({ groupCode: groupById.get(t.groupId)!.code, groupName: groupById.get(t.groupId)!.name, attention: t.attention })),
    deceased: row.deceased,
  };
}
