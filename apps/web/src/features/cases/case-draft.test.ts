import { describe, expect, it } from 'vitest';
import { clearCaseDraft, dueIn, emptyCaseDraft, hasContent, loadCaseDraft, newClientKey, saveCaseDraft, toReportInput, type CaseDraft } from './case-draft';

function memoryStorage(): Storage {
  const data = new Map<string, string>();
  return {
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    getItem: (k) => data.get(k) ?? null,
    key: (i) => [...data.keys()][i] ?? null,
    removeItem: (k) => void data.delete(k),
    setItem: (k, v) => void data.set(k, v),
  };
}

describe('case draft store', () => {
  it('keeps the draft and its client key across a reload until it is cleared', () => {
    const storage = memoryStorage();
    const draft: CaseDraft = { ...emptyCaseDraft('abcdef0123456789'), itemCode: '0101-01', title: '井盖缺失', location: { lng: 116.4, lat: 39.9, accuracy: 12 } };
    saveCaseDraft(storage, draft);
    expect(loadCaseDraft(storage)).toEqual(draft);
    clearCaseDraft(storage);
    expect(loadCaseDraft(storage)).toBeNull();
  });

  it('drops what is not a draft (old format, broken JSON, a bad key or point)', () => {
    const storage = memoryStorage();
    for (const raw of ['{', '[]', JSON.stringify({ ...emptyCaseDraft('short') }), JSON.stringify({ ...emptyCaseDraft('abcdef0123456789'), location: { lng: 500, lat: 0 } })]) {
      storage.setItem('redgrid.caseDraft', raw);
      expect(loadCaseDraft(storage)).toBeNull();
    }
    expect(loadCaseDraft(undefined)).toBeNull();
  });

  it('makes a key the case and the photo upload both accept', () => {
    expect(newClientKey(() => '123e4567-e89b-12d3-a456-426614174000')).toBe('123e4567e89b12d3a456426614174000');
    expect(newClientKey()).toMatch(/^[0-9a-f]{32}$/);
  });

  it('counts an untouched form as empty', () => {
    expect(hasContent(emptyCaseDraft())).toBe(false);
    expect(hasContent({ ...emptyCaseDraft(), description: '  路灯不亮' })).toBe(true);
  });
});

describe('toReportInput', () => {
  it('sends the chosen item’s fields typed, trims texts and names the GPS point as WGS84', () => {
    const draft: CaseDraft = {
      ...emptyCaseDraft('abcdef0123456789', new Date('2026-12-07T01:00:00Z')),
      itemCode: 'A01',
      title: ' 占道经营 ',
      description: '早市摊位占用人行道 ',
      address: '  ',
      urgency: 'urgent',
      customFields: { stalls: '3', covered: 'true', note: ' 多次 ', stale: 'from another item', empty: '' },
      location: { lng: 116.39, lat: 39.91, accuracy: 8 },
    };
    const input = toReportInput(draft, [
      { key: 'stalls', type: 'number' },
      { key: 'covered', type: 'boolean' },
      { key: 'note', type: 'text' },
      { key: 'empty', type: 'text' },
    ]);
    expect(input).toEqual({
      itemCode: 'A01',
      title: '占道经营',
      description: '早市摊位占用人行道',
      location: { lng: 116.39, lat: 39.91, crs: 'wgs84', source: 'gps' },
      urgency: 'urgent',
      customFields: { stalls: 3, covered: true, note: '多次' },
      clientKey: 'abcdef0123456789',
      // When the draft began: the on-time report rate counts from it.
      discoveredAt: '2026-12-07T01:00:00.000Z',
    });
  });

  it('sends no point when the reporter chose their own grid', () => {
    const input = toReportInput({ ...emptyCaseDraft('abcdef0123456789'), itemCode: 'A01', title: 't', description: 'd', address: '幸福路 1 号' }, []);
    expect(input.location).toBeUndefined();
    expect(input.address).toBe('幸福路 1 号');
  });
});

describe('dueIn', () => {
  const now = new Date('2026-12-07T08:00:00Z');
  it('tells the hours left and the hours overdue', () => {
    expect(dueIn('2026-12-07T13:30:00Z', now)).toEqual({ overdue: false, hours: 5 });
    expect(dueIn('2026-12-07T05:00:00Z', now)).toEqual({ overdue: true, hours: 3 });
    expect(dueIn(null, now)).toBeNull();
  });
});
