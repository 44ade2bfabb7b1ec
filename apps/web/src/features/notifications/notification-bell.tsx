import { BellOutlined } from '@ant-design/icons';
import type { NotificationView } from '@redgrid/contracts';
import { App, Badge, Button, Drawer, Empty, Grid, List, Space, Spin, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { formatDateTime } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { useMarkAllRead, useMarkRead, useNotifications, useUnreadCount } from './notifications.api';

/**
 * The bell in the console header: the unread count (polled once a minute while the tab is visible,
 * and on focus), a drawer with the caller's notifications; a click marks one read and opens its link.
 */
export function NotificationBell({ className }: { className?: string }) {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const mobile = screens.md === false;
  const [open, setOpen] = useState(false);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const unread = useUnreadCount().data?.unread ?? 0;
  const list = useNotifications(unreadOnly, open);
  const markRead = useMarkRead();
  const markAll = useMarkAllRead();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  const openItem = async (item: NotificationView) => {
    try {
      if (!item.readAt) await markRead.mutateAsync(item.id);
    } catch (err) {
      void message.error(describe(err));
    }
    if (item.link) {
      setOpen(false);
      void navigate(item.link);
    }
  };

  return (
    <>
      <Badge count={unread} size="small" overflowCount={99} offset={[-6, 6]}>
        <Button
          type="text"
          className={className}
          icon={<BellOutlined />}
          onClick={() => setOpen(true)}
          aria-label={unread > 0 ? t('notifications.bellUnread', { count: unread }) : t('notifications.bell')}
        />
      </Badge>
      <Drawer
        placement="right"
        open={open}
        onClose={() => setOpen(false)}
        size={mobile ? '100%' : 400}
        title={t('notifications.title')}
        extra={
          <Button
            size="small"
            disabled={unread === 0}
            loading={markAll.isPending}
            onClick={() => markAll.mutate(undefined, { onSuccess: () => void message.success(t('notifications.allRead')), onError: (err) => void message.error(describe(err)) })}
          >
            {t('notifications.markAllRead')}
          </Button>
        }
        styles={{ body: { padding: 0 } }}
      >
        <div style={{ padding: '10px 16px', borderBottom: '1px solid #f0f0f0' }}>
          <Space>
            <Switch size="small" checked={unreadOnly} onChange={setUnreadOnly} aria-label={t('notifications.unreadOnly')} />
            <Typography.Text>{t('notifications.unreadOnly')}</Typography.Text>
          </Space>
        </div>
        {list.isPending && open ? (
          <div style={{ padding: 48, textAlign: 'center' }}>
            <Spin />
          </div>
        ) : items.length === 0 ? (
          <Empty style={{ padding: 48 }} description={unreadOnly ? t('notifications.emptyUnread') : t('notifications.empty')} />
        ) : (
          <List
            dataSource={items}
            rowKey="id"
            renderItem={(item) => <NotificationRow item={item} onOpen={() => void openItem(item)} />}
            loadMore={
              list.hasNextPage ? (
                <div style={{ padding: 12, textAlign: 'center' }}>
                  <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
                    {t('notifications.loadMore')}
                  </Button>
                </div>
              ) : null
            }
          />
        )}
      </Drawer>
    </>
  );
}

const DOT = { display: 'inline-block', width: 8, height: 8, borderRadius: 4, marginTop: 8 } as const;

function NotificationRow({ item, onOpen }: { item: NotificationView; onOpen: () => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  return (
    <List.Item onClick={onOpen} style={{ cursor: 'pointer', padding: '12px 16px', background: item.readAt ? undefined : '#fff7f5' }}>
      <List.Item.Meta
        avatar={<span style={{ ...DOT, background: item.readAt ? 'transparent' : '#cf1322' }} aria-label={item.readAt ? undefined : t('notifications.unread')} />}
        title={<Typography.Text strong={!item.readAt}>{item.title}</Typography.Text>}
        description={
          <>
            {item.body ? <div>{item.body}</div> : null}
            <Typography.Text type="secondary">{formatDateTime(item.createdAt, language)}</Typography.Text>
          </>
        }
      />
    </List.Item>
  );
}
