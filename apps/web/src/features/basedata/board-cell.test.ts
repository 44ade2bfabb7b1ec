import { describe, expect, it } from 'vitest';
import { boardRows, cellStyle } from './board-cell';

const home = { use: 'residence', occupancy: 'owner', rental: null, dangerous: false } as const;

describe('cellStyle', () => {
  it('colours a home by who lives in it', () => {
    const owner = cellStyle(home).background;
    const rented = cellStyle({ ...home, occupancy: 'rented' }).background;
    const vacant = cellStyle({ ...home, occupancy: 'vacant' }).background;
    expect(new Set([owner, rented, vacant]).size).toBe(3);
  });

  it('gives a shop one colour whatever its occupancy', () => {
    expect(cellStyle({ ...home, use: 'commercial', occupancy: 'rented' }).background).toBe(cellStyle({ ...home, use: 'commercial' }).background);
    expect(cellStyle({ ...home, use: 'commercial' }).background).not.toBe(cellStyle(home).background);
  });

  it('borders a rental by its hazard level, the serious one red', () => {
    const rental = (hazardLevel: 'serious' | 'general' | 'safe') => ({ id: 1, hazardLevel, occupants: 3, occupantLimit: 4 });
    expect(cellStyle({ ...home, occupancy: 'rented', rental: rental('serious') }).border).toBe('#cf1322');
    expect(cellStyle({ ...home, occupancy: 'rented', rental: rental('safe') }).border).not.toBe(cellStyle(home).border);
  });

  it('hatches a dangerous house', () => {
    expect(cellStyle({ ...home, dangerous: true }).hatched).toBe(true);
    expect(cellStyle(home).hatched).toBe(false);
  });
});

describe('boardRows', () => {
  it('puts the top floor first, basements below, unknown floors last, rooms in number order', () => {
    const rows = boardRows([
      { floor: 1, houses: [{ room: '102' }, { room: '101' }] },
      { floor: null, houses: [] },
      { floor: -1, houses: [] },
      { floor: 10, houses: [{ room: '1010' }, { room: '1002' }] },
    ]);
    expect(rows.map((r) => r.floor)).toEqual([10, 1, -1, null]);
    expect(rows[0]?.houses.map((h) => h.room)).toEqual(['1002', '1010']);
    expect(rows[1]?.houses.map((h) => h.room)).toEqual(['101', '102']);
  });
});
