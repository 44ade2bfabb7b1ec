import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import type { EditSession } from './edit-panel';
import type { EditFlow } from './use-edit-flow';

/**
 * The phone's bar over the map while a line or a polygon is drawn or vertices are moved: the
 * bottom sheet is closed then, and these are the buttons the side panel holds on a desk.
 */
export function MapDrawbar({ session, edit }: { session: EditSession; edit: EditFlow }) {
  const { t } = useTranslation();
  return (
    <div className="rg-map-drawbar" data-testid="map-drawbar">
      <span className="rg-map-drawbar-text">
        {session.kind === 'redraw' ? t('map.edit.drawbarEdit') : t('map.edit.points', { count: session.kind === 'split' || session.kind === 'create' ? session.points.length : 0 })}
      </span>
      {session.kind === 'redraw' ? (
        <>
          <Button size="small" disabled={session.undo.length === 0} onClick={edit.undoEdit}>
            {t('map.edit.undo')}
          </Button>
          <Button size="small" disabled={!session.vertex} onClick={edit.deleteVertex}>
            {t('map.edit.deleteVertex')}
          </Button>
          <Button size="small" type="primary" disabled={session.undo.length === 0} loading={edit.previewPending} onClick={edit.runPreview}>
            {t('map.edit.preview')}
          </Button>
        </>
      ) : (
        <>
          <Button size="small" onClick={edit.undoPoint}>
            {t('map.edit.undoPoint')}
          </Button>
          <Button size="small" type="primary" loading={edit.previewPending} onClick={edit.finishDrawing}>
            {t('map.edit.finish')}
          </Button>
        </>
      )}
      <Button size="small" onClick={edit.cancelSession}>
        {t('map.edit.cancel')}
      </Button>
    </div>
  );
}
