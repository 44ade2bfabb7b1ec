import { ArrowLeftOutlined } from '@ant-design/icons';
import { Card, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { HouseDetail } from './house-detail';
import { positiveId } from './query-params';

/** /houses/:id: the house on its own page (a link from a household). */
export function HousePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const id = positiveId(useParams().id ?? null) ?? 0;
  return (
    <div data-testid="house-page">
      <div className="rg-page-title">
        <Typography.Title level={3}>
          <a onClick={() => void navigate(-1)} aria-label={t('common.back')} style={{ marginInlineEnd: 8 }}>
            <ArrowLeftOutlined />
          </a>
          {t('basedata.house.title')}
        </Typography.Title>
      </div>
      <Card size="small" style={{ maxWidth: 720 }}>
        <HouseDetail houseId={id} />
      </Card>
    </div>
  );
}
