import { EyeOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { ROLES, type Role, type RoleAssignmentView, type UserView } from '@redgrid/contracts';
import { Alert, Button, Card, Empty, Grid, Input, Pagination, Select, Space, Spin, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { formatDateTime } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { useArea } from '../areas/areas.api';
import { useSelectedArea } from '../areas/selected-area';
import { useMe } from '../auth/auth.api';
import { STATUS_COLOR, userStatus } from './user-status';
import { CreateUserDrawer, EditRolesModal, EditUserDrawer, ResetPasswordModal } from './user-dialogs';
import { UserRowActions, useUserCommands, type UserDialogs } from './user-actions';
import { useUsers } from './users.api';

const PAGE_SIZES = [10, 20, 50, 100];

function isRole(value: string | null): value is Role {
  return value !== null && (ROLES as readonly string[]).includes(value);
}

function positiveInt(value: string | null, fallback: number): number {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

function hasAnyAbility(user: UserView): boolean {
  return Object.values(user.abilities).some(Boolean);
}

function RoleTags({ roles }: { roles: readonly RoleAssignmentView[] }) {
  const { t } = useTranslation();
  if (roles.length === 0) return <Typography.Text type="secondary">{t('common.none')}</Typography.Text>;
  return (
    <Space size={[4, 4]} wrap>
      {roles.map((r) => (
        <Tooltip key={`${r.role}-${r.areaId}`} title={`${r.areaName}（${r.areaCode}）`}>
          <Tag color={r.role.endsWith('_admin') ? 'red' : 'volcano'} variant="outlined" style={{ marginInlineEnd: 0, whiteSpace: 'normal' }}>
            {t(`roles.${r.role}`)} · {r.departmentName ?? r.areaName}
          </Tag>
        </Tooltip>
      ))}
    </Space>
  );
}

function StatusTag({ user }: { user: UserView }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const status = userStatus(user, new Date());
  const label = { active: t('users.statusActive'), disabled: t('users.statusDisabled'), locked: t('users.statusLocked') }[status];
  const tag = <Tag color={STATUS_COLOR[status]}>{label}</Tag>;
  return status === 'locked' ? <Tooltip title={t('users.lockedUntil', { until: formatDateTime(user.lockedUntil, language) })}>{tag}</Tooltip> : tag;
}

function PhoneCell({ user, onReveal }: { user: UserView; onReveal: (user: UserView) => void }) {
  const { t } = useTranslation();
  if (!user.phoneMasked) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space size={2}>
      <span className="rg-mono">{user.phoneMasked}</span>
      {user.abilities.revealPhone ? (
        <Tooltip title={t('users.revealPhone')}>
          <Button type="text" size="small" icon={<EyeOutlined />} onClick={() => onReveal(user)} aria-label={t('users.revealPhone')} />
        </Tooltip>
      ) : null}
    </Space>
  );
}

/** Users in the signed-in user's scope, narrowed by the header's area, a search and a role. */
export function UsersPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const me = useMe();
  const describe = useDescribeError();
  const mobile = Grid.useBreakpoint().md === false;
  const { areaId, setAreaId } = useSelectedArea();
  const area = useArea(areaId);
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const roleParam = params.get('role');
  const role = isRole(roleParam) ? roleParam : undefined;
  const page = positiveInt(params.get('page'), 1);
  const pageSize = positiveInt(params.get('pageSize'), 20);
  const [searchText, setSearchText] = useState(q);

  // A new area in the header starts the list from its first page.
  const previousArea = useRef(areaId);
  useEffect(() => {
    if (previousArea.current === areaId) return;
    previousArea.current = areaId;
    if (params.has('page')) {
      const next = new URLSearchParams(params);
      next.delete('page');
      setParams(next, { replace: true });
    }
  }, [areaId, params, setParams]);

  const users = useUsers({ page, pageSize, q: q || undefined, role, areaId });
  const commands = useUserCommands();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<UserView | null>(null);
  const [rolesOf, setRolesOf] = useState<UserView | null>(null);
  const [resetting, setResetting] = useState<UserView | null>(null);
  const dialogs: UserDialogs = { edit: setEditing, editRoles: setRolesOf, resetPassword: setResetting };
  const canCreate = me.permissions.includes('user.manage');

  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || value === '') next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { replace: true });
  };

  const columns: TableColumnsType<UserView> = [
    { title: t('users.username'), dataIndex: 'username', width: 120, render: (v: string) => <span className="rg-mono">{v}</span> },
    { title: t('users.displayName'), dataIndex: 'displayName', width: 100 },
    { title: t('users.phone'), key: 'phone', width: 140, render: (_, user) => <PhoneCell user={user} onReveal={commands.revealPhone} /> },
    { title: t('users.homeArea'), dataIndex: 'homeAreaName', width: 150, ellipsis: true },
    { title: t('users.roles'), key: 'roles', render: (_, user) => <RoleTags roles={user.roles} /> },
    { title: t('users.status'), key: 'status', width: 80, render: (_, user) => <StatusTag user={user} /> },
    {
      title: t('users.lastLogin'),
      dataIndex: 'lastLoginAt',
      width: 140,
      render: (v: string | null) => (v ? formatDateTime(v, language) : <Typography.Text type="secondary">{t('users.neverLoggedIn')}</Typography.Text>),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: language === 'zh-CN' ? 180 : 230,
      fixed: 'right',
      render: (_, user) => <UserRowActions user={user} dialogs={dialogs} commands={commands} wrap={false} />,
    },
  ];

  const total = users.data?.total ?? 0;
  const pagination = {
    current: page,
    pageSize,
    total,
    showSizeChanger: !mobile,
    pageSizeOptions: PAGE_SIZES,
    showTotal: (n: number) => t('common.total', { total: n }),
    onChange: (p: number, size: number) => update({ page: String(p), pageSize: String(size) }),
    simple: mobile,
  };

  return (
    <div data-testid="users-page">
      <div className="rg-page-title">
        <Typography.Title level={3}>{t('users.title')}</Typography.Title>
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => void users.refetch()} aria-label={t('common.refresh')} />
          {canCreate ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('users.create')}
            </Button>
          ) : null}
        </Space>
      </div>

      <div className="rg-toolbar">
        <Input.Search
          allowClear
          placeholder={t('users.searchPlaceholder')}
          value={searchText}
          onChange={(e) => setSearchText(e.target.value)}
          onSearch={(value) => update({ q: value.trim(), page: undefined })}
          style={{ width: 260 }}
          maxLength={50}
        />
        <Select<Role>
          allowClear
          placeholder={t('users.roleFilter')}
          value={role}
          onChange={(value) => update({ role: value, page: undefined })}
          options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
          style={{ width: 180 }}
        />
        {areaId !== undefined ? (
          <Tag closable onClose={() => setAreaId(undefined)} color="red" style={{ alignSelf: 'center', marginInlineEnd: 0 }}>
            {t('users.areaFilterTag', { name: area.data?.name ?? `#${areaId}` })}
          </Tag>
        ) : null}
      </div>

      {users.isError ? <Alert type="error" showIcon title={describe(users.error)} style={{ marginBottom: 16 }} /> : null}

      {mobile ? (
        <Spin spinning={users.isFetching}>
          {users.data && users.data.items.length === 0 ? <Empty description={t('users.emptyList')} /> : null}
          {(users.data?.items ?? []).map((user) => (
            <Card
              key={user.id}
              size="small"
              className="rg-user-item"
              title={
                <Space size={6}>
                  <span>{user.displayName}</span>
                  <Typography.Text type="secondary" className="rg-mono">
                    @{user.username}
                  </Typography.Text>
                </Space>
              }
              extra={<StatusTag user={user} />}
              actions={hasAnyAbility(user) ? [<UserRowActions key="a" user={user} dialogs={dialogs} commands={commands} />] : undefined}
            >
              <Space orientation="vertical" size={4} style={{ width: '100%' }}>
                <div>
                  <Typography.Text type="secondary">{t('users.phone')}：</Typography.Text>
                  <PhoneCell user={user} onReveal={commands.revealPhone} />
                </div>
                <div>
                  <Typography.Text type="secondary">{t('users.homeArea')}：</Typography.Text>
                  {user.homeAreaName}
                </div>
                <RoleTags roles={user.roles} />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('users.lastLogin')}：{user.lastLoginAt ? formatDateTime(user.lastLoginAt, language) : t('users.neverLoggedIn')}
                </Typography.Text>
              </Space>
            </Card>
          ))}
          {total > 0 ? <Pagination {...pagination} align="center" /> : null}
        </Spin>
      ) : (
        <Table<UserView>
          rowKey="id"
          columns={columns}
          dataSource={users.data?.items ?? []}
          loading={users.isFetching}
          pagination={pagination}
          scroll={{ x: language === 'zh-CN' ? 1100 : 1150 }}
          size="middle"
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('users.emptyList')} /> }}
        />
      )}

      <CreateUserDrawer open={creating} onClose={() => setCreating(false)} defaultAreaId={areaId} mobile={mobile} />
      <EditUserDrawer user={editing} onClose={() => setEditing(null)} mobile={mobile} />
      <EditRolesModal user={rolesOf} onClose={() => setRolesOf(null)} />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />
    </div>
  );
}
