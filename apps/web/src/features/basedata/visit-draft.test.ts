import { describe, expect, it } from 'vitest';
import { clearDraft, emptyDraft, loadDraft, newClientKey, saveDraft, todayInBeijing, toProposals } from './visit-draft';

function memoryStorage() {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
    data,
  };
}

describe('visit draft', () => {
  it('makes a retry key the server accepts', () => {
    const key = newClientKey(() => '3f2b8c1e-9d4a-4e6b-a1c2-0d9e8f7a6b5c');
    expect(key).toBe('3f2b8c1e9d4a4e6ba1c20d9e8f7a6b5c');
    expect(key).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
  });

  it('dates a visit in Beijing time: 20:00 UTC is already the next day', () => {
    expect(todayInBeijing(new Date('2026-12-07T20:00:00Z'))).toBe('2026-12-08');
    expect(todayInBeijing(new Date('2026-12-07T10:00:00Z'))).toBe('2026-12-07');
  });

  it('keeps a draft, with its key, until it is cleared', () => {
    const storage = memoryStorage();
    const draft = { ...emptyDraft(12, new Date('2026-12-07T02:00:00Z'), 'abcdef0123456789'), findings: '老人独居，身体尚可' };
    saveDraft(storage, draft);
    expect(loadDraft(storage, 12)).toEqual(draft);
    expect(loadDraft(storage, 13)).toBeNull();
    clearDraft(storage, 12);
    expect(loadDraft(storage, 12)).toBeNull();
  });

  it('ignores a damaged or foreign draft', () => {
    const storage = memoryStorage();
    storage.setItem('redgrid.visitDraft.5', '{not json');
    expect(loadDraft(storage, 5)).toBeNull();
    storage.setItem('redgrid.visitDraft.6', JSON.stringify({ householdId: 7, clientKey: 'abcdef0123456789' }));
    expect(loadDraft(storage, 6)).toBeNull();
  });

  it('survives a storage that refuses to write', () => {
    const broken = { setItem: () => { throw new Error('QuotaExceededError'); } };
    expect(() => saveDraft(broken, emptyDraft(1))).not.toThrow();
  });

  it('sends only the changes that say something, a move-out dated by the visit', () => {
    expect(
      toProposals(
        [
          { recordType: 'person', recordId: 3, field: 'movedOut', value: '', note: '' },
          { recordType: 'person', recordId: 4, field: 'phone', value: ' 13800001111 ', note: '换了新号' },
          { recordType: 'household', recordId: 9, field: 'homePhone', value: '', note: '' },
        ],
        '2026-12-07',
      ),
    ).toEqual([
      { recordType: 'person', recordId: 3, changes: { movedOutOn: '2026-12-07' }, note: null },
      { recordType: 'person', recordId: 4, changes: { phone: '13800001111' }, note: '换了新号' },
    ]);
  });
});
