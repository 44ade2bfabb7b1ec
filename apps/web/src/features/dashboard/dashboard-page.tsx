import { EnvironmentOutlined } from '@ant-design/icons';
import type { AreaDetail, AreaView } from '@redgrid/contracts';
import { Alert, Breadcrumb, Card, Skeleton, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { areaLevelLabel, greetingPart } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { useArea, useAreaChildren, useAreaRoots } from '../areas/areas.api';
import { useSelectedArea } from '../areas/selected-area';
import { useMe } from '../auth/auth.api';
import { dashboardCardsFor, type DashboardCardProps } from './dashboard-cards';

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
  const reports = me.permissions.includes('area.report');
  const error = reports ? (roots.error ?? children.error ?? focus.error) : null;
  const cardProps: DashboardCardProps = { me, focusId, focus: focus.data, below };
  const cards = dashboardCardsFor(me.permissions).filter((card) => card.appliesTo?.(cardProps) ?? true);

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

      {reports ? (
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
      ) : null}

      {error ? <Alert type="error" showIcon title={describe(error)} style={{ marginBottom: 16 }} /> : null}

      {reports && (roots.isPending || (focusId !== undefined && (children.isPending || focus.isPending))) ? (
        <Skeleton active />
      ) : (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          {cards.map(({ key, Component }) => (
            <section key={key} data-testid={`card-${key}`}>
              <Component {...cardProps} />
            </section>
          ))}
        </Space>
      )}
    </div>
  );
}
