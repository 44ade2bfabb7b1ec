import type { CaseMapFeature, CaseMapProperties } from '@redgrid/contracts';
import type { ExpressionSpecification, LayerSpecification } from 'maplibre-gl';

/**
 * How open cases look on the map (pure, testable): one colour per case by what presses most — a red
 * card or an overdue step first (red), then a passed warning or a yellow card (amber), then urgency
 * (orange), else blue. Clusters take the colour of the most pressing case inside them.
 */
export type CaseTone = 'red' | 'amber' | 'orange' | 'blue';

/** Most pressing first: the legend's order, and a cluster's colour is the first tone it holds. */
export const CASE_TONES: readonly CaseTone[] = ['red', 'amber', 'orange', 'blue'];

export const CASE_TONE_COLORS: Record<CaseTone, string> = {
  red: '#e5212b',
  amber: '#f5a300',
  orange: '#fa6e1e',
  blue: '#1677ff',
};

export function caseTone(p: Pick<CaseMapProperties, 'alarm' | 'supervision' | 'urgency'>): CaseTone {
  if (p.supervision === 'red' || p.alarm === 'red') return 'red';
  if (p.alarm === 'yellow' || p.supervision === 'yellow') return 'amber';
  if (p.urgency === 'urgent' || p.urgency === 'emergency') return 'orange';
  return 'blue';
}

/** A case as drawn: its tone beside what the server said (MapLibre colours and clusters by it). */
export interface TonedCaseFeature {
  type: 'Feature';
  id: number;
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: CaseMapProperties & { tone: CaseTone };
}

export function withTones(features: readonly CaseMapFeature[]): TonedCaseFeature[] {
  return features.map((f) => ({ type: 'Feature', id: f.id, geometry: { type: 'Point', coordinates: [...f.geometry.coordinates] }, properties: { ...f.properties, tone: caseTone(f.properties) } }));
}

export const CASE_SOURCE = 'cases';
export const CASE_LAYERS = { clusters: 'cases-clusters', points: 'cases-points', pointsHalo: 'cases-points-halo', selected: 'cases-selected' } as const;

/** Per cluster, how many of its cases have each tone (MapLibre sums these as it clusters). */
export const CASE_CLUSTER_PROPERTIES: Record<CaseTone, ExpressionSpecification> = Object.fromEntries(
  CASE_TONES.map((tone) => [tone, ['+', ['case', ['==', ['get', 'tone'], tone], 1, 0]] as ExpressionSpecification]),
) as Record<CaseTone, ExpressionSpecification>;

/** A cluster's colour: the most pressing tone among its cases. */
export function clusterColorExpression(): ExpressionSpecification {
  return ['case', ['>', ['get', 'red'], 0], CASE_TONE_COLORS.red, ['>', ['get', 'amber'], 0], CASE_TONE_COLORS.amber, ['>', ['get', 'orange'], 0], CASE_TONE_COLORS.orange, CASE_TONE_COLORS.blue];
}

/** The same rule for a cluster's counts in code (the HTML count badge is coloured like its circle). */
export function clusterTone(counts: Partial<Record<CaseTone, number>>): CaseTone {
  return CASE_TONES.find((tone) => (counts[tone] ?? 0) > 0) ?? 'blue';
}

export function pointColorExpression(): ExpressionSpecification {
  return ['match', ['get', 'tone'], 'red', CASE_TONE_COLORS.red, 'amber', CASE_TONE_COLORS.amber, 'orange', CASE_TONE_COLORS.orange, CASE_TONE_COLORS.blue];
}

/**
 * The case layers, drawn above the boundaries. Cluster counts are HTML badges (no map fonts offline),
 * so the cluster layer is only the circle: bigger with more cases.
 */
export function caseLayers(): LayerSpecification[] {
  return [
    {
      id: CASE_LAYERS.clusters,
      type: 'circle',
      source: CASE_SOURCE,
      filter: ['has', 'point_count'],
      paint: {
        'circle-color': clusterColorExpression(),
        'circle-opacity': 0.85,
        'circle-radius': ['step', ['get', 'point_count'], 15, 10, 19, 50, 24, 200, 30],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 2,
      },
    },
    {
      id: CASE_LAYERS.pointsHalo,
      type: 'circle',
      source: CASE_SOURCE,
      filter: ['all', ['!', ['has', 'point_count']], ['==', ['get', 'tone'], 'red']],
      paint: { 'circle-color': CASE_TONE_COLORS.red, 'circle-opacity': 0.25, 'circle-radius': 13 },
    },
    {
      id: CASE_LAYERS.points,
      type: 'circle',
      source: CASE_SOURCE,
      filter: ['!', ['has', 'point_count']],
      paint: { 'circle-color': pointColorExpression(), 'circle-radius': 7, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 },
    },
  ];
}

/** The map box as the endpoint's bbox, rounded outward (so a small pan reuses the same answer) and clamped. */
export function bboxParam(b: { west: number; south: number; east: number; north: number }, step = 0.01): string {
  const down = (v: number) => Math.floor(v / step) * step;
  const up = (v: number) => Math.ceil(v / step) * step;
  const clamp = (v: number, lim: number) => Math.max(-lim, Math.min(lim, v));
  const r = (v: number) => Number(v.toFixed(6));
  const west = clamp(down(b.west), 180);
  const east = clamp(up(b.east), 180);
  const south = clamp(down(b.south), 90);
  const north = clamp(up(b.north), 90);
  return [r(west), r(south), r(east > west ? east : west + step), r(north > south ? north : south + step)].join(',');
}
