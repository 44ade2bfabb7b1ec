import type { ExpressionSpecification, LayerSpecification, SourceSpecification, StyleSpecification } from 'maplibre-gl';

/**
 * The map's look, built in code: there are no external tiles, fonts or sprites on a government
 * intranet, so the style is a light background and the boundaries, with an optional raster base.
 * Pure (types only from MapLibre), so colours and rules are testable.
 */

/** The target number of households per grid (规模适度), from /api/meta. */
export interface HouseholdRange {
  min: number;
  max: number;
}

export type BalanceStatus = 'under' | 'in' | 'over';

export function balanceStatus(households: number | null | undefined, range: HouseholdRange): BalanceStatus {
  const count = households ?? 0;
  if (count < range.min) return 'under';
  if (count > range.max) return 'over';
  return 'in';
}

/** Fill colours of grids by size: blue too small, green right, warm too big. */
export const BALANCE_COLORS: Record<BalanceStatus, string> = {
  under: '#69b1ff',
  in: '#95de64',
  over: '#ff9c6e',
};

export function balanceColor(households: number | null | undefined, range: HouseholdRange): string {
  return BALANCE_COLORS[balanceStatus(households, range)];
}

/** The same rule as `balanceStatus`, as a MapLibre expression over a tile feature's properties. */
export function balanceFillExpression(range: HouseholdRange): ExpressionSpecification {
  const households: ExpressionSpecification = ['to-number', ['get', 'households'], 0];
  // Tiles carry each grid's own range (its area's setting or the nearest ancestor's); the default covers older tiles.
  const min: ExpressionSpecification = ['to-number', ['coalesce', ['get', 'min'], range.min]];
  const max: ExpressionSpecification = ['to-number', ['coalesce', ['get', 'max'], range.max]];
  return ['case', ['<', households, min], BALANCE_COLORS.under, ['>', households, max], BALANCE_COLORS.over, BALANCE_COLORS.in];
}

export type MapLevel = 'district' | 'street' | 'community' | 'grid';

/** Boundary lines per level: the higher the level, the darker and wider. */
export const LEVEL_STYLE: Record<MapLevel, { color: string; width: number }> = {
  district: { color: '#a8071a', width: 3.2 },
  street: { color: '#ad6800', width: 2.4 },
  community: { color: '#1d5fd1', width: 1.6 },
  grid: { color: '#8c8c8c', width: 0.9 },
};

/** Top to bottom, for picking the smallest area under the pointer. */
export const LEVEL_DEPTH: Record<string, number> = { province: 1, city: 2, district: 3, street: 4, community: 5, grid: 6 };

export const MAP_COLORS = {
  outside: '#e9e6df',
  scope: '#fbfaf7',
  selection: '#c8161d',
  multi: '#faad14',
  gap: '#f5222d',
  overlap: '#fa8c16',
  outsideParent: '#722ed1',
  draw: '#c8161d',
  edit: '#1677ff',
  draft: '#531dab',
  accuracy: '#1677ff',
} as const;

/** Colours of the pieces in an adjustment preview, one per new grid. */
export const PREVIEW_COLORS = ['#13c2c2', '#eb2f96', '#2f54eb', '#faad14', '#52c41a', '#722ed1', '#fa541c', '#1677ff'] as const;

export function previewColor(index: number): string {
  return PREVIEW_COLORS[index % PREVIEW_COLORS.length] ?? PREVIEW_COLORS[0];
}

export const SOURCES = {
  areas: 'areas',
  base: 'base',
  selection: 'selection',
  issues: 'issues',
  preview: 'preview',
  draft: 'draft',
  draw: 'draw',
  edit: 'edit',
  /** The circle of a device position's accuracy ("use my location"). */
  accuracy: 'accuracy',
} as const;

export const LAYERS = {
  scopeFill: 'areas-scope-fill',
  gridFill: 'areas-grid-fill',
  multiFill: 'areas-multi-fill',
  hover: 'areas-hover-line',
  selectionFill: 'selection-fill',
  selectionCasing: 'selection-casing',
  selectionLine: 'selection-line',
  issuesFill: 'issues-fill',
  issuesLine: 'issues-line',
  previewFill: 'preview-fill',
  previewLine: 'preview-line',
  draftFill: 'draft-fill',
  draftCasing: 'draft-casing',
  draftLine: 'draft-line',
  drawFill: 'draw-fill',
  drawLine: 'draw-line',
  drawRubber: 'draw-rubber',
  drawPoints: 'draw-points',
  editFill: 'edit-fill',
  editLine: 'edit-line',
  editMidpoints: 'edit-midpoints',
  editVertices: 'edit-vertices',
  accuracyFill: 'accuracy-fill',
  accuracyLine: 'accuracy-line',
} as const;

/** The layers a click or hover reads areas from (fills, so the inside of an area counts). */
export const PICK_LAYERS = [LAYERS.scopeFill, LAYERS.gridFill];

/** Grid fill opacity: normal, and faded while a coverage report is drawn on top. */
export const GRID_FILL_OPACITY = { normal: 0.5, muted: 0.12 } as const;

/** The vector tile URL; `version` changes after an adjustment so no cached tile survives it. */
export function areaTileUrl(origin: string, version: number): string {
  const base = `${origin}/api/tiles/areas/{z}/{x}/{y}.mvt`;
  return version > 0 ? `${base}?v=${version}` : base;
}

const EMPTY = { type: 'FeatureCollection', features: [] } as const;

function lineWidth(width: number): ExpressionSpecification {
  return ['interpolate', ['linear'], ['zoom'], 8, width * 0.6, 13, width, 17, width * 1.5];
}

function levelLine(level: MapLevel): LayerSpecification {
  return {
    id: `areas-${level}-line`,
    type: 'line',
    source: SOURCES.areas,
    'source-layer': 'areas',
    filter: ['==', ['get', 'level'], level],
    layout: { 'line-join': 'round', 'line-cap': 'round' },
    paint: { 'line-color': LEVEL_STYLE[level].color, 'line-width': lineWidth(LEVEL_STYLE[level].width), 'line-opacity': level === 'grid' ? 0.9 : 1 },
  };
}

export interface MapStyleOptions {
  tileUrl: string;
  baseMapUrl: string | null;
  range: HouseholdRange;
  /**
   * 'public': the outlines of the public map (publicAreaTileUrl) — no household counts, so grids are
   * filled plainly instead of by the household balance, and no tiles are asked for below its lowest zoom.
   */
  audience?: 'staff' | 'public';
}

/** The public map's outlines (no account): names and levels only, from zoom 6. */
export function publicAreaTileUrl(origin: string): string {
  return `${origin}/api/public/tiles/areas/{z}/{x}/{y}.mvt`;
}

export function buildMapStyle({ tileUrl, baseMapUrl, range, audience = 'staff' }: MapStyleOptions): StyleSpecification {
  const sources: Record<string, SourceSpecification> = {
    [SOURCES.areas]: { type: 'vector', tiles: [tileUrl], minzoom: audience === 'public' ? 6 : 0, maxzoom: 16 },
    [SOURCES.selection]: { type: 'geojson', data: EMPTY },
    [SOURCES.issues]: { type: 'geojson', data: EMPTY },
    [SOURCES.preview]: { type: 'geojson', data: EMPTY },
    [SOURCES.draft]: { type: 'geojson', data: EMPTY },
    [SOURCES.draw]: { type: 'geojson', data: EMPTY },
    [SOURCES.edit]: { type: 'geojson', data: EMPTY },
    [SOURCES.accuracy]: { type: 'geojson', data: EMPTY },
  };
  if (baseMapUrl) sources[SOURCES.base] = { type: 'raster', tiles: [baseMapUrl], tileSize: 256, maxzoom: 18 };

  const layers: LayerSpecification[] = [
    { id: 'background', type: 'background', paint: { 'background-color': MAP_COLORS.outside } },
    ...(baseMapUrl ? [{ id: 'base', type: 'raster', source: SOURCES.base, paint: { 'raster-opacity': 0.85 } } satisfies LayerSpecification] : []),
    {
      id: LAYERS.scopeFill,
      type: 'fill',
      source: SOURCES.areas,
      'source-layer': 'areas',
      filter: ['!=', ['get', 'level'], 'grid'],
      // Over a base map the scope is only tinted, so streets and rivers stay visible.
      paint: { 'fill-color': MAP_COLORS.scope, 'fill-opacity': baseMapUrl ? 0.15 : 1 },
    },
    {
      id: LAYERS.gridFill,
      type: 'fill',
      source: SOURCES.areas,
      'source-layer': 'areas',
      filter: ['==', ['get', 'level'], 'grid'],
      paint: { 'fill-color': audience === 'public' ? BALANCE_COLORS.in : balanceFillExpression(range), 'fill-opacity': GRID_FILL_OPACITY.normal },
    },
    {
      id: LAYERS.multiFill,
      type: 'fill',
      source: SOURCES.areas,
      'source-layer': 'areas',
      filter: ['in', ['get', 'id'], ['literal', []]],
      paint: { 'fill-color': MAP_COLORS.multi, 'fill-opacity': 0.55 },
    },
    { id: LAYERS.selectionFill, type: 'fill', source: SOURCES.selection, paint: { 'fill-color': MAP_COLORS.selection, 'fill-opacity': 0.08 } },
    { id: LAYERS.issuesFill, type: 'fill', source: SOURCES.issues, paint: { 'fill-color': ['get', 'color'], 'fill-opacity': 0.6 } },
    levelLine('grid'),
    levelLine('community'),
    levelLine('street'),
    levelLine('district'),
    {
      id: LAYERS.hover,
      type: 'line',
      source: SOURCES.areas,
      'source-layer': 'areas',
      paint: {
        'line-color': '#262626',
        'line-width': 2.5,
        'line-opacity': ['case', ['boolean', ['feature-state', 'hover'], false], 0.9, 0],
      },
    },
    { id: LAYERS.issuesLine, type: 'line', source: SOURCES.issues, paint: { 'line-color': ['get', 'color'], 'line-width': 2 } },
    {
      id: LAYERS.selectionCasing,
      type: 'line',
      source: SOURCES.selection,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': '#ffffff', 'line-width': 6, 'line-opacity': 0.9 },
    },
    {
      id: LAYERS.selectionLine,
      type: 'line',
      source: SOURCES.selection,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': MAP_COLORS.selection, 'line-width': 3 },
    },
    { id: LAYERS.previewFill, type: 'fill', source: SOURCES.preview, paint: { 'fill-color': ['get', 'color'], 'fill-opacity': 0.4 } },
    {
      id: LAYERS.previewLine,
      type: 'line',
      source: SOURCES.preview,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': '#1f1f1f', 'line-width': 2, 'line-dasharray': [2, 1.5] },
    },
    // A grid-division draft: its own solid violet outline on a white casing, unlike the dashed preview.
    { id: LAYERS.draftFill, type: 'fill', source: SOURCES.draft, paint: { 'fill-color': ['get', 'color'], 'fill-opacity': 0.3 } },
    {
      id: LAYERS.draftCasing,
      type: 'line',
      source: SOURCES.draft,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': '#ffffff', 'line-width': 5, 'line-opacity': 0.9 },
    },
    {
      id: LAYERS.draftLine,
      type: 'line',
      source: SOURCES.draft,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': MAP_COLORS.draft, 'line-width': 2.5 },
    },
    { id: LAYERS.accuracyFill, type: 'fill', source: SOURCES.accuracy, paint: { 'fill-color': MAP_COLORS.accuracy, 'fill-opacity': 0.12 } },
    { id: LAYERS.accuracyLine, type: 'line', source: SOURCES.accuracy, paint: { 'line-color': MAP_COLORS.accuracy, 'line-width': 1.5, 'line-opacity': 0.8 } },
    { id: LAYERS.drawFill, type: 'fill', source: SOURCES.draw, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': MAP_COLORS.draw, 'fill-opacity': 0.15 } },
    {
      id: LAYERS.drawLine,
      type: 'line',
      source: SOURCES.draw,
      filter: ['all', ['!=', ['geometry-type'], 'Point'], ['!=', ['get', 'role'], 'rubber']],
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: { 'line-color': MAP_COLORS.draw, 'line-width': 2.5 },
    },
    {
      id: LAYERS.drawRubber,
      type: 'line',
      source: SOURCES.draw,
      filter: ['==', ['get', 'role'], 'rubber'],
      paint: { 'line-color': MAP_COLORS.draw, 'line-width': 2, 'line-opacity': 0.7, 'line-dasharray': [2, 2] },
    },
    {
      id: LAYERS.drawPoints,
      type: 'circle',
      source: SOURCES.draw,
      filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 5, 'circle-color': '#ffffff', 'circle-stroke-color': MAP_COLORS.draw, 'circle-stroke-width': 2 },
    },
    { id: LAYERS.editFill, type: 'fill', source: SOURCES.edit, filter: ['==', ['get', 'role'], 'shape'], paint: { 'fill-color': MAP_COLORS.edit, 'fill-opacity': 0.15 } },
    {
      id: LAYERS.editLine,
      type: 'line',
      source: SOURCES.edit,
      filter: ['==', ['get', 'role'], 'shape'],
      paint: { 'line-color': MAP_COLORS.edit, 'line-width': 2.5 },
    },
    {
      id: LAYERS.editMidpoints,
      type: 'circle',
      source: SOURCES.edit,
      filter: ['==', ['get', 'role'], 'midpoint'],
      paint: { 'circle-radius': 4, 'circle-color': MAP_COLORS.edit, 'circle-opacity': 0.55, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1 },
    },
    {
      id: LAYERS.editVertices,
      type: 'circle',
      source: SOURCES.edit,
      filter: ['==', ['get', 'role'], 'vertex'],
      paint: {
        'circle-radius': ['case', ['boolean', ['get', 'selected'], false], 8, 6],
        'circle-color': ['case', ['boolean', ['get', 'selected'], false], MAP_COLORS.edit, '#ffffff'],
        'circle-stroke-color': MAP_COLORS.edit,
        'circle-stroke-width': 2,
      },
    },
  ];
  return { version: 8, name: 'redgrid', sources, layers };
}
