import { ApartmentOutlined, ClusterOutlined, EnvironmentOutlined, TeamOutlined } from '@ant-design/icons';
import type { AreaDetail, AreaView } from '@redgrid/contracts';
import { Alert, Breadcrumb, Card, Col, Empty, Row, Skeleton, Space, Statistic, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { areaLevelLabel, countByLevel, greetingPart } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { useArea, useAreaChildren, useAreaRoots } from '../areas/areas.api';
import { useSelectedArea } from '../areas/selected-area';
import { useMe } from '../auth/auth.api';
import { useUsers } from '../users/users.api';

/** Breadcrumb of an area: its ancestors top-down, then itself. */
export function AreaBreadcrumb({ area }: { area: AreaDetail }) {
  return (
    <Breadcrumb
      items={[...area.ancestors, area].map((a) => ({
        key: a.id,
        title: <Link to={`/areas?id=${a.id}`}>{a.name}</Link>,
      }))}
    />
  );
}

function StatCard({ icon, title, value, suffix, testId }: { icon: ReactNode; title: string; value: number | undefined; suffix: string; testId?: string }) {
  return (
    <Card className="rg-stat-card" variant="borderless" data-testid={testId}>
      <Statistic title={title} value={value ?? '…'} suffix={suffix} prefix={icon} />
    </Card>
  );
}

export function DashboardPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const me = useMe();
  const describe = useDescribeError();
  const { areaId } = useSelectedArea();
  const roots = useAreaRoots();
  // With one top area and nothing chosen, that area is the natural focus.
  const singleRoot = roots.data?.length === 1 ? roots.data[0] : undefined;
  const focusId = areaId ?? singleRoot?.id;
  const focus = useArea(focusId);
  const children = useAreaChildren(focusId);
  const below: AreaView[] | undefined = focusId === undefined ? roots.data : children.data;
  const canReadUsers = me.permissions.includes('user.read');
  const users = useUsers({ page: 1, pageSize: 1, areaId: focusId }, canReadUsers);

  const grandchildren = (below ?? []).reduce((sum, a) => sum + a.childCount, 0);
  const levelCounts = countByLevel(below ?? []);
  const loading = roots.isPending || (focusId !== undefined && children.isPending);
  const error = roots.error ?? children.error ?? focus.error;

  return (
    <div data-testid="dashboard">
      <Card className="rg-welcome" variant="borderless" style={{ marginBottom: 16 }}>
        <Typography.Title level={3} style={{ marginTop: 0 }} data-testid="dashboard-greeting">
          {t(`dashboard.${greetingPart(new Date().getHours())}`, { name: me.displayName })}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('dashboard.subtitle')}</Typography.Paragraph>
        <Typography.Text strong>{t('dashboard.myRoles')}：</Typography.Text>
        <Space size={[6, 6]} wrap style={{ marginTop: 8 }}>
          {me.roles.length === 0 ? <Typography.Text type="secondary">{t('common.none')}</Typography.Text> : null}
          {me.roles.map((r) => (
            <Tag key={`${r.role}-${r.areaId}`} color="red" icon={<EnvironmentOutlined />}>
              {t(`roles.${r.role}`)} · {r.areaName}
              <span style={{ opacity: 0.7 }}>（{areaLevelLabel(r.areaLevel, language)}）</span>
            </Tag>
          ))}
        </Space>
      </Card>

      <Card variant="borderless" style={{ marginBottom: 16 }} size="small">
        <Space wrap>
          <Typography.Text type="secondary">{t('dashboard.currentArea')}：</Typography.Text>
          {focus.data ? (
            <AreaBreadcrumb area={focus.data} />
          ) : focusId === undefined ? (
            <Typography.Text>{t('dashboard.wholeScope')}</Typography.Text>
          ) : (
            <Skeleton.Input size="small" active />
          )}
          {focus.data ? <Tag>{areaLevelLabel(focus.data.level, language)}</Tag> : null}
        </Space>
      </Card>

      {error ? <Alert type="error" showIcon title={describe(error)} style={{ marginBottom: 16 }} /> : null}

      {loading ? (
        <Skeleton active />
      ) : (
        <Row gutter={[16, 16]}>
          {levelCounts.map(({ level, count }) => {
            const levelName = areaLevelLabel(level, language);
            return (
              <Col key={level} xs={12} sm={12} lg={6}>
                <StatCard
                  testId={`count-${level}`}
                  icon={<ApartmentOutlined />}
                  title={focusId === undefined ? t('dashboard.scopeTitle', { level: levelName }) : t('dashboard.subordinateTitle', { level: levelName })}
                  value={count}
                  suffix={t('dashboard.unitAreas')}
                />
              </Col>
            );
          })}
          {grandchildren > 0 ? (
            <Col xs={12} sm={12} lg={6}>
              <StatCard icon={<ClusterOutlined />} title={t('dashboard.nextLevel')} value={grandchildren} suffix={t('dashboard.unitAreas')} />
            </Col>
          ) : null}
          {canReadUsers ? (
            <Col xs={12} sm={12} lg={6}>
              <StatCard icon={<TeamOutlined />} title={t('dashboard.userCount')} value={users.data?.total} suffix={t('dashboard.unitPeople')} />
            </Col>
          ) : null}
          {levelCounts.length === 0 ? (
            <Col span={24}>
              <Card variant="borderless">
                <Empty description={t('dashboard.noChildren')} />
              </Card>
            </Col>
          ) : null}
          <Col span={24}>
            <Typography.Text type="secondary">{t('dashboard.comingSoon')}</Typography.Text>
          </Col>
        </Row>
      )}
    </div>
  );
}
