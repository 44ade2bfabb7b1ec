import type { HouseCell } from '@redgrid/contracts';

/** A 楼盘表 cell's look: background by occupancy, a border for a rental, a hatch for a dangerous house. */
export interface CellStyle {
  background: string;
  border: string;
  /** Danger outranks everything: the cell is hatched red whatever its occupancy. */
  hatched: boolean;
}

/**
 * Occupancy decides the fill (自住 green, 出租 blue, 空置 grey, 借住 cyan); a house not used as a
 * home (shop, office, workshop) is amber whatever its occupancy, since a grid worker reads those
 * differently on a visit. Colours are Ant Design's light palette so the room number stays legible.
 */
const OCCUPANCY_FILL: Record<HouseCell['occupancy'], string> = {
  owner: '#d9f7be',
  rented: '#bae0ff',
  vacant: '#f0f0f0',
  lent: '#b5f5ec',
  other: '#efdbff',
};
const NON_RESIDENTIAL_FILL = '#fff1b8';
const RESIDENTIAL_USES = new Set<HouseCell['use']>(['residence', 'dormitory']);
const HAZARD_BORDER: Record<'serious' | 'general' | 'safe', string> = { serious: '#cf1322', general: '#fa8c16', safe: '#1677ff' };

export function cellStyle(cell: Pick<HouseCell, 'use' | 'occupancy' | 'rental' | 'dangerous'>): CellStyle {
  const background = RESIDENTIAL_USES.has(cell.use) ? OCCUPANCY_FILL[cell.occupancy] : NON_RESIDENTIAL_FILL;
  const border = cell.rental ? HAZARD_BORDER[cell.rental.hazardLevel] : '#d9d9d9';
  return { background, border, hatched: cell.dangerous };
}

/** The legend: what each fill means, in the order a board is read. */
export const LEGEND: readonly { key: HouseCell['occupancy'] | 'nonResidential'; color: string }[] = [
  { key: 'owner', color: OCCUPANCY_FILL.owner },
  { key: 'rented', color: OCCUPANCY_FILL.rented },
  { key: 'vacant', color: OCCUPANCY_FILL.vacant },
  { key: 'lent', color: OCCUPANCY_FILL.lent },
  { key: 'nonResidential', color: NON_RESIDENTIAL_FILL },
];

/**
 * Floors as a building is drawn: the top floor first, the basement last, a floor not recorded at the
 * very bottom. Rooms within a floor in their number order ("101" before "1001", "2" before "10").
 */
export function boardRows<T extends { floor: number | null; houses: { room: string | null }[] }>(floors: readonly T[]): T[] {
  const collator = new Intl.Collator('zh-CN', { numeric: true });
  return [...floors]
    .sort((a, b) => (a.floor === null ? 1 : b.floor === null ? -1 : b.floor - a.floor))
    .map((f) => ({ ...f, houses: [...f.houses].sort((x, y) => collator.compare(x.room ?? '', y.room ?? '')) }));
}
