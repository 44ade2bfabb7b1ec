import { EnvironmentOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useMe } from '../auth/auth.api';
import { AreaTreeSelect } from './area-tree-select';
import { useSelectedArea } from './selected-area';

/**
 * The header's area filter: every list in the console narrows to the area chosen here. Only for those
 * who read areas: the auditor's console would otherwise ask for area roots on every page and be refused
 * (and a refusal is recorded as a security event).
 */
export function HeaderAreaPicker({ block = false }: { block?: boolean }) {
  const me = useMe();
  return me.permissions.includes('area.read') ? <AreaPicker block={block} /> : null;
}

function AreaPicker({ block }: { block: boolean }) {
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
