import { AppError, validationFailed } from '../../platform/errors.ts';
import type { Unit, WriteUnit } from '../../platform/unit-of-work.ts';
import { scopedFrom } from '../../platform/data-access.ts';
import { sql } from 'kysely';
import { caseScope, fileCase } from './case.service.ts';

/**
 * The household-visit channel (走访发现问题，上报事件): problems a grid worker finds on a visit become cases
 * (channel household_visit) in the household's grid, at its address, reported by the worker, each linked
 * to the visit (`customFields.visitId`). Filed in the visit's own transaction; each problem also carries a
 * client key made of the visit and its place in the list, so filing them again finds the same cases.
 */
export interface VisitProblem {
  itemCode: string;
  title?: string | undefined;
  description: string;
  urgency?: 'normal' | 'urgent' | 'emergency' | undefined;
}

export async function fileVisitProblems(unit: WriteUnit, now: Date, visit: { id: number; gridId: number; address: string | null }, problems: readonly VisitProblem[]): Promise<{ id: number; caseNo: string }[]> {
  if (problems.length === 0) return [];
  if (!unit.actor.permissions.has('case.report')) throw new AppError('forbidden', '您没有上报事件的权限');
  const out: { id: number; caseNo: string }[] = [];
  for (const [i, p] of problems.entries()) {
    const row = await fileCase(unit, now, {
      channel: 'household_visit',
      itemCode: p.itemCode,
      title: p.title ?? titleOf(p.description),
      description: p.description,
      address: visit.address,
      gridId: visit.gridId,
      urgency: p.urgency,
      customFields: { visitId: visit.id },
      clientKey: `visit-${visit.id}-${i}`,
      reporter: { userId: unit.actor.id, sealed: null, anonymous: false },
      actorLevel: 'grid',
    }).catch((err: unknown) => {
      // The form shows a problem's error beside that problem.
      if (err instanceof AppError && err.code === 'validation_failed') {
        const fields = ((err.details as { fields?: Record<string, string[]> } | null)?.fields ?? {});
        throw validationFailed(Object.fromEntries(Object.entries(fields).map(([k, v]) => [`problems.${i}.${k}`, v])), `问题 ${i + 1}：${err.message}`);
      }
      throw err;
    });
    out.push({ id: row.id, caseNo: row.caseNo });
  }
  return out;
}

/** The cases a visit reported, in the reader's reach. */
export async function casesOfVisit(unit: Unit, visitId: number): Promise<{ id: number; caseNo: string }[]> {
  return unit.use((db, scope) =>
    scopedFrom(db, caseScope(unit.actor, scope), 'cases as c')
      .select(['c.id', 'c.case_no as caseNo'])
      .where('c.channel', '=', 'household_visit')
      .where(sql<boolean>`c.custom_fields->>'visitId' = ${String(visitId)}`)
      .orderBy('c.id')
      .execute(),
  );
}

function titleOf(description: string): string {
  const line = description.split(/\r?\n/)[0]!.trim();
  return `走访发现：${line.length > 30 ? `${line.slice(0, 30)}…` : line}`;
}
