import type { DivisionLevelCounts } from '@redgrid/contracts';
import { Space, Tag } from 'antd';
import { areaLevelLabel } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { levelCountEntries } from './division-format';

/** "省 31 · 市 342 …": the levels present, top first. */
export function LevelCounts({ counts }: { counts: DivisionLevelCounts }) {
  const { language } = useLanguage();
  const entries = levelCountEntries(counts);
  if (entries.length === 0) return <span>—</span>;
  return (
    <Space size={[0, 4]} wrap>
      {entries.map(({ level, count }) => (
        <Tag key={level}>
          {areaLevelLabel(level, language)} {count.toLocaleString(language)}
        </Tag>
      ))}
    </Space>
  );
}
