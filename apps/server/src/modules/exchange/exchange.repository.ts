import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Scope } from '../../platform/context.ts';
import { listOwnRoles } from '../../platform/cross-scope.repository.ts';
import { ownedInsert, scopedFrom, scopedUpdate, type Db } from '../../platform/data-access.ts';
import type { ImportJobsTable, ImportJobStatus } from '../../db/types-exchange.ts';

export type ImportJobRow = Selectable<ImportJobsTable>;
export type NewImportJob = Insertable<ImportJobsTable>;
export type ImportJobPatch = Updateable<ImportJobsTable>;

/** Import jobs, always through the caller's scope (a job belongs to the area it imports into). */
export function importJobRepository(db: Db, scope: Scope) {
  return {
    /** The target area, if the caller governs it. */
    area(areaId: number) {
      return scopedFrom(db, scope, 'areas').select(['id', 'name', 'path', 'status']).where('id', '=', areaId).executeTakeFirst();
    },

    insert(job: NewImportJob): Promise<ImportJobRow> {
      return ownedInsert(db, scope, 'import_jobs').values(job).returningAll().executeTakeFirstOrThrow();
    },

    find(id: number): Promise<ImportJobRow | undefined> {
      return scopedFrom(db, scope, 'import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** The job, locked until the transaction ends: status changes and batches serialise on it. */
    lock(id: number): Promise<ImportJobRow | undefined> {
      return scopedFrom(db, scope, 'import_jobs').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    },

    async update(id: number, patch: ImportJobPatch): Promise<void> {
      await scopedUpdate(db, scope, 'import_jobs').set(patch).where('id', '=', id).execute();
    },

    list(f: { kinds: readonly string[]; areaId?: number | undefined; createdBy?: number | undefined; limit: number }): Promise<ImportJobRow[]> {
      if (f.kinds.length === 0) return Promise.resolve([]);
      let q = scopedFrom(db, scope, 'import_jobs').selectAll().where('kind', 'in', [...f.kinds]);
      if (f.areaId !== undefined) q = q.where('area_id', '=', f.areaId);
      if (f.createdBy !== undefined) q = q.where('created_by', '=', f.createdBy);
      return q.orderBy('id', 'desc').limit(f.limit).execute();
    },

    /** Jobs a stopped server left running (the runner resumes them at start). */
    running(statuses: readonly ImportJobStatus[]) {
      return scopedFrom(db, scope, 'import_jobs').select(['id', 'status', 'run_by']).where('status', 'in', [...statuses]).orderBy('id').execute();
    },

    /** The account a background job acts as, with its roles (the job re-checks them at every batch). */
    async account(userId: number) {
      const user = await scopedFrom(db, scope, 'users').select(['id', 'username', 'display_name', 'disabled']).where('id', '=', userId).executeTakeFirst();
      if (!user) return undefined;
      return { user, roles: await listOwnRoles(db, userId) };
    },
  };
}
