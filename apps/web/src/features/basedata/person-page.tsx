import { ArrowLeftOutlined, CheckCircleOutlined, EditOutlined, HomeOutlined, PlusOutlined } from '@ant-design/icons';
import { dateOnlySchema, type PersonDetail, type PersonTagView } from '@redgrid/contracts';
import { Alert, App, Button, Card, Checkbox, Col, Descriptions, Form, Grid, Input, Modal, Popconfirm, Result, Row, Select, Skeleton, Space, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { isApiError } from '../../shared/api/api-error';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { formatDateTime } from '../../shared/format/format';
import { schemaRule } from '../../shared/forms/form-rules';
import { useSubmitError } from '../../shared/forms/use-submit-error';
import { useLanguage } from '../../shared/i18n/use-language';
import { useAddTag, useGroups, useMergePersons, usePerson, usePersonHistory, useRemoveTag, useVerifyPerson } from './basedata.api';
import { Muted, placeText, ProvenanceTag, RevealableValue } from './basedata-ui';
import { PersonEditDrawer } from './person-form';
import { positiveId } from './query-params';
import { todayInBeijing } from './visit-draft';

const orDash = (v: string | number | null | undefined) => (v === null || v === undefined || v === '' ? <Muted>—</Muted> : v);

function TagCard({ person }: { person: PersonDetail }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const remove = useRemoveTag(person.id);
  const [adding, setAdding] = useState(false);
  const label = (tag: PersonTagView) => (
    <Space size={4} wrap>
      <Tag color={tag.kind === 'key' ? 'red' : 'gold'} style={{ marginInlineEnd: 0 }}>
        {t(`basedata.tagKind.${tag.kind}`)} · {tag.groupName}
      </Tag>
      {tag.attention ? <Tag color="volcano">{t('basedata.person.tagAttention')}</Tag> : null}
      {tag.expiring ? <Tag color="orange">{t('basedata.person.tagExpiring')}</Tag> : null}
    </Space>
  );
  return (
    <Card
      size="small"
      title={t('basedata.person.tags')}
      extra={
        person.abilities.update ? (
          <Button size="small" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
            {t('basedata.person.addTag')}
          </Button>
        ) : null
      }
    >
      {person.tagsDetail.length === 0 ? <Muted>{t('basedata.person.noTags')}</Muted> : null}
      <Space orientation="vertical" size={10} style={{ width: '100%' }}>
        {person.tagsDetail.map((tag) => (
          <div key={tag.id} data-testid="person-tag">
            <Space style={{ justifyContent: 'space-between', width: '100%' }} align="start">
              {label(tag)}
              {person.abilities.update ? (
                <Popconfirm
                  title={t('basedata.person.removeTagConfirm', { name: tag.groupName })}
                  onConfirm={() => remove.mutateAsync(tag.id).catch((e: unknown) => void message.error(describe(e)))}
                >
                  <Button type="link" size="small" danger>
                    {t('basedata.person.removeTag')}
                  </Button>
                </Popconfirm>
              ) : null}
            </Space>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {[
                t('basedata.person.tagSince', { date: tag.since }),
                tag.validUntil ? t('basedata.person.tagUntil', { date: tag.validUntil }) : null,
                tag.dangerLevel ? t('basedata.person.tagDanger', { level: t(`basedata.dangerLevel.${tag.dangerLevel}`) }) : null,
                tag.guardianName ? t('basedata.person.tagGuardian', { name: tag.guardianName }) : null,
              ]
                .filter(Boolean)
                .join(' · ')}
            </Typography.Text>
            {tag.reason ? <div style={{ fontSize: 13 }}>{tag.reason}</div> : null}
          </div>
        ))}
      </Space>
      <AddTagModal person={person} open={adding} onClose={() => setAdding(false)} />
    </Card>
  );
}

interface TagFormValues {
  groupCode: string;
  attention?: boolean;
  reason?: string;
  since: string;
  validUntil?: string;
  dangerLevel?: 'high' | 'medium' | 'low';
  guardianName?: string;
  guardianPhone?: string;
}

function AddTagModal({ person, open, onClose }: { person: PersonDetail; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<TagFormValues>();
  const groups = useGroups(person.place.areaId);
  const add = useAddTag(person.id);
  const onError = useSubmitError(form, ['groupCode', 'attention', 'reason', 'since', 'validUntil', 'dangerLevel', 'guardianName', 'guardianPhone']);
  const groupCode = Form.useWatch('groupCode', form);
  const group = groups.data?.find((g) => g.code === groupCode);
  const blank = (v: string | undefined) => (v?.trim() ? v.trim() : null);
  const submit = (v: TagFormValues) =>
    add.mutate(
      {
        groupCode: v.groupCode,
        attention: v.attention ?? false,
        reason: blank(v.reason),
        since: v.since,
        validUntil: blank(v.validUntil),
        dangerLevel: v.dangerLevel ?? null,
        guardianName: blank(v.guardianName),
        guardianPhone: blank(v.guardianPhone),
      },
      { onSuccess: () => (form.resetFields(), onClose()), onError },
    );
  return (
    <Modal open={open} title={t('basedata.person.addTag')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={add.isPending} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ since: todayInBeijing() }}>
        <Form.Item name="groupCode" label={t('basedata.person.tagGroup')} rules={[{ required: true, message: t('basedata.person.tagGroup') }]}>
          <Select
            loading={groups.isLoading}
            options={(groups.data ?? []).map((g) => ({ value: g.code, label: `${t(`basedata.tagKind.${g.kind}`)} · ${g.name}` }))}
          />
        </Form.Item>
        <Form.Item name="attention" valuePropName="checked">
          <Checkbox>{t('basedata.person.tagAttention')}</Checkbox>
        </Form.Item>
        <Form.Item name="reason" label={t('basedata.person.tagReason')}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="since" label={t('basedata.person.tagSince', { date: '' }).trim()} rules={[{ required: true }, schemaRule(dateOnlySchema)]}>
              <Input type="date" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="validUntil" label={t('basedata.person.tagValidUntil')} rules={[schemaRule(dateOnlySchema)]}>
              <Input type="date" />
            </Form.Item>
          </Col>
        </Row>
        {group?.withDangerLevel ? (
          <>
            <Form.Item name="dangerLevel" label={t('basedata.person.tagDangerLevel')}>
              <Select allowClear options={(['high', 'medium', 'low'] as const).map((v) => ({ value: v, label: t(`basedata.dangerLevel.${v}`) }))} />
            </Form.Item>
            <Row gutter={12}>
              <Col span={12}>
                <Form.Item name="guardianName" label={t('basedata.person.tagGuardianName')}>
                  <Input maxLength={50} />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="guardianPhone" label={t('basedata.person.tagGuardianPhone')}>
                  <Input maxLength={30} inputMode="tel" />
                </Form.Item>
              </Col>
            </Row>
          </>
        ) : null}
      </Form>
    </Modal>
  );
}

function DuplicatesCard({ person }: { person: PersonDetail }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const merge = useMergePersons();
  const [mergeId, setMergeId] = useState<number | null>(null);
  const [form] = Form.useForm<{ note: string }>();
  const onError = useSubmitError(form, ['note']);
  if (person.duplicates.length === 0) return null;
  return (
    <Card size="small" title={t('basedata.person.duplicates')}>
      <Space orientation="vertical" style={{ width: '100%' }}>
        {person.duplicates.map((d) => (
          <Alert
            key={d.id}
            type="warning"
            showIcon
            title={
              <span>
                {t('basedata.person.duplicateOf', { name: d.name, id: d.personId, reason: t(`basedata.duplicateReason.${d.reason}`) })}{' '}
                <Link to={`/people/${d.personId}`}>#{d.personId}</Link>
              </span>
            }
            action={
              person.abilities.verify ? (
                <Button size="small" onClick={() => setMergeId(d.personId)}>
                  {t('basedata.person.merge')}
                </Button>
              ) : undefined
            }
          />
        ))}
      </Space>
      <Modal
        open={mergeId !== null}
        title={t('basedata.person.merge')}
        onCancel={() => setMergeId(null)}
        onOk={() => form.submit()}
        confirmLoading={merge.isPending}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={({ note }) =>
            mergeId !== null &&
            merge.mutate(
              { keepId: person.id, mergeId, note: note.trim() },
              { onSuccess: () => (void message.success(t('basedata.person.merged')), setMergeId(null)), onError },
            )
          }
        >
          <Form.Item name="note" label={t('basedata.person.mergeNote')} rules={[{ required: true, min: 2, whitespace: true, message: t('basedata.person.mergeNote') }]}>
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

function HistoryCard({ personId }: { personId: number }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const history = usePersonHistory(personId, true);
  const show = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return (
    <Card size="small" title={t('basedata.person.history')}>
      {history.isLoading ? <Skeleton active paragraph={{ rows: 2 }} /> : null}
      {history.data && history.data.items.length === 0 ? <Muted>{t('basedata.person.noHistory')}</Muted> : null}
      <Timeline
        items={(history.data?.items ?? []).map((entry) => ({
          key: entry.id,
          title: formatDateTime(entry.at, language),
          content: (
            <div>
              <div>
                <Tag style={{ marginInlineEnd: 6 }}>{t(`basedata.historyAction.${entry.action}`, { defaultValue: entry.action })}</Tag>
                <Muted>{t('basedata.person.historyBy', { who: entry.actorName ?? '—', source: t(`basedata.historySource.${entry.source}`, { defaultValue: entry.source }) })}</Muted>
              </div>
              {Object.entries(entry.changes).map(([field, [before, after]]) => (
                <div key={field} style={{ fontSize: 12, wordBreak: 'break-all' }}>
                  <Typography.Text type="secondary">{field}：</Typography.Text>
                  <Typography.Text delete type="secondary">
                    {show(before)}
                  </Typography.Text>{' '}
                  → {show(after)}
                </div>
              ))}
            </div>
          ),
        }))}
      />
    </Card>
  );
}

/** One resident: every field, tags, possible duplicates, the change history; masked values shown on request. */
export function PersonPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const mobile = Grid.useBreakpoint().md === false;
  const id = positiveId(useParams().id ?? null) ?? 0;
  const query = usePerson(id);
  const verify = useVerifyPerson(id);
  const [editing, setEditing] = useState(false);

  if (query.isLoading) return <Skeleton active />;
  if (query.isError || !query.data) {
    const notFound = isApiError(query.error) && (query.error.status === 404 || query.error.status === 400);
    return <Result status={notFound ? '404' : 'error'} title={notFound ? t('basedata.person.notFound') : describe(query.error)} extra={<Link to="/people">{t('basedata.people.title')}</Link>} />;
  }
  const p = query.data;
  const enumText = (prefix: string, v: string | null) => (v ? t(`basedata.${prefix}.${v}` as 'basedata.sex.male', { defaultValue: v }) : null);

  return (
    <div data-testid="person-page">
      <div className="rg-page-title">
        <Space wrap>
          <Link to="/people" aria-label={t('basedata.people.title')}>
            <ArrowLeftOutlined />
          </Link>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {p.name}
          </Typography.Title>
          <ProvenanceTag provenance={p.provenance} />
          {p.deceased ? <Tag>{t('basedata.person.deceased')}</Tag> : null}
        </Space>
        <Space wrap>
          {p.householdId ? (
            <Link to={`/households/${p.householdId}`}>
              <Button icon={<HomeOutlined />}>{t('basedata.person.householdLink')}</Button>
            </Link>
          ) : null}
          {p.abilities.verify && p.provenance !== 'verified' ? (
            <Button
              icon={<CheckCircleOutlined />}
              loading={verify.isPending}
              onClick={() => verify.mutate(undefined, { onSuccess: () => void message.success(t('basedata.person.verified')), onError: (e) => void message.error(describe(e)) })}
            >
              {t('basedata.person.verify')}
            </Button>
          ) : null}
          {p.abilities.update ? (
            <Button type="primary" icon={<EditOutlined />} onClick={() => setEditing(true)}>
              {t('basedata.person.edit')}
            </Button>
          ) : null}
        </Space>
      </div>
      {p.mergedInto ? <Alert type="info" showIcon title={<Link to={`/people/${p.mergedInto}`}>{t('basedata.person.mergedInto', { id: p.mergedInto })}</Link>} style={{ marginBottom: 12 }} /> : null}

      <Row gutter={[16, 16]}>
        <Col xs={24} lg={15}>
          <Card size="small" title={t('basedata.person.basics')}>
            <Descriptions
              size="small"
              column={{ xs: 1, sm: 2 }}
              items={[
                { key: 'idType', label: t('basedata.person.idType'), children: enumText('idType', p.idType) },
                { key: 'id', label: t('basedata.person.idNumber'), children: <RevealableValue personId={p.id} field="idNumber" masked={p.idMasked} canReveal={p.abilities.reveal} /> },
                { key: 'phone', label: t('basedata.person.phone'), children: <RevealableValue personId={p.id} field="phone" masked={p.phoneMasked} canReveal={p.abilities.reveal} /> },
                { key: 'sex', label: t('basedata.person.sex'), children: orDash(enumText('sex', p.sex)) },
                { key: 'birth', label: t('basedata.person.birthDate'), children: orDash(p.birthDate ? `${p.birthDate}${p.age !== null ? `（${t('basedata.person.ageValue', { age: p.age })}）` : ''}` : null) },
                { key: 'formerName', label: t('basedata.person.formerName'), children: orDash(p.formerName) },
                { key: 'ethnicity', label: t('basedata.person.ethnicity'), children: orDash(p.ethnicity) },
                { key: 'pop', label: t('basedata.people.populationType'), children: enumText('populationType', p.populationType) },
                { key: 'res', label: t('basedata.people.residenceStatus'), children: enumText('residenceStatus', p.residenceStatus) },
                { key: 'rel', label: t('basedata.person.relationToHead'), children: orDash(enumText('relation', p.relationToHead)) },
                { key: 'political', label: t('basedata.person.politicalStatus'), children: orDash(enumText('politicalStatus', p.politicalStatus)) },
                { key: 'marital', label: t('basedata.person.maritalStatus'), children: orDash(enumText('maritalStatus', p.maritalStatus)) },
                { key: 'education', label: t('basedata.person.education'), children: orDash(p.education) },
                { key: 'occupation', label: t('basedata.person.occupation'), children: orDash(p.occupation) },
                { key: 'workUnit', label: t('basedata.person.workUnit'), children: orDash(p.workUnit) },
                { key: 'place', label: t('basedata.person.place'), children: placeText(p.place) },
                { key: 'region', label: t('basedata.person.registrationRegion'), children: orDash(p.registrationRegion) },
                { key: 'regAddr', label: t('basedata.person.registrationAddress'), span: 'filled', children: orDash(p.registrationAddress) },
                { key: 'curAddr', label: t('basedata.person.currentAddress'), span: 'filled', children: orDash(p.currentAddress ?? p.address) },
                ...(p.movedOutOn ? [{ key: 'moved', label: t('basedata.person.movedOutOn'), children: p.movedOutOn }] : []),
                ...Object.entries(p.details).map(([k, v]) => ({ key: `d-${k}`, label: k, children: orDash(v === null ? null : String(v)) })),
                { key: 'verified', label: t('basedata.person.verifiedBy'), children: p.verifiedBy ? `${p.verifiedBy} · ${formatDateTime(p.verifiedAt, language)}` : <Muted>—</Muted> },
                ...(p.claimedBy ? [{ key: 'claimed', label: t('basedata.claims.claimedBy'), children: `${p.claimedBy} · ${formatDateTime(p.claimedAt, language)}` }] : []),
                { key: 'created', label: t('basedata.person.createdAt'), children: formatDateTime(p.createdAt, language) },
                { key: 'updated', label: t('basedata.person.updatedAt'), children: formatDateTime(p.updatedAt, language) },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={9}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <TagCard person={p} />
            <DuplicatesCard person={p} />
            <HistoryCard personId={p.id} />
          </Space>
        </Col>
      </Row>
      <PersonEditDrawer person={editing ? p : null} onClose={() => setEditing(false)} mobile={mobile} />
    </div>
  );
}
