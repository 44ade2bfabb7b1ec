import { updatePersonSchema, type VisitInput, type VisitView } from '@redgrid/contracts';
import { z } from 'zod';
import type { RequestContext } from '../../../platform/context.ts';
import { actorNames } from '../../../platform/cross-scope.repository.ts';
import { AppError, notFound, validationFailed } from '../../../platform/errors.ts';
import { read, write, type Unit } from '../../../platform/unit-of-work.ts';
import { casesOfVisit, fileVisitProblems } from '../../case/index.ts';
import { householdRepository } from '../households/household.repository.ts';
import { personRepository, type PersonPatch } from '../persons/person.repository.ts';
import { diff, historyRepository } from '../shared/history.repository.ts';
import { addDays, beijingToday } from '../shared/names.ts';
import { loadPlaces, placeOf } from '../shared/presenters.ts';
import { sealPhone } from '../shared/protected-values.ts';
import { visitRepository } from './visit.repository.ts';

/** How far back a visit may be recorded (a worker catching up on last week's notes, not last year's). */
const BACKDATE_DAYS = 31;

const householdChangesSchema = z.object({ homePhone: z.string().max(30).nullable(), registrationAddress: z.string().trim().max(200, '最多 200 个字').nullable() }).partial().strict();

/** What a visit may propose to change, per record type, and the column each lands in. */
const PROPOSABLE: Record<'person' | 'household', Record<string, string>> = {
  person: {
    phone: 'phone',
    currentAddress: 'current_address',
    residenceStatus: 'residence_status',
    populationType: 'population_type',
    occupation: 'occupation',
    workUnit: 'work_unit',
    maritalStatus: 'marital_status',
    deceased: 'deceased',
    movedOutOn: 'moved_out_on',
  },
  household: { homePhone: 'home_phone', registrationAddress: 'registration_address' },
};

interface SealedChange {
  enc: string;
  bidx: string;
  masked: string;
}

/** Proposed changes as they are stored: phones sealed (ciphertext + masked), nothing else personal in plain. */
function sealProposal(ctx: RequestContext, type: 'person' | 'household', changes: Record<string, unknown>, index: number): Record<string, unknown> {
  const allowed = PROPOSABLE[type];
  const out: Record<string, unknown> = {};
  const fields: Record<string, string[]> = {};
  // Values are checked as the record's own edit form checks them, so a confirmation never meets a bad value.
  const shape = type === 'person' ? updatePersonSchema.safeParse(Object.fromEntries(Object.entries(changes).filter(([k]) => k in allowed))) : householdChangesSchema.safeParse(Object.fromEntries(Object.entries(changes).filter(([k]) => k in allowed)));
  if (!shape.success) for (const issue of shape.error.issues) fields[`proposals.${index}.changes.${issue.path.join('.') || 'value'}`] = [issue.message];
  for (const [key, value] of Object.entries(changes)) {
    if (!(key in allowed)) {
      fields[`proposals.${index}.changes.${key}`] = ['走访不能直接提议修改这一项'];
      continue;
    }
    if ((key === 'phone' || key === 'homePhone') && typeof value === 'string' && value !== '') {
      const sealed = sealPhone(ctx.cipher, value);
      if (!sealed.ok) fields[`proposals.${index}.changes.${key}`] = [sealed.reason];
      else out[key] = { enc: sealed.sealed.enc, bidx: sealed.sealed.bidx, masked: sealed.sealed.masked } satisfies SealedChange;
    } else out[key] = value;
  }
  if (Object.keys(fields).length > 0) throw validationFailed(fields);
  return out;
}

/** The proposal as people read it: sealed values by their masked form only. */
function readableChanges(changes: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((changes ?? {}) as Record<string, unknown>)) out[k] = v && typeof v === 'object' && 'masked' in v ? (v as SealedChange).masked : v;
  return out;
}

type VisitRow = Awaited<ReturnType<ReturnType<typeof visitRepository>['visits']>>[number];

function presentVisits(rows: readonly VisitRow[], names: Map<number, string>): VisitView[] {
  return rows.map((v) => ({
    id: v.id,
    householdId: v.householdId,
    visitedOn: v.visitedOn,
    kind: v.kind,
    findings: v.findings,
    followUp: v.followUp,
    workerName: names.get(v.workerId) ?? '',
    locationCheck: v.locationCheck,
    distanceM: v.distanceM,
    proposals: v.proposals ?? 0,
    createdAt: v.createdAt.toISOString(),
  }));
}

async function loadVisit(unit: Unit, id: number): Promise<VisitView> {
  const [v] = await unit.use(visitRepository).visits({ id });
  if (!v) throw notFound('走访记录');
  const names = await unit.use((db) => actorNames(db, [v.workerId]));
  return presentVisits([v], names)[0]!;
}

/** Records a visit. A phone's retry with the same client key returns the first visit unchanged. */
export async function recordVisit(ctx: RequestContext, input: VisitInput): Promise<VisitView> {
  return write(ctx, 'basedata.manage', async (unit) => {
    const visits = unit.use(visitRepository);
    if (input.clientKey) {
      const seen = await visits.byClientKey(input.clientKey);
      if (seen) return { ...(await loadVisit(unit, seen.id)), cases: await casesOfVisit(unit, seen.id) };
    }
    const household = await unit.use(householdRepository).find(input.householdId);
    if (!household) throw validationFailed({ householdId: ['户不存在或不在您的管辖范围内'] });
    const today = beijingToday(ctx.clock());
    if (input.visitedOn > today) throw validationFailed({ visitedOn: ['走访日期不能晚于今天'] });
    if (input.visitedOn < addDays(today, -BACKDATE_DAYS)) throw validationFailed({ visitedOn: [`只能补录 ${BACKDATE_DAYS} 天内的走访`] });
    const place = placeOf(await loadPlaces(unit, [household.areaId]), household.areaId);
    if (place.gridId === null) throw new AppError('conflict', '该户不在任何网格内，无法登记走访');
    const sealedProposals = input.proposals.map((p, i) => ({ ...p, changes: sealProposal(ctx, p.recordType, p.changes, i) }));
    const memberIds = new Set((await unit.use(householdRepository).memberIds(household.id)).map((m) => m.id));
    sealedProposals.forEach((p, i) => {
      if (p.recordType === 'person' && (!p.recordId || !memberIds.has(p.recordId))) throw validationFailed({ [`proposals.${i}.recordId`]: ['请选择这一户的成员'] });
    });
    let check: { inside: boolean; distance: number } | null = null;
    if (input.location) check = await visits.locate(place.gridId, input.location.lng, input.location.lat);
    const id = await visits.insert({
      householdId: household.id,
      areaId: household.areaId,
      gridId: place.gridId,
      visitedOn: input.visitedOn,
      workerId: unit.actor.id,
      kind: input.kind,
      findings: input.findings ?? null,
      followUp: input.followUp ?? null,
      lng: input.location?.lng ?? null,
      lat: input.location?.lat ?? null,
      locationCheck: check === null ? 'none' : check.inside ? 'inside' : 'outside',
      distanceM: check && !check.inside ? check.distance : null,
      clientKey: input.clientKey ?? null,
    });
    if (id === null) {
      // The same key won a race with this request: answer with that visit — unless the key is someone
      // else's (a visit outside this scope holds it), which is a refusal, not a retry.
      const seen = await visits.byClientKey(input.clientKey!);
      if (!seen) throw new AppError('conflict', '这个提交编号已被使用，请重新打开走访表单再提交');
      return { ...(await loadVisit(unit, seen.id)), cases: await casesOfVisit(unit, seen.id) };
    }
    const now = ctx.clock();
    await visits.propose(
      sealedProposals.map((p) => ({ visitId: id, areaId: household.areaId, recordType: p.recordType, recordId: p.recordType === 'household' ? household.id : (p.recordId ?? null), changes: p.changes, note: p.note ?? null, proposedBy: unit.actor.id, at: now })),
    );
    await unit.use(historyRepository).append([{ recordType: 'household', recordId: household.id, areaId: household.areaId, action: 'visit', source: 'visit', actorId: unit.actor.id, at: now, changes: { visit: [null, { kind: input.kind, visitedOn: input.visitedOn }] } }]);
    // Problems found on the visit (发现问题，上报事件): cases in the household's grid, in this transaction.
    const cases = await fileVisitProblems(unit, now, { id, gridId: place.gridId, address: household.address ?? null }, input.problems);
    await unit.audit({ action: 'visit', entity: 'household', entityId: household.id, areaId: household.areaId, after: { visitId: id, kind: input.kind, visitedOn: input.visitedOn, proposals: sealedProposals.length, cases: cases.length, location: check === null ? 'none' : check.inside ? 'inside' : 'outside' } });
    return { ...(await loadVisit(unit, id)), cases };
  });
}

export function householdVisits(ctx: RequestContext, householdId: number) {
  return read(ctx, 'basedata.read', async (unit) => {
    const household = await unit.use(householdRepository).find(householdId);
    if (!household) throw notFound('户');
    // One query for the page and one for the workers' names, whatever the number of visits.
    const rows = await unit.use(visitRepository).visits({ householdId, limit: 100 });
    const names = await unit.use((db) => actorNames(db, [...new Set(rows.map((v) => v.workerId))]));
    return presentVisits(rows, names);
  });
}

/** Share of households visited per grid under an area in a period, and totals. */
export function visitCoverage(ctx: RequestContext, query: { areaId: number; from: string; to: string }) {
  return read(ctx, 'basedata.read', async (unit) => {
    const area = await unit.use(personRepository).area(query.areaId);
    if (!area) throw notFound('区域');
    if (query.to > addDays(query.from, 366)) throw validationFailed({ to: ['统计区间最长一年'] });
    const rows = await unit.use(visitRepository).coverage(area.path, query.from, query.to);
    const share = (v: number, h: number) => (h === 0 ? 0 : Math.round((v / h) * 1000) / 1000);
    const totals = rows.reduce((t, r) => ({ households: t.households + r.households, visited: t.visited + r.visited, visits: t.visits + r.visits }), { households: 0, visited: 0, visits: 0 });
    return {
      from: query.from,
      to: query.to,
      grids: rows.map((r) => ({ ...r, share: share(r.visited, r.households) })),
      totals: { ...totals, share: share(totals.visited, totals.households) },
    };
  });
}

export function listProposals(ctx: RequestContext, query: { areaId?: number | undefined; status: 'pending' | 'confirmed' | 'rejected' }) {
  return read(ctx, 'basedata.read', async (unit) => {
    const roots = unit.scope.areas;
    let paths: readonly string[] = roots;
    if (query.areaId !== undefined) {
      const area = await unit.use(personRepository).area(query.areaId);
      if (!area) throw notFound('区域');
      paths = [area.path];
    }
    const rows = (await Promise.all(paths.map((p) => unit.use(visitRepository).proposals(p, query.status)))).flat();
    const places = await loadPlaces(unit, rows.map((r) => r.areaId));
    const names = await unit.use((db) => actorNames(db, rows.map((r) => r.proposedBy)));
    const personNames = new Map((await unit.use(personRepository).summaries(rows.filter((r) => r.recordType === 'person' && r.recordId).map((r) => r.recordId!))).map((p) => [p.id, p.name]));
    return rows.map((r) => ({
      id: r.id,
      recordType: r.recordType,
      recordId: r.recordId,
      recordName: r.recordType === 'person' && r.recordId ? (personNames.get(r.recordId) ?? null) : null,
      changes: readableChanges(r.changes),
      note: r.note,
      status: r.status,
      proposedBy: names.get(r.proposedBy) ?? '',
      proposedAt: r.proposedAt.toISOString(),
      place: placeOf(places, r.areaId),
    }));
  });
}

/** The community confirms (the change lands in the record, with history) or rejects what a visit found. */
export async function decideProposal(ctx: RequestContext, id: number, decision: 'confirm' | 'reject', note: string | null) {
  return write(ctx, 'basedata.verify', async (unit) => {
    const visits = unit.use(visitRepository);
    const p = await visits.proposal(id);
    if (!p) throw notFound('变更提议');
    if (p.status !== 'pending') throw new AppError('conflict', '这条提议已处理');
    const now = ctx.clock();
    if (decision === 'confirm' && p.recordId !== null) {
      const changes = (p.changes ?? {}) as Record<string, unknown>;
      if (p.recordType === 'person') {
        const persons = unit.use(personRepository);
        const before = await persons.find(p.recordId, true);
        if (!before) throw notFound('人员');
        const patch: PersonPatch = { updated_at: now };
        for (const [key, value] of Object.entries(changes)) {
          const column = PROPOSABLE.person[key];
          if (!column) continue;
          if (column === 'phone') {
            const s = value as SealedChange | null;
            Object.assign(patch, { phone_enc: s?.enc ?? null, phone_bidx: s?.bidx ?? null, phone_masked: s?.masked ?? null });
          } else (patch as Record<string, unknown>)[column] = value;
        }
        await persons.update(p.recordId, patch);
        const readable = readableChanges(changes);
        const beforeShape = Object.fromEntries(Object.keys(readable).map((k) => [k, k === 'phone' ? before.phone_masked : (before as Record<string, unknown>)[PROPOSABLE.person[k]!]]));
        await unit.use(historyRepository).append([{ recordType: 'person', recordId: p.recordId, areaId: before.area_id, action: 'update', source: 'visit', actorId: unit.actor.id, at: now, changes: diff(beforeShape, readable) }]);
      } else if (p.recordType === 'household') {
        const households = unit.use(householdRepository);
        const before = await households.find(p.recordId);
        if (!before) throw notFound('户');
        const patch: { registration_address?: string | null; home_phone_enc?: string | null; home_phone_masked?: string | null; updated_at: Date } = { updated_at: now };
        if ('registrationAddress' in changes) patch.registration_address = (changes.registrationAddress as string | null) ?? null;
        if ('homePhone' in changes) {
          const s = changes.homePhone as SealedChange | null;
          patch.home_phone_enc = s?.enc ?? null;
          patch.home_phone_masked = s?.masked ?? null;
        }
        await households.update(p.recordId, patch);
        const readable = readableChanges(changes);
        const beforeShape = { registrationAddress: before.registrationAddress, homePhone: before.homePhoneMasked };
        await unit.use(historyRepository).append([{ recordType: 'household', recordId: p.recordId, areaId: before.areaId, action: 'update', source: 'visit', actorId: unit.actor.id, at: now, changes: diff(Object.fromEntries(Object.keys(readable).map((k) => [k, beforeShape[k as keyof typeof beforeShape] ?? null])), readable) }]);
      }
    }
    await visits.decide(id, decision === 'confirm' ? 'confirmed' : 'rejected', unit.actor.id, now, note);
    await unit.audit({ action: decision === 'confirm' ? 'confirm_proposal' : 'reject_proposal', entity: 'record_proposal', entityId: id, areaId: p.areaId, after: { recordType: p.recordType, recordId: p.recordId, changes: readableChanges(p.changes) } });
    return { id, status: decision === 'confirm' ? 'confirmed' : 'rejected' };
  });
}
