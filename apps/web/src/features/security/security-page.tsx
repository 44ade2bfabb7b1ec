import { EditOutlined, LogoutOutlined, ReloadOutlined, UnlockOutlined } from '@ant-design/icons';
import { securityPolicyInputSchema, type SecurityPolicyInput, type SessionView } from '@redgrid/contracts';
import { Alert, App, Button, Card, Descriptions, Drawer, Empty, Form, Grid, InputNumber, List, Modal, Popconfirm, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { schemaRule } from '../../shared/forms/form-rules';
import { useSubmitError } from '../../shared/forms/use-submit-error';
import { formatDateTime } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { useLoginFailures, useProbing, useRevokeSession, useSecuritySettings, useSessions, useUnlockAccount, useUpdatePolicy } from './security.api';
import { describeUserAgent } from './user-agent';

interface Account {
  id: number;
  username: string;
}

function AgentText({ ua }: { ua: string | null }) {
  const { t } = useTranslation();
  const words = describeUserAgent(ua);
  const text = [words.browser, words.system].filter(Boolean).join(' · ') || t('security.sessions.unknownAgent');
  return <span title={ua ?? undefined}>{text}</span>;
}

/** Refused requests per account, the repeated probers flagged. */
function ProbingCard({ onFailures }: { onFailures: (a: Account) => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const probing = useProbing();
  const data = probing.data;
  const flagged = data?.items.filter((i) => i.probing) ?? [];
  const window = data?.windowMinutes ?? 10;
  return (
    <Card size="small" title={t('security.probing.title')} data-testid="security-probing">
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('security.probing.hint', { window, threshold: data?.threshold ?? 5 })}
      </Typography.Paragraph>
      {flagged.length > 0 ? <Alert type="error" showIcon style={{ marginBottom: 12 }} title={t('security.probing.alert', { count: flagged.length, window })} /> : null}
      <List
        size="small"
        loading={probing.isLoading}
        locale={{ emptyText: t('security.probing.none') }}
        dataSource={data?.items ?? []}
        renderItem={(item) => (
          <List.Item
            actions={[
              <Button key="f" size="small" type="link" onClick={() => onFailures({ id: item.userId, username: item.username })}>
                {t('security.failures.open')}
              </Button>,
            ]}
          >
            <Space wrap size={[8, 4]}>
              <span className="rg-mono">{item.username}</span>
              {item.probing ? <Tag color="red">{t('security.probing.flagged')}</Tag> : null}
              <Typography.Text type={item.probing ? 'danger' : 'secondary'}>
                {t('security.probing.recent', { window })}：{item.recent}
              </Typography.Text>
              <Typography.Text type="secondary">
                {t('security.probing.day')}：{item.day}
              </Typography.Text>
              <Typography.Text type="secondary">
                {t('security.probing.lastAt')}：{formatDateTime(item.lastAt, language)}
              </Typography.Text>
            </Space>
          </List.Item>
        )}
      />
    </Card>
  );
}

function LockedCard({ onFailures }: { onFailures: (a: Account) => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const settings = useSecuritySettings();
  const unlock = useUnlockAccount();
  return (
    <Card size="small" title={t('security.locked.title')} data-testid="security-locked">
      {settings.isError ? <Alert type="error" showIcon title={describe(settings.error)} /> : null}
      <List
        size="small"
        loading={settings.isLoading}
        locale={{ emptyText: t('security.locked.none') }}
        dataSource={settings.data?.lockedAccounts ?? []}
        renderItem={(account) => (
          <List.Item
            actions={[
              <Button key="f" size="small" type="link" onClick={() => onFailures(account)}>
                {t('security.failures.open')}
              </Button>,
              <Popconfirm
                key="u"
                title={t('security.locked.unlockConfirm', { username: account.username })}
                okText={t('common.confirm')}
                cancelText={t('common.cancel')}
                onConfirm={() =>
                  unlock.mutateAsync(account.id).then(
                    () => void message.success(t('security.locked.unlocked', { username: account.username })),
                    (err: unknown) => void message.error(describe(err)),
                  )
                }
              >
                <Button size="small" icon={<UnlockOutlined />} loading={unlock.isPending && unlock.variables === account.id}>
                  {t('security.locked.unlock')}
                </Button>
              </Popconfirm>,
            ]}
          >
            <Space wrap size={[8, 4]}>
              <span className="rg-mono">{account.username}</span>
              <Typography.Text type="secondary">
                {t('security.locked.until')} {formatDateTime(account.lockedUntil, language)}
              </Typography.Text>
            </Space>
          </List.Item>
        )}
      />
    </Card>
  );
}

function SessionsCard({ mobile, onFailures }: { mobile: boolean; onFailures: (a: Account) => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const sessions = useSessions(page, pageSize);
  const revoke = useRevokeSession();

  const signOut = (s: SessionView) => (
    <Popconfirm
      title={t('security.sessions.signOutConfirm', { username: s.username })}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      onConfirm={() =>
        revoke.mutateAsync(s.id).then(
          () => void message.success(t('security.sessions.signedOut', { username: s.username })),
          (err: unknown) => void message.error(describe(err)),
        )
      }
    >
      <Button size="small" danger icon={<LogoutOutlined />} disabled={s.current} loading={revoke.isPending && revoke.variables === s.id}>
        {t('security.sessions.signOut')}
      </Button>
    </Popconfirm>
  );
  const who = (s: SessionView) => (
    <Space size={4} wrap>
      <span>{s.displayName}</span>
      <Typography.Text type="secondary" className="rg-mono">
        @{s.username}
      </Typography.Text>
      {s.current ? <Tag color="blue">{t('security.sessions.current')}</Tag> : null}
    </Space>
  );

  const columns: TableColumnsType<SessionView> = [
    { title: t('security.sessions.who'), key: 'who', render: (_, s) => who(s) },
    {
      title: t('security.sessions.from'),
      key: 'from',
      render: (_, s) => (
        <Space orientation="vertical" size={0}>
          <span className="rg-mono">{s.ip ?? '—'}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            <AgentText ua={s.userAgent} />
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('security.sessions.since'), dataIndex: 'createdAt', width: 150, render: (v: string) => formatDateTime(v, language) },
    { title: t('security.sessions.lastSeen'), dataIndex: 'lastSeenAt', width: 150, render: (v: string) => formatDateTime(v, language) },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 220,
      render: (_, s) => (
        <Space size={4}>
          {signOut(s)}
          <Button size="small" type="link" onClick={() => onFailures({ id: s.userId, username: s.username })}>
            {t('security.failures.open')}
          </Button>
        </Space>
      ),
    },
  ];

  const pagination = {
    current: page,
    pageSize,
    total: sessions.data?.total ?? 0,
    simple: mobile,
    showTotal: (n: number) => t('common.total', { total: n }),
    onChange: (p: number, size: number) => {
      setPage(p);
      setPageSize(size);
    },
  };

  return (
    <Card size="small" title={t('security.sessions.title')} data-testid="security-sessions" extra={<Button size="small" icon={<ReloadOutlined />} onClick={() => void sessions.refetch()} aria-label={t('common.refresh')} />}>
      {sessions.isError ? <Alert type="error" showIcon title={describe(sessions.error)} /> : null}
      {mobile ? (
        <List
          size="small"
          loading={sessions.isFetching}
          locale={{ emptyText: t('security.sessions.none') }}
          dataSource={sessions.data?.items ?? []}
          pagination={pagination}
          renderItem={(s) => (
            <List.Item className="rg-session-item">
              <Space orientation="vertical" size={2} style={{ width: '100%' }}>
                {who(s)}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  <span className="rg-mono">{s.ip ?? '—'}</span> · <AgentText ua={s.userAgent} />
                </Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('security.sessions.since')} {formatDateTime(s.createdAt, language)} · {t('security.sessions.lastSeen')} {formatDateTime(s.lastSeenAt, language)}
                </Typography.Text>
                <Space size={4}>
                  {signOut(s)}
                  <Button size="small" type="link" onClick={() => onFailures({ id: s.userId, username: s.username })}>
                    {t('security.failures.open')}
                  </Button>
                </Space>
              </Space>
            </List.Item>
          )}
        />
      ) : (
        <Table<SessionView> rowKey="id" size="small" columns={columns} dataSource={sessions.data?.items ?? []} loading={sessions.isFetching} pagination={pagination} locale={{ emptyText: <Empty description={t('security.sessions.none')} /> }} />
      )}
    </Card>
  );
}

const POLICY = securityPolicyInputSchema.shape;
const POLICY_FIELDS = ['passwordPolicy', 'lockout'] as const;

/** The policy form: the contract's bounds checked as the user types, the server's answer under the fields. */
function PolicyModal({ open, initial, onClose }: { open: boolean; initial: SecurityPolicyInput | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<SecurityPolicyInput>();
  const update = useUpdatePolicy();
  const onError = useSubmitError(form, POLICY_FIELDS);
  const number = (name: [string, string], label: string, rule: Parameters<typeof schemaRule>[0], addon: string) => (
    <Form.Item name={name} label={label} rules={[{ required: true, message: t('security.policy.required') }, schemaRule(rule)]}>
      <InputNumber<number> precision={0} style={{ width: '100%' }} suffix={addon} />
    </Form.Item>
  );
  return (
    <Modal
      open={open}
      title={t('security.policy.edit')}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={update.isPending}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<SecurityPolicyInput>
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={(values) =>
          update.mutateAsync(values).then(() => {
            void message.success(t('security.policy.saved'));
            onClose();
          }, onError)
        }
      >
        {number(['passwordPolicy', 'minLength'], t('security.policy.minLength'), POLICY.passwordPolicy.shape.minLength, t('security.policy.charsUnit'))}
        {number(['passwordPolicy', 'minClasses'], t('security.policy.minClasses'), POLICY.passwordPolicy.shape.minClasses, t('security.policy.classesUnit'))}
        {number(['lockout', 'attempts'], t('security.policy.attempts'), POLICY.lockout.shape.attempts, t('security.policy.attemptsUnit'))}
        {number(['lockout', 'minutes'], t('security.policy.lockMinutes'), POLICY.lockout.shape.minutes, t('security.policy.minutesUnit'))}
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 0 }}>
          {t('security.policy.editNote')}
        </Typography.Paragraph>
      </Form>
    </Modal>
  );
}

function PolicyCard() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const settings = useSecuritySettings();
  const [editing, setEditing] = useState(false);
  const s = settings.data;
  return (
    <Card
      size="small"
      title={t('security.policy.title')}
      data-testid="security-policy"
      extra={
        <Button size="small" icon={<EditOutlined />} disabled={!s} onClick={() => setEditing(true)}>
          {t('security.policy.edit')}
        </Button>
      }
    >
      {s ? (
        <Descriptions size="small" column={1} bordered>
          <Descriptions.Item label={t('security.policy.minLength')}>{t('security.policy.chars', { n: s.passwordPolicy.minLength })}</Descriptions.Item>
          <Descriptions.Item label={t('security.policy.minClasses')}>{t('security.policy.classes', { n: s.passwordPolicy.minClasses })}</Descriptions.Item>
          <Descriptions.Item label={t('security.policy.lockout')}>{t('security.policy.lockoutValue', s.lockout)}</Descriptions.Item>
          <Descriptions.Item label={t('security.policy.idle')}>{t('security.policy.minutes', { n: s.idleTimeoutMinutes })}</Descriptions.Item>
          <Descriptions.Item label={t('security.policy.maxSession')}>{t('security.policy.hours', { n: s.sessionMaxHours })}</Descriptions.Item>
          <Descriptions.Item label={t('security.policy.auditHash')}>{s.auditHash === 'sm3' ? 'HMAC-SM3' : 'HMAC-SHA256'}</Descriptions.Item>
        </Descriptions>
      ) : null}
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8, marginBottom: 0 }}>
        {s?.policySetAt ? t('security.policy.setAt', { at: formatDateTime(s.policySetAt, language) }) : t('security.policy.note')}
      </Typography.Paragraph>
      <PolicyModal open={editing} initial={s ? { passwordPolicy: s.passwordPolicy, lockout: s.lockout } : undefined} onClose={() => setEditing(false)} />
    </Card>
  );
}

function FailuresDrawer({ account, onClose, mobile }: { account: Account | null; onClose: () => void; mobile: boolean }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const describe = useDescribeError();
  const trail = useLoginFailures(account?.id ?? null);
  return (
    <Drawer open={account !== null} onClose={onClose} title={account ? t('security.failures.title', { username: account.username }) : ''} size={mobile ? '100%' : 480} destroyOnHidden>
      {trail.isError ? <Alert type="error" showIcon title={describe(trail.error)} /> : null}
      <List
        size="small"
        loading={trail.isLoading}
        locale={{ emptyText: t('security.failures.none') }}
        dataSource={trail.data?.items ?? []}
        renderItem={(f) => (
          <List.Item>
            <Space orientation="vertical" size={0}>
              <span>{formatDateTime(f.at, language, true)}</span>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('security.failures.ip')} <span className="rg-mono">{f.ip ?? '—'}</span>
              </Typography.Text>
            </Space>
            {f.locked ? <Tag color="magenta">{t('security.failures.locked')}</Tag> : f.failedAttempts ? <Tag color="volcano">{t('security.failures.attempt', { n: f.failedAttempts })}</Tag> : null}
          </List.Item>
        )}
      />
    </Drawer>
  );
}

/** The security admin's desk (三权分立): probing, locked accounts, sessions, the policy in force. */
export function SecurityPage() {
  const { t } = useTranslation();
  const mobile = Grid.useBreakpoint().md === false;
  const [failuresOf, setFailuresOf] = useState<Account | null>(null);
  return (
    <div data-testid="security-page">
      <div className="rg-page-title">
        <Typography.Title level={3}>{t('security.title')}</Typography.Title>
      </div>
      <Typography.Paragraph type="secondary">{t('security.intro')}</Typography.Paragraph>
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <ProbingCard onFailures={setFailuresOf} />
        <LockedCard onFailures={setFailuresOf} />
        <SessionsCard mobile={mobile} onFailures={setFailuresOf} />
        <PolicyCard />
      </Space>
      <FailuresDrawer account={failuresOf} onClose={() => setFailuresOf(null)} mobile={mobile} />
    </div>
  );
}
