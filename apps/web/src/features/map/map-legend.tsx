import { DownOutlined, UpOutlined } from '@ant-design/icons';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { areaLevelLabel } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { ISSUE_COLORS } from './analysis-panel';
import { BALANCE_COLORS, LEVEL_STYLE, type HouseholdRange, type MapLevel } from './map-style';

const LEVELS: MapLevel[] = ['district', 'street', 'community', 'grid'];

/** Grids are in the tiles from zoom 12 on (the server thins the levels when zoomed out). */
export const GRID_MIN_ZOOM = 12;

/** What the colours mean; folds away on a phone. */
export function MapLegend({ range, zoom, showIssues, compact }: { range: HouseholdRange; zoom: number; showIssues: boolean; compact: boolean }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const [open, setOpen] = useState(!compact);
  // The screen size is known only after the first render: fold the legend once it is a phone.
  useEffect(() => setOpen(!compact), [compact]);

  return (
    <div className="rg-map-legend" data-testid="map-legend">
      <button type="button" className="rg-map-legend-toggle" onClick={() => setOpen((v) => !v)} aria-expanded={open}>
        {t('map.legend.title')} {open ? <DownOutlined /> : <UpOutlined />}
      </button>
      {open ? (
        <div className="rg-map-legend-body">
          {LEVELS.map((level) => (
            <div key={level} className="rg-map-legend-row">
              <span className="rg-map-legend-line" style={{ borderTopColor: LEVEL_STYLE[level].color, borderTopWidth: Math.max(1, Math.round(LEVEL_STYLE[level].width)) }} />
              {areaLevelLabel(level, language)}
            </div>
          ))}
          <div className="rg-map-legend-sep" />
          {(['under', 'in', 'over'] as const).map((status) => (
            <div key={status} className="rg-map-legend-row">
              <span className="rg-map-swatch" style={{ background: BALANCE_COLORS[status] }} />
              {t(`map.legend.${status}`, { min: range.min, max: range.max })}
            </div>
          ))}
          {showIssues ? (
            <>
              <div className="rg-map-legend-sep" />
              {(['gap', 'overlap', 'outside'] as const).map((kind) => (
                <div key={kind} className="rg-map-legend-row">
                  <span className="rg-map-swatch" style={{ background: ISSUE_COLORS[kind] }} />
                  {t(`map.analysis.${kind}`)}
                </div>
              ))}
            </>
          ) : null}
          {zoom < GRID_MIN_ZOOM ? <div className="rg-map-legend-hint">{t('map.legend.zoomForGrids')}</div> : null}
        </div>
      ) : null}
    </div>
  );
}
