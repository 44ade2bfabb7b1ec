import type { ClaimInput, ClaimKind, ClaimListQuery, ClaimPage, OrganisationView, PersonDetail } from '@redgrid/contracts';
import type { RequestContext } from '../../../platform/context.ts';
import { actorNames, claimCommunities, lockForClaim, moveClaimed, waitingCounts, waitingHousehold, waitingRecords } from '../../../platform/cross-scope.repository.ts';
import { AppError, notFound, validationFailed } from '../../../platform/errors.ts';
import { read, write, type Unit, type WriteUnit } from '../../../platform/unit-of-work.ts';
import { loadOrganisation } from '../organisations/organisation.service.ts';
import { loadDetail, PLACE_LEVELS } from '../persons/person.service.ts';
import { personRepository } from '../persons/person.repository.ts';
import { historyRepository, type HistoryEntryInput } from '../shared/history.repository.ts';

/**
 * 认领 claim. A record that arrived without a grid worker's hand — imported at community level, or
 * pushed from another source — sits at its community (its area is the community itself) and waits
 * in the community's 待认领 list. A grid worker of that community claims it into a grid, building or
 * unit of their own: the record moves there with its history, provenance becomes 'claimed', and who
 * and when stay on it. A grid worker's scope is their grid, so the waiting list and the claim reach
 * the community above it through named cross-scope queries (cross-scope.repository.ts).
 */

const LABEL: Record<ClaimKind, string> = { person: '人员', organisation: '单位' };

function communitiesOf(unit: Unit) {
  return unit.use((db) => claimCommunities(db, unit.scope.areas));
}

export function listClaims(ctx: RequestContext, query: ClaimListQuery): Promise<ClaimPage> {
  return read(ctx, 'basedata.manage', async (unit) => {
    const communities = await communitiesOf(unit);
    const all = communities.map((c) => c.id);
    if (query.communityId !== undefined && !all.includes(query.communityId)) throw notFound('社区');
    const ids = query.communityId !== undefined ? [query.communityId] : all;
    const counts = await unit.use((db) => waitingCounts(db, all));
    const rows = await unit.use((db) => waitingRecords(db, query.kind, ids, { q: query.q, after: query.after, limit: query.limit + 1 }));
    const page = rows.slice(0, query.limit);
    const byId = new Map(communities.map((c) => [c.id, c]));
    return {
      communities: communities.map((c) => ({ id: c.id, name: c.name, persons: counts.get(c.id)?.persons ?? 0, organisations: counts.get(c.id)?.organisations ?? 0 })),
      items: page.map((r) => ({
        id: r.id,
        kind: query.kind,
        name: r.name,
        number: r.number,
        address: r.address,
        sex: (r.sex as 'male' | 'female' | null) ?? null,
        birthDate: r.birthDate ?? null,
        category: r.category,
        householdNo: r.householdNo ?? null,
        community: { id: r.areaId, name: byId.get(r.areaId)?.name ?? '' },
        arrivedAt: r.arrivedAt.toISOString(),
      })),
      next: rows.length > query.limit ? page[page.length - 1]!.id : null,
    };
  });
}

/**
 * Claims one record (and, for a person, the waiting household they belong to with its members) into
 * the caller's place. The record's row is locked first: of two workers claiming at once, the second
 * reads the first one's claim and is told who has it. The same worker's retry is a no-op.
 */
async function claim(unit: WriteUnit, ctx: RequestContext, kind: ClaimKind, id: number, input: ClaimInput): Promise<void> {
  const communities = await communitiesOf(unit);
  const record = await unit.use((db) => lockForClaim(db, kind, id));
  if (!record || record.merged) throw notFound(LABEL[kind]);
  // Only records of a community the caller claims in exist for them; anything else is not found.
  const community = communities.find((c) => record.areaPath.startsWith(c.path));
  if (!community) throw notFound(LABEL[kind]);
  if (record.areaId !== community.id) {
    if (record.claimedBy === unit.actor.id) return;
    if (record.claimedBy !== null) {
      const names = await unit.use((db) => actorNames(db, [record.claimedBy!]));
      const who = names.get(record.claimedBy) ?? '其他人';
      throw new AppError('conflict', `该${LABEL[kind]}已由${who}认领`, { claimedBy: who, claimedAt: record.claimedAt?.toISOString() ?? null });
    }
    throw new AppError('conflict', `该${LABEL[kind]}已在网格中登记，无需认领`);
  }
  const place = await unit.use(personRepository).area(input.areaId);
  if (!place || !PLACE_LEVELS.has(place.level) || place.status !== 'active' || !place.path.startsWith(community.path)) {
    throw validationFailed({ areaId: [`请选择${community.name}内您管辖的网格、楼栋或单元`] });
  }
  let ids = [record.id];
  const householdIds: number[] = [];
  const provenance = new Map<number, string>([[record.id, record.provenance]]);
  if (record.householdId !== null) {
    // A person lives where their household does: a waiting household moves as one, with its members.
    const household = await unit.use((db) => waitingHousehold(db, record.householdId!));
    if (household && household.areaId !== community.id) throw new AppError('conflict', '该人员所在的户已登记到网格中，请在户中修改其住址');
    if (household) {
      householdIds.push(household.id);
      const waiting = household.members.filter((m) => m.areaId === community.id);
      ids = [...new Set([record.id, ...waiting.map((m) => m.id)])];
      for (const m of waiting) provenance.set(m.id, m.provenance);
    }
  }
  const at = ctx.clock();
  await unit.use((db) => moveClaimed(db, kind, ids, householdIds, place.id, unit.actor.id, at));
  const entries: HistoryEntryInput[] = ids.map((rid) => ({ recordType: kind, recordId: rid, areaId: place.id, action: 'claim', actorId: unit.actor.id, at, changes: { areaId: [community.id, place.id], provenance: [provenance.get(rid) ?? 'entered', 'claimed'] } }));
  for (const hid of householdIds) entries.push({ recordType: 'household', recordId: hid, areaId: place.id, action: 'claim', actorId: unit.actor.id, at, changes: { areaId: [community.id, place.id] } });
  await unit.use(historyRepository).append(entries);
  await unit.audit({ action: 'claim', entity: kind, entityId: id, areaId: place.id, before: { areaId: community.id }, after: { areaId: place.id, records: ids.length, households: householdIds.length } });
}

export function claimPerson(ctx: RequestContext, id: number, input: ClaimInput): Promise<PersonDetail> {
  return write(ctx, 'basedata.manage', async (unit) => {
    await claim(unit, ctx, 'person', id, input);
    return loadDetail(unit, ctx, id);
  });
}

export function claimOrganisation(ctx: RequestContext, id: number, input: ClaimInput): Promise<OrganisationView> {
  return write(ctx, 'basedata.manage', async (unit) => {
    await claim(unit, ctx, 'organisation', id, input);
    return loadOrganisation(unit, id);
  });
}
