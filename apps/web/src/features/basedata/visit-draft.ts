import type { VisitKind } from '@redgrid/contracts';

/** What the visit form keeps on the phone until the server has it. */
export interface VisitDraft {
  householdId: number;
  /** Made once per form: a double tap or a retry after a dropped connection is the same visit. */
  clientKey: string;
  visitedOn: string;
  kind: VisitKind;
  findings: string;
  followUp: string;
  location: { lng: number; lat: number; accuracy?: number } | null;
  proposals: DraftProposal[];
}

export interface DraftProposal {
  recordType: 'household' | 'person';
  recordId: number | null;
  field: string;
  value: string;
  note: string;
}

const PREFIX = 'redgrid.visitDraft.';

/** A fresh retry key: 32 hex characters (a UUID without dashes), as the contract's pattern allows. */
export function newClientKey(random: () => string = () => crypto.randomUUID()): string {
  return random().replace(/-/g, '');
}

/** Today in Beijing, 'YYYY-MM-DD': a visit at 07:30 in Harbin is still today's whatever the phone's zone. */
export function todayInBeijing(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export function emptyDraft(householdId: number, now: Date = new Date(), key: string = newClientKey()): VisitDraft {
  return { householdId, clientKey: key, visitedOn: todayInBeijing(now), kind: 'routine', findings: '', followUp: '', location: null, proposals: [] };
}

function isDraft(value: unknown, householdId: number): value is VisitDraft {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.householdId === householdId &&
    typeof v.clientKey === 'string' &&
    /^[A-Za-z0-9_-]{8,64}$/.test(v.clientKey) &&
    typeof v.visitedOn === 'string' &&
    typeof v.kind === 'string' &&
    typeof v.findings === 'string' &&
    typeof v.followUp === 'string' &&
    Array.isArray(v.proposals)
  );
}

/** The unsent draft for a household, if one survives (a reload, a lost signal, a closed tab). */
export function loadDraft(storage: Pick<Storage, 'getItem'> | undefined, householdId: number): VisitDraft | null {
  try {
    const raw = storage?.getItem(PREFIX + householdId);
    if (!raw) return null;
    const parsed: unknown = JSON.parse(raw);
    return isDraft(parsed, householdId) ? parsed : null;
  } catch {
    return null;
  }
}

export function saveDraft(storage: Pick<Storage, 'setItem'> | undefined, draft: VisitDraft): void {
  try {
    storage?.setItem(PREFIX + draft.householdId, JSON.stringify(draft));
  } catch {
    // A full quota or private mode: the form still works, the draft just does not survive a reload.
  }
}

export function clearDraft(storage: Pick<Storage, 'removeItem'> | undefined, householdId: number): void {
  try {
    storage?.removeItem(PREFIX + householdId);
  } catch {
    // As above.
  }
}

/**
 * What a visit may propose, per record (the server's list: anything else is refused). "Moved out"
 * becomes the visit's date as the moving-out date; "deceased" a yes; the rest carry the typed value.
 */
export const PROPOSAL_FIELDS = {
  person: ['movedOut', 'deceased', 'phone', 'currentAddress', 'residenceStatus', 'occupation', 'workUnit'],
  household: ['homePhone', 'registrationAddress'],
} as const;
const FLAGS = new Set(['movedOut', 'deceased']);

export function isFlagField(field: string): boolean {
  return FLAGS.has(field);
}

/** The proposals as the contract takes them: one change per line, the empty ones dropped. */
export function toProposals(
  drafts: readonly DraftProposal[],
  visitedOn: string,
): { recordType: 'household' | 'person'; recordId: number | null; changes: Record<string, string | boolean>; note: string | null }[] {
  return drafts
    .filter((p) => p.field !== '' && (isFlagField(p.field) || p.value.trim() !== ''))
    .map((p) => {
      const changes: Record<string, string | boolean> =
        p.field === 'movedOut' ? { movedOutOn: visitedOn } : p.field === 'deceased' ? { deceased: true } : { [p.field]: p.value.trim() };
      return { recordType: p.recordType, recordId: p.recordId, changes, note: p.note.trim() || null };
    });
}
