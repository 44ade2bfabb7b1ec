import { ArrowLeftOutlined, EnvironmentOutlined, FormOutlined, HomeOutlined } from '@ant-design/icons';
import type { PersonSummary, VisitView } from '@redgrid/contracts';
import { Button, Card, Col, Descriptions, Empty, Grid, List, Result, Row, Skeleton, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../shared/api/api-error';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { formatDistance } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { useMe } from '../auth/auth.api';
import { useHousehold, useHouseholdVisits } from './basedata.api';
import { Muted, placeText, ProvenanceTag } from './basedata-ui';
import { positiveId } from './query-params';

function VisitItem({ visit }: { visit: VisitView }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const where =
    visit.locationCheck === 'outside' && visit.distanceM !== null
      ? t('basedata.visit.outsideGrid', { distance: formatDistance(visit.distanceM, language) })
      : t(`basedata.locationCheck.${visit.locationCheck}`);
  return (
    <List.Item>
      <div style={{ width: '100%' }}>
        <Space wrap size={6}>
          <strong>{visit.visitedOn}</strong>
          <Tag color="red">{t(`basedata.visitKind.${visit.kind}`)}</Tag>
          <Muted>{visit.workerName}</Muted>
          <Tag icon={<EnvironmentOutlined />} color={visit.locationCheck === 'inside' ? 'green' : visit.locationCheck === 'outside' ? 'orange' : 'default'}>
            {where}
          </Tag>
        </Space>
        {visit.findings ? <div style={{ marginTop: 4 }}>{visit.findings}</div> : null}
        {visit.followUp ? (
          <Typography.Text type="secondary">
            {t('basedata.visit.followUp')}：{visit.followUp}
          </Typography.Text>
        ) : null}
      </div>
    </List.Item>
  );
}

/** 户: the address, its head and members (relation, masked ID), its visits and a "走访" button. */
export function HouseholdPage() {
  const { t } = useTranslation();
  const me = useMe();
  const describe = useDescribeError();
  const navigate = useNavigate();
  const mobile = Grid.useBreakpoint().md === false;
  const id = positiveId(useParams().id ?? null) ?? 0;
  const household = useHousehold(id);
  const visits = useHouseholdVisits(id);

  if (household.isLoading) return <Skeleton active />;
  if (household.isError || !household.data) {
    const notFound = isApiError(household.error) && (household.error.status === 404 || household.error.status === 400);
    return <Result status={notFound ? '404' : 'error'} title={notFound ? t('basedata.households.notFound') : describe(household.error)} extra={<Link to="/households">{t('basedata.households.title')}</Link>} />;
  }
  const h = household.data;
  const canVisit = me.permissions.includes('basedata.manage');

  const columns: TableColumnsType<PersonSummary> = [
    { title: t('basedata.person.name'), dataIndex: 'name', render: (v: string, p) => <Link to={`/people/${p.id}`}>{v}</Link> },
    { title: t('basedata.person.relationToHead'), dataIndex: 'relationToHead', render: (v: string | null) => (v ? t(`basedata.relation.${v}` as 'basedata.relation.head', { defaultValue: v }) : <Muted>—</Muted>) },
    { title: t('basedata.person.idNumber'), dataIndex: 'idMasked', render: (v: string | null) => (v ? <span className="rg-mono">{v}</span> : <Muted>—</Muted>) },
    { title: t('basedata.person.age'), dataIndex: 'age', render: (v: number | null) => v ?? <Muted>—</Muted> },
    { title: t('basedata.people.residenceStatus'), dataIndex: 'residenceStatus', render: (v: PersonSummary['residenceStatus']) => t(`basedata.residenceStatus.${v}`) },
  ];

  return (
    <div data-testid="household-page">
      <div className="rg-page-title">
        <Space wrap>
          <Link to="/households" aria-label={t('basedata.households.title')}>
            <ArrowLeftOutlined />
          </Link>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {h.headName ?? h.householdNo ?? `#${h.id}`}
          </Typography.Title>
          <ProvenanceTag provenance={h.provenance} />
        </Space>
        <Space wrap>
          {h.houseId ? (
            <Link to={`/houses/${h.houseId}`}>
              <Button icon={<HomeOutlined />}>{t('basedata.households.house')}</Button>
            </Link>
          ) : null}
          {canVisit ? (
            <Button type="primary" size={mobile ? 'large' : 'middle'} icon={<FormOutlined />} onClick={() => void navigate(`/visits/new?householdId=${h.id}`)}>
              {t('basedata.households.visit')}
            </Button>
          ) : null}
        </Space>
      </div>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Card size="small">
              <Descriptions
                size="small"
                column={{ xs: 1, sm: 2 }}
                items={[
                  { key: 'address', label: t('basedata.households.address'), span: 'filled', children: h.address ?? <Muted>—</Muted> },
                  { key: 'place', label: t('basedata.person.place'), span: 'filled', children: placeText(h.place) },
                  { key: 'head', label: t('basedata.households.headName'), children: h.headName ?? <Muted>—</Muted> },
                  { key: 'no', label: t('basedata.households.householdNo'), children: h.householdNo ?? <Muted>—</Muted> },
                  { key: 'kind', label: t('basedata.households.kind'), children: t(`basedata.householdKind.${h.kind}`) },
                  { key: 'phone', label: t('basedata.households.homePhone'), children: h.homePhoneMasked ? <span className="rg-mono">{h.homePhoneMasked}</span> : <Muted>—</Muted> },
                  { key: 'reg', label: t('basedata.households.registrationAddress'), span: 'filled', children: h.registrationAddress ?? <Muted>—</Muted> },
                  {
                    key: 'last',
                    label: t('basedata.households.lastVisit'),
                    span: 'filled',
                    children: h.lastVisit ? `${h.lastVisit.visitedOn} · ${t(`basedata.visitKind.${h.lastVisit.kind}`)} · ${h.lastVisit.workerName}` : <Typography.Text type="warning">{t('basedata.households.never')}</Typography.Text>,
                  },
                ]}
              />
            </Card>
            <Card size="small" title={`${t('basedata.households.memberList')}（${h.members.length}）`}>
              {mobile ? (
                <List
                  dataSource={h.members}
                  locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
                  renderItem={(p) => (
                    <List.Item>
                      <Space orientation="vertical" size={0}>
                        <Space size={6}>
                          <Link to={`/people/${p.id}`}>{p.name}</Link>
                          {p.relationToHead ? <Tag>{t(`basedata.relation.${p.relationToHead}` as 'basedata.relation.head', { defaultValue: p.relationToHead })}</Tag> : null}
                          {p.age !== null ? <Muted>{t('basedata.person.ageValue', { age: p.age })}</Muted> : null}
                        </Space>
                        <span className="rg-mono" style={{ fontSize: 12 }}>
                          {p.idMasked ?? '—'}
                        </span>
                      </Space>
                    </List.Item>
                  )}
                />
              ) : (
                <Table<PersonSummary> rowKey="id" size="small" columns={columns} dataSource={h.members} pagination={false} />
              )}
            </Card>
          </Space>
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('basedata.households.visits', { count: h.visits })}>
            <List<VisitView>
              loading={visits.isLoading}
              dataSource={visits.data ?? []}
              locale={{ emptyText: t('basedata.households.noVisits') }}
              renderItem={(visit) => <VisitItem visit={visit} />}
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
