import {
  ApartmentOutlined,
  ApiOutlined,
  PhoneOutlined,
  BarChartOutlined,
  ClusterOutlined,
  AuditOutlined,
  AlertOutlined,
  FormOutlined,
  BankOutlined,
  CalendarOutlined,
  TagsOutlined,
  CheckSquareOutlined,
  DashboardOutlined,
  DatabaseOutlined,
  EnvironmentOutlined,
  GlobalOutlined,
  HomeOutlined,
  IdcardOutlined,
  MenuOutlined,
  OrderedListOutlined,
  PieChartOutlined,
  ScheduleOutlined,
  SafetyOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { Button, Drawer, Grid, Layout, Menu, Tag } from 'antd';
import { Suspense, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';
import { HeaderAreaPicker } from '../../features/areas/header-area-picker';
import { useMe, useMeta } from '../../features/auth/auth.api';
import { UserMenu } from '../../features/auth/user-menu';
import { NotificationBell } from '../../features/notifications/notification-bell';
import { menuFor, menuKeyForPath, type MenuKey } from '../menu';
import { FullPageSpin } from '../require-auth';
import { LanguageSwitch } from './language-switch';

const ICONS: Record<MenuKey, ReactNode> = {
  dashboard: <DashboardOutlined />,
  cases: <AlertOutlined />,
  caseReport: <FormOutlined />,
  hotline: <PhoneOutlined />,
  caseKpi: <BarChartOutlined />,
  areas: <ApartmentOutlined />,
  map: <GlobalOutlined />,
  people: <IdcardOutlined />,
  households: <HomeOutlined />,
  organisations: <BankOutlined />,
  groupConfig: <TagsOutlined />,
  calendar: <CalendarOutlined />,
  affairs: <OrderedListOutlined />,
  jobs: <ScheduleOutlined />,
  open311: <ApiOutlined />,
  components: <EnvironmentOutlined />,
  visits: <PieChartOutlined />,
  proposals: <CheckSquareOutlined />,
  divisions: <DatabaseOutlined />,
  users: <TeamOutlined />,
  departments: <ClusterOutlined />,
  audit: <AuditOutlined />,
  security: <SafetyOutlined />,
};

export function Brand({ withSlogan = true }: { withSlogan?: boolean }) {
  const { t } = useTranslation();
  return (
    <Link to="/dashboard" className="rg-brand">
      <svg className="rg-brand-star" viewBox="0 0 32 32" aria-hidden>
        <path d="M16 3l3.6 7.4 8.1 1.2-5.9 5.7 1.4 8.1L16 21.6l-7.2 3.8 1.4-8.1-5.9-5.7 8.1-1.2z" fill="#ffd34d" />
      </svg>
      <span className="rg-brand-name">{t('app.name')}</span>
      {withSlogan ? <span className="rg-brand-slogan">{t('app.slogan')}</span> : null}
    </Link>
  );
}

export function DemoTag({ short = false }: { short?: boolean }) {
  const { t } = useTranslation();
  const meta = useMeta();
  if (meta.data?.mode !== 'demo') return null;
  return (
    <Tag color="gold" variant="solid" className="rg-demo-tag" title={t('app.demoTag')}>
      {short ? 'DEMO' : t('app.demoTag')}
    </Tag>
  );
}

/**
 * The desk console: red header with brand, area filter, language and account; a side menu that
 * lists only what the user's permissions open. Below 768 px the menu moves into a drawer and the
 * area filter into its own row.
 */
export function ConsoleLayout() {
  const { t } = useTranslation();
  const me = useMe();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  // Before the first measurement every breakpoint is undefined: assume a desk, the common case.
  const mobile = screens.md === false;
  const [drawerOpen, setDrawerOpen] = useState(false);

  // The area picker steers the grid work (dashboard figures, tree, map); a member or an admin of
  // other duties has nothing it would change.
  const picksAreas = me.permissions.includes('area.report');
  const selectedKey = menuKeyForPath(location.pathname);
  const items = menuFor(me.permissions).map((entry) => ({
    key: entry.key,
    icon: ICONS[entry.key],
    label: <Link to={entry.path}>{t(`nav.${entry.key}`)}</Link>,
  }));
  const menu = (
    <Menu
      mode="inline"
      selectedKeys={selectedKey ? [selectedKey] : []}
      items={items}
      onClick={() => setDrawerOpen(false)}
      className="rg-menu"
    />
  );

  return (
    <Layout className="rg-console">
      <Layout.Header className={mobile ? 'rg-header rg-header-mobile' : 'rg-header'}>
        {mobile ? (
          <Button
            type="text"
            className="rg-header-button"
            icon={<MenuOutlined />}
            onClick={() => setDrawerOpen(true)}
            aria-label={t('nav.menu')}
          />
        ) : null}
        <Brand withSlogan={!mobile} />
        <DemoTag short={mobile} />
        <div className="rg-header-spacer" />
        {mobile || !picksAreas ? null : <HeaderAreaPicker />}
        <NotificationBell className="rg-header-button" />
        <LanguageSwitch compact={mobile} className="rg-header-button" />
        <UserMenu compact={mobile} />
      </Layout.Header>
      {mobile && picksAreas ? (
        <div className="rg-subbar">
          <HeaderAreaPicker block />
        </div>
      ) : null}
      <Layout hasSider={!mobile}>
        {mobile ? null : (
          <Layout.Sider width={208} breakpoint="lg" collapsible className="rg-sider" theme="light">
            {menu}
          </Layout.Sider>
        )}
        <Layout.Content className="rg-content">
          <Suspense fallback={<FullPageSpin />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
      {mobile ? (
        <Drawer
          placement="left"
          open={drawerOpen}
          onClose={() => setDrawerOpen(false)}
          size={240}
          title={t('app.name')}
          styles={{ body: { padding: 0 } }}
        >
          {menu}
        </Drawer>
      ) : null}
    </Layout>
  );
}
