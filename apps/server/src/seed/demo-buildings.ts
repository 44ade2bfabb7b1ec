import { booleanPointInPolygon } from '@turf/turf';
import type { MultiPolygon } from 'geojson';
import { seededRandom } from '../modules/geo/index.ts';


export interface DemoBuilding {
  /** Grid code + 5-digit sequence (Xi'an DB6101/T 3185: buildings 00001–99999). */
  code: string;
  name: string;
  households: number;
  lng: number;
  lat: number;
}

/**
 * Buildings for one demo grid: roughly 24–48 households each, placed at random inside the grid,
 * their households adding up exactly to the grid's. Deterministic per grid code and seed.
 */
export function planBuildings(gridCode: string, households: number, geometry: MultiPolygon, seed: number): DemoBuilding[] {
  const rand = seededRandom(seed, `buildings:${gridCode}`);
  const count = Math.max(2, Math.min(24, Math.round(households / 36)));
  const weights = Array.from({ length: count }, () => 0.6 + rand() * 0.8);
  const total = weights.reduce((a, b) => a + b, 0);
  const split = weights.map((w) => Math.floor((w / total) * households));
  let left = households - split.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % count, left -= 1) split[i] = (split[i] ?? 0) + 1;

  const ring = geometry.coordinates.flat(2);
  const lngs = ring.map((p) => p[0] ?? 0);
  const lats = ring.map((p) => p[1] ?? 0);
  const [minX, maxX, minY, maxY] = [Math.min(...lngs), Math.max(...lngs), Math.min(...lats), Math.max(...lats)];
  const buildings: DemoBuilding[] = [];
  for (let i = 0; i < count; i += 1) {
    let lng = 0;
    let lat = 0;
    for (let attempt = 0; attempt < 500; attempt += 1) {
      lng = minX + rand() * (maxX - minX);
      lat = minY + rand() * (maxY - minY);
      if (booleanPointInPolygon([lng, lat], geometry)) break;
    }
    buildings.push({
      code: `${gridCode}${String(i + 1).padStart(5, '0')}`,
      name: `${i + 1}幢`,
      households: split[i] ?? 0,
      lng: Math.round(lng * 1e7) / 1e7,
      lat: Math.round(lat * 1e7) / 1e7,
    });
  }
  return buildings;
}
