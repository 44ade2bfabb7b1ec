-- Notifications are kept for a while, then purged by the retention job (notification.purge): the
-- job walks them oldest first, so it needs the creation time in an index.
CREATE INDEX notifications_created_idx ON notifications (created_at, id);
