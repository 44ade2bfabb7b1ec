import type { DepartmentKind, DepartmentLevel } from '@redgrid/contracts';
import type { SystemUnit } from '../../platform/unit-of-work.ts';
import { departmentRepository } from './department.repository.ts';

export interface SeedDepartment {
  name: string;
  kind: DepartmentKind;
  level: DepartmentLevel;
  areaId: number;
  phone: string | null;
  servedAreaIds: readonly number[];
}

/**
 * Departments the system seeds (demo), with their served areas, in the system's unit; answers their ids
 * in order. The caller gives consistent data (one department of a kind per served area): the checks of
 * createDepartment are a person's, this is the seed's own deterministic list.
 */
export async function seedDepartments(unit: SystemUnit, list: readonly SeedDepartment[], at: Date): Promise<number[]> {
  const repo = unit.use(departmentRepository);
  const ids: number[] = [];
  for (const d of list) {
    const id = await repo.insert({ name: d.name, kind: d.kind, level: d.level, areaId: d.areaId, phone: d.phone }, at);
    await repo.replaceServedAreas(id, d.servedAreaIds);
    ids.push(id);
  }
  return ids;
}
