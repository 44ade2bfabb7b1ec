import { EditOutlined, EyeOutlined, KeyOutlined, MoreOutlined, StopOutlined, CheckCircleOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import type { UserView } from '@redgrid/contracts';
import { App, Button, Dropdown, Space, Typography, type MenuProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { useRevealPhone, useUpdateUser } from './users.api';

export interface UserDialogs {
  edit: (user: UserView) => void;
  editRoles: (user: UserView) => void;
  resetPassword: (user: UserView) => void;
}

/** Enable/disable and reveal-phone: confirmations in a modal, results as toasts. */
export function useUserCommands() {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const describe = useDescribeError();
  const update = useUpdateUser();
  const reveal = useRevealPhone();

  const toggleDisabled = (user: UserView) => {
    const disabling = !user.disabled;
    void modal.confirm({
      title: disabling ? t('users.disable') : t('users.enable'),
      content: disabling ? t('users.confirmDisable', { name: user.displayName }) : t('users.confirmEnable', { name: user.displayName }),
      okButtonProps: { danger: disabling },
      onOk: () =>
        update
          .mutateAsync({ id: user.id, patch: { disabled: disabling } })
          .then(() => void message.success(disabling ? t('users.disabledOk') : t('users.enabledOk')))
          .catch((error: unknown) => void message.error(describe(error))),
    });
  };

  const revealPhone = (user: UserView) => {
    void modal.confirm({
      title: t('users.revealConfirmTitle'),
      content: t('users.revealConfirm'),
      icon: <SafetyCertificateOutlined style={{ color: '#faad14' }} />,
      onOk: () =>
        reveal
          .mutateAsync(user.id)
          .then(({ phone }) => {
            void modal.info({
              title: `${t('users.revealPhone')} · ${user.displayName}`,
              content: phone ? (
                <Typography.Text copyable strong data-testid="revealed-phone">
                  {phone}
                </Typography.Text>
              ) : (
                t('users.noPhone')
              ),
            });
          })
          .catch((error: unknown) => void message.error(describe(error))),
    });
  };

  return { toggleDisabled, revealPhone };
}

/** The buttons a row offers, exactly those the server's `abilities` allow. */
export function UserRowActions({
  user,
  dialogs,
  commands,
  wrap = true,
}: {
  user: UserView;
  dialogs: UserDialogs;
  commands: ReturnType<typeof useUserCommands>;
  wrap?: boolean;
}) {
  const { t } = useTranslation();
  const { abilities } = user;
  const more: MenuProps['items'] = [
    abilities.resetPassword ? { key: 'reset', icon: <KeyOutlined />, label: t('users.resetPassword') } : null,
    abilities.revealPhone && user.phoneMasked ? { key: 'reveal', icon: <EyeOutlined />, label: t('users.revealPhone') } : null,
    abilities.update
      ? user.disabled
        ? { key: 'toggle', icon: <CheckCircleOutlined />, label: t('users.enable') }
        : { key: 'toggle', icon: <StopOutlined />, label: t('users.disable'), danger: true }
      : null,
  ].filter((item) => item !== null);

  return (
    <Space size={0} wrap={wrap}>
      {abilities.update ? (
        <Button type="link" size="small" icon={<EditOutlined />} onClick={() => dialogs.edit(user)}>
          {t('common.edit')}
        </Button>
      ) : null}
      {abilities.assignRoles ? (
        <Button type="link" size="small" onClick={() => dialogs.editRoles(user)}>
          {t('users.editRoles')}
        </Button>
      ) : null}
      {more.length > 0 ? (
        <Dropdown
          trigger={['click']}
          menu={{
            items: more,
            onClick: ({ key }) => {
              if (key === 'reset') dialogs.resetPassword(user);
              if (key === 'reveal') commands.revealPhone(user);
              if (key === 'toggle') commands.toggleDisabled(user);
            },
          }}
        >
          <Button type="link" size="small" icon={<MoreOutlined />} aria-label={t('common.more')} />
        </Dropdown>
      ) : null}
    </Space>
  );
}
