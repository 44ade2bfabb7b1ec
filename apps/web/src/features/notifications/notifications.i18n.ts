/** 消息 (notifications.*): the bell in the console header and its list; the Chinese strings, the source of the keys. */
export const notificationsZhCN = {
  bell: '消息',
  bellUnread: '消息（{{count}} 条未读）',
  title: '我的消息',
  markAllRead: '全部已读',
  allRead: '已全部标记为已读',
  unreadOnly: '只看未读',
  empty: '暂无消息',
  emptyUnread: '没有未读消息',
  loadMore: '加载更多',
  unread: '未读',
};

export const notificationsEnUS: typeof notificationsZhCN = {
  bell: 'Notifications',
  bellUnread: 'Notifications ({{count}} unread)',
  title: 'My notifications',
  markAllRead: 'Mark all read',
  allRead: 'All marked as read',
  unreadOnly: 'Unread only',
  empty: 'No notifications',
  emptyUnread: 'No unread notifications',
  loadMore: 'Load more',
  unread: 'Unread',
};
