import { KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { App, Avatar, Dropdown, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { useLogout, useMe } from './auth.api';

/** Name and roles in the header, with the account actions behind them. */
export function UserMenu({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const logout = useLogout();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const roleNames = [...new Set(me.roles.map((r) => t(`roles.${r.role}`)))];

  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: [
          {
            key: 'who',
            type: 'group',
            label: (
              <div className="rg-user-card">
                <Typography.Text strong>{me.displayName}</Typography.Text>
                <Typography.Text type="secondary"> @{me.username}</Typography.Text>
                <div className="rg-user-card-roles">
                  {me.roles.map((r) => (
                    <Tag key={`${r.role}-${r.areaId}`} color="red" variant="outlined">
                      {t(`roles.${r.role}`)} · {r.areaName}
                    </Tag>
                  ))}
                </div>
              </div>
            ),
          },
          { type: 'divider' },
          { key: 'password', icon: <KeyOutlined />, label: t('nav.changePassword') },
          { key: 'logout', icon: <LogoutOutlined />, label: t('nav.logout'), danger: true },
        ],
        onClick: ({ key }) => {
          if (key === 'password') void navigate('/change-password');
          if (key === 'logout') {
            logout.mutate(undefined, {
              onError: (error) => void message.error(describe(error)),
              onSettled: () => void navigate('/login?reason=logged_out', { replace: true }),
            });
          }
        },
      }}
    >
      <button type="button" className="rg-user-button" aria-label={me.displayName}>
        <Avatar size="small" icon={<UserOutlined />} className="rg-user-avatar" />
        {compact ? null : (
          <Space size={4} className="rg-user-text">
            <span className="rg-user-name">{me.displayName}</span>
            {roleNames.length > 0 ? (
              <span className="rg-user-roles">
                {roleNames.slice(0, 2).join('、')}
                {roleNames.length > 2 ? ` +${roleNames.length - 2}` : ''}
              </span>
            ) : null}
          </Space>
        )}
      </button>
    </Dropdown>
  );
}
