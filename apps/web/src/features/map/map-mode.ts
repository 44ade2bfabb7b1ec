import type { EditSession, PreviewState } from './edit-panel';
import type { MapMode } from './map.types';

/** The side panel's tabs when nothing is being edited. */
export type PanelTab = 'areas' | 'locate' | 'analysis';

export function isPanelTab(key: string): key is PanelTab {
  return key === 'areas' || key === 'locate' || key === 'analysis';
}

/** What a click on the map does: pick an area, locate a point, draw a line or a polygon, or move vertices. */
export function mapModeOf(session: EditSession | null, preview: PreviewState | null, tab: PanelTab): MapMode {
  if (preview) return 'browse';
  if (session?.kind === 'redraw') return 'edit';
  if (session?.kind === 'split') return 'draw-line';
  if (session?.kind === 'create' && !session.finished) return 'draw-polygon';
  if (!session && tab === 'locate') return 'locate';
  return 'browse';
}

/** Drawing or moving vertices (the phone shows its draw bar then). */
export function isDrawingMode(mode: MapMode): boolean {
  return mode === 'draw-line' || mode === 'draw-polygon' || mode === 'edit';
}
