import type { BasedataOverview } from '@redgrid/contracts';
import { sql } from 'kysely';
import type { RequestContext, Scope } from '../../../platform/context.ts';
import { scopedFrom, type Db } from '../../../platform/data-access.ts';
import { notFound } from '../../../platform/errors.ts';
import { read } from '../../../platform/unit-of-work.ts';
import { personRepository } from '../persons/person.repository.ts';
import { addDays, beijingToday } from './names.ts';
import { visibleGroups } from './presenters.ts';

function overviewRepository(db: Db, scope: Scope) {
  const under = (path: string) => () => scopedFrom(db, scope, 'areas as sa').select('sa.id').where('sa.path', 'like', `${path}%`);
  return {
    async counts(path: string, groupIds: readonly number[], remindBefore: string) {
      const [persons, types, households, houses, rentals, attention, proposals, duplicates, expiring] = await Promise.all([
        scopedFrom(db, scope, 'persons as p').select(sql<number>`count(*)::int`.as('n')).where('p.merged_into', 'is', null).where('p.area_id', 'in', under(path)).executeTakeFirstOrThrow(),
        scopedFrom(db, scope, 'persons as p').select(['p.population_type as type', sql<number>`count(*)::int`.as('n')]).where('p.merged_into', 'is', null).where('p.area_id', 'in', under(path)).groupBy('p.population_type').execute(),
        scopedFrom(db, scope, 'households as h').select(sql<number>`count(*)::int`.as('n')).where('h.area_id', 'in', under(path)).executeTakeFirstOrThrow(),
        scopedFrom(db, scope, 'houses as ho').select(sql<number>`count(*)::int`.as('n')).where('ho.area_id', 'in', under(path)).executeTakeFirstOrThrow(),
        scopedFrom(db, scope, 'rentals as r').select(sql<number>`count(*)::int`.as('n')).where('r.status', '=', 'active').where('r.area_id', 'in', under(path)).executeTakeFirstOrThrow(),
        groupIds.length
          ? scopedFrom(db, scope, 'person_tags as t').select(sql<number>`count(DISTINCT t.person_id)::int`.as('n')).where('t.ended_at', 'is', null).where('t.attention', '=', true).where('t.group_id', 'in', [...groupIds]).where('t.area_id', 'in', under(path)).executeTakeFirstOrThrow()
          : Promise.resolve({ n: 0 }),
        scopedFrom(db, scope, 'record_proposals as rp').select(sql<number>`count(*)::int`.as('n')).where('rp.status', '=', 'pending').where('rp.area_id', 'in', under(path)).executeTakeFirstOrThrow(),
        scopedFrom(db, scope, 'person_duplicates as d').select(sql<number>`count(*)::int`.as('n')).where('d.status', '=', 'open').where('d.area_id', 'in', under(path)).executeTakeFirstOrThrow(),
        groupIds.length
          ? scopedFrom(db, scope, 'person_tags as t').select(sql<number>`count(*)::int`.as('n')).where('t.ended_at', 'is', null).where('t.valid_until', '<=', remindBefore).where('t.group_id', 'in', [...groupIds]).where('t.area_id', 'in', under(path)).executeTakeFirstOrThrow()
          : Promise.resolve({ n: 0 }),
      ]);
      return { persons: persons.n, types, households: households.n, houses: houses.n, rentals: rentals.n, attention: attention.n, proposals: proposals.n, duplicates: duplicates.n, expiring: expiring.n };
    },
  };
}

/** Population cards of the dashboard: what the records hold under an area. */
export function basedataOverview(ctx: RequestContext, areaId: number): Promise<BasedataOverview> {
  return read(ctx, 'basedata.read', async (unit) => {
    const area = await unit.use(personRepository).area(areaId);
    if (!area) throw notFound('区域');
    const groups = await visibleGroups(unit, unit.actor);
    const c = await unit.use(overviewRepository).counts(area.path, groups.map((g) => g.id), addDays(beijingToday(ctx.clock()), 30));
    return {
      persons: c.persons,
      households: c.households,
      houses: c.houses,
      rentals: c.rentals,
      byPopulationType: Object.fromEntries(c.types.map((t) => [t.type, t.n])),
      attention: c.attention,
      pendingProposals: c.proposals,
      openDuplicates: c.duplicates,
      expiringTags: c.expiring,
    };
  });
}
