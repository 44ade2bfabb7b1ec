import { EnvironmentOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { AreaTreeSelect } from './area-tree-select';
import { useSelectedArea } from './selected-area';

/** The header's area filter: every list in the console narrows to the area chosen here. */
export function HeaderAreaPicker({ block = false }: { block?: boolean }) {
  const { t } = useTranslation();
  const { areaId, setAreaId } = useSelectedArea();
  return (
    <div className="rg-area-picker" style={block ? { width: '100%' } : undefined}>
      <EnvironmentOutlined className="rg-area-picker-icon" aria-hidden />
      <AreaTreeSelect
        value={areaId}
        onChange={setAreaId}
        placeholder={t('header.allAreas')}
        style={{ width: block ? '100%' : 260 }}
        aria-label={t('header.areaPicker')}
      />
    </div>
  );
}
