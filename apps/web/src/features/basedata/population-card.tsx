import { AlertOutlined, HomeOutlined, IdcardOutlined, KeyOutlined } from '@ant-design/icons';
import type { Me } from '@redgrid/contracts';
import { Alert, Card, Col, Row, Space, Statistic, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { useOverview } from './basedata.api';

/**
 * 人口概况 for the dashboard: residents, households, houses, rentals of the area in focus, by
 * population type, with what waits for someone (findings to confirm, duplicates, expiring tags).
 * Shaped as a dashboard card (props: the signed-in user and the area in focus).
 */
export function PopulationCard({ me, focusId }: { me: Me; focusId: number | undefined }) {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const areaId = focusId ?? me.roles[0]?.areaId;
  const overview = useOverview(areaId);
  if (overview.isError) return <Alert type="warning" showIcon title={describe(overview.error)} />;
  const o = overview.data;
  const stat = (key: string, title: string, value: number | undefined, icon: React.ReactNode, to?: string) => (
    <Col xs={12} sm={12} lg={6} key={key}>
      <Card className="rg-stat-card" variant="borderless" data-testid={`stat-${key}`}>
        <Statistic title={to ? <Link to={to}>{title}</Link> : title} value={value ?? '…'} prefix={icon} />
      </Card>
    </Col>
  );
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="population-card">
      <Row gutter={[16, 16]}>
        {stat('persons', t('basedata.overview.persons'), o?.persons, <IdcardOutlined />, '/people')}
        {stat('households', t('basedata.overview.households'), o?.households, <HomeOutlined />, '/households')}
        {stat('houses', t('basedata.overview.houses'), o?.houses, <HomeOutlined />)}
        {stat('rentals', t('basedata.overview.rentals'), o?.rentals, <KeyOutlined />)}
      </Row>
      {o ? (
        <Space wrap size={[6, 6]}>
          {Object.entries(o.byPopulationType).map(([type, count]) => (
            <Tag key={type}>
              {t(`basedata.populationType.${type}` as 'basedata.populationType.other', { defaultValue: type })} {count}
            </Tag>
          ))}
          {o.attention > 0 ? <Tag color="red" icon={<AlertOutlined />}>{t('basedata.overview.attention')} {o.attention}</Tag> : null}
          {o.pendingProposals > 0 ? (
            <Link to="/proposals">
              <Tag color="gold">{t('basedata.overview.pendingProposals')} {o.pendingProposals}</Tag>
            </Link>
          ) : null}
          {o.openDuplicates > 0 ? <Tag color="orange">{t('basedata.overview.openDuplicates')} {o.openDuplicates}</Tag> : null}
          {o.expiringTags > 0 ? <Tag color="orange">{t('basedata.overview.expiringTags')} {o.expiringTags}</Tag> : null}
        </Space>
      ) : null}
    </Space>
  );
}
