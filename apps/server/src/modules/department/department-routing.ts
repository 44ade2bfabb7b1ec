import type { DepartmentKind, DepartmentLevel } from '@redgrid/contracts';
import { activeDepartmentsServing } from '../../platform/cross-scope.repository.ts';
import { notFound } from '../../platform/errors.ts';
import type { Repository } from '../../platform/unit-of-work.ts';
import { departmentRepository } from './department.repository.ts';

/** What a unit of work (a person's or the system's) offers: repositories bound to its transaction and scope. */
interface AnyUnit {
  use<R>(repository: Repository<R>): R;
}

export interface RoutedDepartment {
  id: number;
  name: string;
  level: DepartmentLevel;
  /** The area that set the department up. */
  areaId: number;
  /** The served area that matched: the given area or its nearest ancestor that the department serves. */
  servedAreaId: number;
}

/**
 * The active department of `kind` serving the nearest enclosing area of `areaId` ("社区吹哨、部门报到"):
 * walks up the area's path, the most specific served area wins (站北派出所 serving 站北社区 before the
 * district's 公安分局 serving the district). Null when no active department of that kind serves the area
 * or any area above it. The area must be in the unit's scope (404 otherwise); the department need not be
 * (a grid worker's case goes to a district bureau above their scope).
 */
export async function departmentFor(unit: AnyUnit, { kind, areaId }: { kind: DepartmentKind; areaId: number }): Promise<RoutedDepartment | null> {
  const [area] = await unit.use(departmentRepository).areas([areaId]);
  if (!area) throw notFound('区域');
  const lineage = area.path.split('/').filter(Boolean).map(Number);
  const [nearest] = await unit.use((db) => activeDepartmentsServing(db, kind, lineage));
  return nearest ? { id: nearest.id, name: nearest.name, level: nearest.level, areaId: nearest.areaId, servedAreaId: nearest.servedAreaId } : null;
}

/**
 * Departments by id as the user module needs them to check a dept_staff assignment: those whose owning
 * area the unit's scope reaches (an admin assigns staff to departments of their own areas), with the
 * owning area's path. A missing id is out of scope or does not exist.
 */
export async function departmentsForAssignment(unit: AnyUnit, ids: readonly number[]): Promise<{ id: number; name: string; active: boolean; areaPath: string }[]> {
  if (ids.length === 0) return [];
  const rows = await Promise.all([...new Set(ids)].map((id) => unit.use(departmentRepository).find(id)));
  return rows.flatMap((d) => (d ? [{ id: d.id, name: d.name, active: d.active, areaPath: d.areaPath }] : []));
}
