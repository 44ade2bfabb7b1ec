import { ApartmentOutlined, ClusterOutlined, HomeOutlined, TeamOutlined, WarningOutlined } from '@ant-design/icons';
import type { AreaDetail, AreaView, Me, Permission } from '@redgrid/contracts';
import { Alert, Card, Col, Empty, List, Row, Skeleton, Space, Statistic, Tag, Typography } from 'antd';
import type { ComponentType, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { areaLevelLabel, countByLevel } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { useArea } from '../areas/areas.api';
import { PopulationCard } from '../basedata/population-card';
import { CaseDashboardCard } from '../cases/case-dashboard-card';
import { useUsers } from '../users/users.api';
import { useBalanceSummary } from './dashboard.api';

/** What every card is given: who is looking and the area the dashboard is about. */
export interface DashboardCardProps {
  me: Me;
  /** The area chosen (or the user's single top area); undefined means the whole scope. */
  focusId: number | undefined;
  focus: AreaDetail | undefined;
  /** The areas one level below the focus (or the user's top areas when there is no focus). */
  below: AreaView[] | undefined;
}

/**
 * A card on the dashboard. Each declares the permission it needs and, where it only makes sense for
 * some areas, `appliesTo`; a module adds its statistics by adding a card here (cases, visits, party
 * points …), never by editing the page.
 */
export interface DashboardCard {
  key: string;
  permission: Permission | null;
  /** Shown only to those who do NOT hold this permission (a plainer card standing in for richer ones). */
  withoutPermission?: Permission;
  appliesTo?: (props: DashboardCardProps) => boolean;
  Component: ComponentType<DashboardCardProps>;
}

function StatCard({ icon, title, value, suffix, testId }: { icon: ReactNode; title: string; value: number | undefined; suffix?: string; testId?: string }) {
  return (
    <Card className="rg-stat-card" variant="borderless" data-testid={testId}>
      <Statistic title={title} value={value ?? '…'} suffix={suffix} prefix={icon} />
    </Card>
  );
}

/** Areas one level down (streets, communities, grids …), by level. */
function SubareasCard({ focusId, below }: DashboardCardProps) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const levelCounts = countByLevel(below ?? []);
  const grandchildren = (below ?? []).reduce((sum, a) => sum + a.childCount, 0);
  if (!below) return <Skeleton active />;
  if (levelCounts.length === 0) {
    return (
      <Card variant="borderless">
        <Empty description={t('dashboard.noChildren')} />
      </Card>
    );
  }
  return (
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
    </Row>
  );
}

/** Grids, buildings and households under the focus, and how many grids lie outside their household range. */
function HouseholdsCard({ focusId, focus }: DashboardCardProps) {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const report = useBalanceSummary(focusId, true);
  if (report.error) return <Alert type="error" showIcon title={describe(report.error)} />;
  const data = report.data;
  const outside = data?.outside ?? [];
  const showList = focus !== undefined && (focus.level === 'community' || focus.level === 'grid' || focus.level === 'street');
  return (
    <div data-testid="dashboard-households">
      <Row gutter={[16, 16]}>
        <Col xs={12} sm={12} lg={6}>
          <StatCard testId="stat-grids" icon={<ClusterOutlined />} title={t('dashboard.grids')} value={data?.grids} suffix={t('dashboard.unitAreas')} />
        </Col>
        <Col xs={12} sm={12} lg={6}>
          <StatCard testId="stat-buildings" icon={<HomeOutlined />} title={t('dashboard.buildings')} value={data?.buildings} suffix={t('dashboard.unitBuildings')} />
        </Col>
        <Col xs={12} sm={12} lg={6}>
          <StatCard testId="stat-households" icon={<TeamOutlined />} title={t('dashboard.households')} value={data?.households} suffix={t('dashboard.unitHouseholds')} />
        </Col>
        <Col xs={12} sm={12} lg={6}>
          <StatCard testId="stat-outside" icon={<WarningOutlined />} title={t('dashboard.outsideRange')} value={data ? outside.length : undefined} suffix={t('dashboard.unitAreas')} />
        </Col>
      </Row>
      {data && showList && outside.length > 0 ? (
        <Card variant="borderless" size="small" style={{ marginTop: 16 }} title={t('dashboard.outsideList')} data-testid="dashboard-outside">
          <List
            size="small"
            dataSource={[...outside].sort((a, b) => Math.abs(b.households - (b.status === 'over' ? b.max : b.min)) - Math.abs(a.households - (a.status === 'over' ? a.max : a.min)))}
            renderItem={(g) => (
              <List.Item>
                <Link to={`/map?id=${g.id}`}>{g.name}</Link>
                <Space size={4} wrap style={{ justifyContent: 'flex-end' }}>
                  <Typography.Text>{t('dashboard.householdsOf', { count: g.households })}</Typography.Text>
                  <Tag color={g.status === 'over' ? 'volcano' : 'blue'} style={{ marginInlineEnd: 0 }}>
                    {t(`dashboard.${g.status}`)} {g.min}–{g.max}
                  </Tag>
                </Space>
              </List.Item>
            )}
          />
        </Card>
      ) : null}
    </div>
  );
}

/** A community's (or a grid's) own grids with their households: what a grid worker looks after. */
function GridsCard({ focus, below }: DashboardCardProps) {
  const { t } = useTranslation();
  const grids = focus?.level === 'grid' ? [focus] : (below ?? []).filter((a) => a.level === 'grid');
  if (grids.length === 0) return null;
  return (
    <Card variant="borderless" size="small" title={t('dashboard.myGrids', { count: grids.length })} data-testid="dashboard-grids">
      <List
        size="small"
        dataSource={grids}
        renderItem={(g) => (
          <List.Item>
            <Space orientation="vertical" size={0}>
              <Link to={`/map?id=${g.id}`}>{g.name}</Link>
              <Typography.Text type="secondary" className="rg-mono" style={{ fontSize: 12 }}>
                {g.code}
              </Typography.Text>
            </Space>
            <Space size={4} wrap style={{ justifyContent: 'flex-end' }}>
              {g.gridType === 'dedicated' ? <Tag>{t('dashboard.dedicated')}</Tag> : null}
              <Typography.Text>{g.households === null ? t('dashboard.noHouseholds') : t('dashboard.householdsOf', { count: g.households })}</Typography.Text>
            </Space>
          </List.Item>
        )}
      />
    </Card>
  );
}

/** Where a member works: each role's area with the areas above it, by name only. */
function MyPlaceCard({ me }: DashboardCardProps) {
  const { t } = useTranslation();
  if (me.roles.length === 0) {
    return (
      <Card variant="borderless">
        <Empty description={t('dashboard.noArea')} />
      </Card>
    );
  }
  const areaIds = [...new Set(me.roles.map((r) => r.areaId))];
  return (
    <Card variant="borderless" title={t('dashboard.myPlace')} data-testid="dashboard-my-place">
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        {areaIds.map((id) => (
          <PlaceLine key={id} areaId={id} fallback={me.roles.find((r) => r.areaId === id)?.areaName ?? ''} />
        ))}
      </Space>
    </Card>
  );
}

function PlaceLine({ areaId, fallback }: { areaId: number; fallback: string }) {
  const { language } = useLanguage();
  const area = useArea(areaId);
  if (!area.data) return <Typography.Text strong>{fallback}</Typography.Text>;
  const chain = [...area.data.ancestors.filter((a) => a.level !== 'country' && a.level !== 'province'), area.data];
  return (
    <div>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {area.data.name} <Tag style={{ verticalAlign: 'middle' }}>{areaLevelLabel(area.data.level, language)}</Tag>
      </Typography.Title>
      <Typography.Text type="secondary">{chain.map((a) => a.name).join(' / ')}</Typography.Text>
    </div>
  );
}

/** Accounts in the focus area (for those who read accounts). */
function UsersCard({ me, focusId }: DashboardCardProps) {
  const { t } = useTranslation();
  const users = useUsers({ page: 1, pageSize: 1, areaId: focusId }, me.permissions.includes('user.read'));
  return (
    <Row gutter={[16, 16]}>
      <Col xs={12} sm={12} lg={6}>
        <StatCard testId="stat-users" icon={<TeamOutlined />} title={t('dashboard.userCount')} value={users.data?.total} suffix={t('dashboard.unitPeople')} />
      </Col>
    </Row>
  );
}

/** The dashboard's cards in order. */
export const DASHBOARD_CARDS: readonly DashboardCard[] = [
  { key: 'my-place', permission: null, withoutPermission: 'area.report', Component: MyPlaceCard },
  { key: 'cases', permission: 'case.read', Component: CaseDashboardCard },
  { key: 'households', permission: 'area.report', appliesTo: ({ focusId }) => focusId !== undefined, Component: HouseholdsCard },
  { key: 'grids', permission: 'area.report', appliesTo: ({ focus }) => focus?.level === 'community' || focus?.level === 'grid', Component: GridsCard },
  { key: 'subareas', permission: 'area.report', appliesTo: ({ focus }) => focus?.level !== 'community' && focus?.level !== 'grid', Component: SubareasCard },
  { key: 'population', permission: 'basedata.read', Component: PopulationCard },
  { key: 'users', permission: 'user.read', Component: UsersCard },
];

/** The cards a user with these permissions sees (before `appliesTo` looks at the area). */
export function dashboardCardsFor(permissions: readonly Permission[], cards: readonly DashboardCard[] = DASHBOARD_CARDS): DashboardCard[] {
  const granted = new Set(permissions);
  return cards.filter((card) => (card.permission === null || granted.has(card.permission)) && (card.withoutPermission === undefined || !granted.has(card.withoutPermission)));
}
