import { AimOutlined, ArrowLeftOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { RESIDENCE_STATUSES, VISIT_KINDS, dateOnlySchema } from '@redgrid/contracts';
import { Alert, App, Button, Card, Form, Input, Radio, Result, Select, Skeleton, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { useMe } from '../auth/auth.api';
import { problemsToSend, VisitProblems, type VisitProblemValue } from '../cases/visit-problems';
import { schemaRule } from '../../shared/forms/form-rules';
import { useSubmitError } from '../../shared/forms/use-submit-error';
import { useHousehold, useRecordVisit } from './basedata.api';
import { Muted } from './basedata-ui';
import { positiveId } from './query-params';
import { clearDraft, emptyDraft, isFlagField, loadDraft, PROPOSAL_FIELDS, saveDraft, toProposals, type DraftProposal, type VisitDraft } from './visit-draft';
import { currentDevicePosition, type DeviceProblem } from '../../shared/device/device-position';

const storage = (): Storage | undefined => {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
};

type FormValues = Omit<VisitDraft, 'householdId' | 'clientKey' | 'location' | 'proposals'> & { proposals: (DraftProposal & { target: string })[]; problems?: VisitProblemValue[] };

/** 'person:12' or 'household:3' — one select for "who the change is about". */
const targetOf = (p: Pick<DraftProposal, 'recordType' | 'recordId'>) => `${p.recordType}:${p.recordId ?? ''}`;
function fromTarget(target: string): Pick<DraftProposal, 'recordType' | 'recordId'> {
  const [type, id] = target.split(':');
  return { recordType: type === 'person' ? 'person' : 'household', recordId: id ? Number(id) : null };
}

function VisitForm({ householdId }: { householdId: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const describe = useDescribeError();
  const navigate = useNavigate();
  const household = useHousehold(householdId);
  const record = useRecordVisit();
  const [form] = Form.useForm<FormValues>();
  // The draft (and so its clientKey) is made once per form: a reload or a retry keeps both.
  const [restored] = useState(() => loadDraft(storage(), householdId));
  const [draft, setDraft] = useState<VisitDraft>(() => restored ?? emptyDraft(householdId));
  const [locating, setLocating] = useState(false);
  const [locationError, setLocationError] = useState<string | null>(null);
  const onError = useSubmitError(form, ['visitedOn', 'kind', 'findings', 'followUp', 'proposals', 'problems']);
  const mayReport = useMe().permissions.includes('case.report');

  useEffect(() => {
    if (restored) void message.info(t('basedata.visit.draftRestored'));
  }, [restored, message, t]);

  // Only the first draft seeds the form; later changes flow the other way (form → draft → storage).
  const [initialValues] = useState<FormValues>(() => ({ ...draft, proposals: draft.proposals.map((p) => ({ ...p, target: targetOf(p) })) }));

  const update = (next: VisitDraft) => {
    setDraft(next);
    saveDraft(storage(), next);
  };

  const onValuesChange = (_: unknown, all: FormValues) => {
    update({
      ...draft,
      visitedOn: all.visitedOn ?? draft.visitedOn,
      kind: all.kind ?? draft.kind,
      findings: all.findings ?? '',
      followUp: all.followUp ?? '',
      proposals: (all.proposals ?? []).map((p) => ({ ...fromTarget(p?.target ?? 'household:'), field: p?.field ?? '', value: p?.value ?? '', note: p?.note ?? '' })),
    });
  };

  const locate = () => {
    setLocating(true);
    setLocationError(null);
    currentDevicePosition().then(
      ({ center: [lng, lat], accuracy }) => {
        setLocating(false);
        // The browser answers WGS84, which the server checks against the grid's boundary.
        update({ ...draft, location: { lng, lat, accuracy: Math.round(accuracy) } });
      },
      (problem: DeviceProblem) => {
        setLocating(false);
        setLocationError(t(`device.${problem}`));
      },
    );
  };

  const submit = () => {
    record.mutate(
      {
        householdId,
        visitedOn: draft.visitedOn,
        kind: draft.kind,
        findings: draft.findings.trim() || null,
        followUp: draft.followUp.trim() || null,
        location: draft.location,
        proposals: toProposals(draft.proposals, draft.visitedOn),
        // Problems found (发现问题，上报事件): filed as cases with the visit, once however often it is sent.
        problems: problemsToSend(form.getFieldValue('problems') as VisitProblemValue[] | undefined),
        clientKey: draft.clientKey,
      },
      {
        onSuccess: (visit) => {
          clearDraft(storage(), householdId);
          void message.success(t('basedata.visit.submitted'));
          if (visit.cases?.length) void message.success(t('hotline.visit.reported', { nos: visit.cases.map((c) => c.caseNo).join('、') }));
          void navigate(`/households/${householdId}`, { replace: true });
        },
        // The draft stays, with the same key: sending again cannot make a second visit.
        onError,
      },
    );
  };

  const discard = () => {
    clearDraft(storage(), householdId);
    const fresh = emptyDraft(householdId);
    setDraft(fresh);
    form.setFieldsValue({ ...fresh, proposals: [] });
  };

  const h = household.data;
  const targets = [
    { value: `household:${householdId}`, label: t('basedata.recordType.household') },
    ...(h?.members ?? []).map((m) => ({ value: `person:${m.id}`, label: m.name })),
  ];

  return (
    <div data-testid="visit-form" style={{ maxWidth: 640 }}>
      <div className="rg-page-title">
        <Space>
          <Link to={`/households/${householdId}`} aria-label={t('common.back')}>
            <ArrowLeftOutlined />
          </Link>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('basedata.visit.title')}
          </Typography.Title>
        </Space>
      </div>
      <Card size="small" style={{ marginBottom: 12 }}>
        {household.isLoading ? <Skeleton active paragraph={{ rows: 1 }} /> : null}
        {household.isError ? <Alert type="error" showIcon title={describe(household.error)} /> : null}
        {h ? (
          <div>
            <strong>{h.headName ?? h.householdNo ?? `#${h.id}`}</strong>
            <div>
              <Muted>{h.address ?? '—'}</Muted>
            </div>
            <Muted>
              {t('basedata.households.lastVisit')}：{h.lastVisit ? `${h.lastVisit.visitedOn} · ${t(`basedata.visitKind.${h.lastVisit.kind}`)}` : t('basedata.households.never')}
            </Muted>
          </div>
        ) : null}
      </Card>

      <Form form={form} layout="vertical" initialValues={initialValues} onValuesChange={onValuesChange} onFinish={submit} size="large">
        <Form.Item name="visitedOn" label={t('basedata.visit.visitedOn')} rules={[{ required: true }, schemaRule(dateOnlySchema)]}>
          <Input type="date" />
        </Form.Item>
        <Form.Item name="kind" label={t('basedata.visit.kind')}>
          {/* Buttons that wrap: five kinds do not fit one line of a 375 px phone. */}
          <Radio.Group optionType="button" buttonStyle="solid" options={VISIT_KINDS.map((k) => ({ value: k, label: t(`basedata.visitKind.${k}`) }))} style={{ display: 'flex', flexWrap: 'wrap', rowGap: 8 }} />
        </Form.Item>
        <Form.Item name="findings" label={t('basedata.visit.findings')}>
          <Input.TextArea rows={4} maxLength={2000} showCount placeholder={t('basedata.visit.findingsPlaceholder')} />
        </Form.Item>
        <Form.Item name="followUp" label={t('basedata.visit.followUp')}>
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
        <Form.Item label={t('basedata.visit.location')}>
          <Space wrap>
            <Button icon={<AimOutlined />} loading={locating} onClick={locate}>
              {locating ? t('basedata.visit.locating') : t('basedata.visit.useLocation')}
            </Button>
            {draft.location ? (
              <>
                <Typography.Text type="success" data-testid="visit-located">
                  {t('basedata.visit.located', { accuracy: draft.location.accuracy ?? '?' })}
                </Typography.Text>
                <Button type="link" size="small" onClick={() => update({ ...draft, location: null })}>
                  {t('basedata.visit.clearLocation')}
                </Button>
              </>
            ) : null}
          </Space>
          {locationError ? <Alert type="warning" showIcon title={locationError} style={{ marginTop: 8 }} /> : null}
        </Form.Item>

        <Typography.Title level={5}>{t('basedata.visit.proposals')}</Typography.Title>
        <Form.List name="proposals">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Card key={field.key} size="small" style={{ marginBottom: 8 }}
                  extra={<Button type="text" danger icon={<DeleteOutlined />} aria-label={t('basedata.visit.removeProposal')} onClick={() => remove(field.name)} />}
                  title={t('basedata.visit.addProposal')}
                >
                  <Form.Item name={[field.name, 'target']} label={t('basedata.visit.proposalRecord')} style={{ marginBottom: 8 }}>
                    <Select options={targets} />
                  </Form.Item>
                  <Form.Item noStyle shouldUpdate>
                    {({ getFieldValue }) => {
                      const target = (getFieldValue(['proposals', field.name, 'target']) as string | undefined) ?? '';
                      const kind = getFieldValue(['proposals', field.name, 'field']) as string | undefined;
                      const fieldsOf = PROPOSAL_FIELDS[fromTarget(target).recordType];
                      return (
                        <>
                          <Form.Item name={[field.name, 'field']} label={t('basedata.visit.proposalField')} style={{ marginBottom: 8 }}>
                            <Select options={fieldsOf.map((f) => ({ value: f, label: t(`basedata.visit.proposalFields.${f}`) }))} />
                          </Form.Item>
                          {kind === undefined || isFlagField(kind) ? null : kind === 'residenceStatus' ? (
                            <Form.Item name={[field.name, 'value']} label={t('basedata.visit.proposalValue')} style={{ marginBottom: 8 }}>
                              <Select options={RESIDENCE_STATUSES.map((v) => ({ value: v, label: t(`basedata.residenceStatus.${v}`) }))} />
                            </Form.Item>
                          ) : (
                            <Form.Item name={[field.name, 'value']} label={t('basedata.visit.proposalValue')} style={{ marginBottom: 8 }}>
                              <Input maxLength={200} inputMode={kind === 'phone' || kind === 'homePhone' ? 'tel' : undefined} />
                            </Form.Item>
                          )}
                        </>
                      );
                    }}
                  </Form.Item>
                  <Form.Item name={[field.name, 'note']} label={t('basedata.visit.proposalNote')} style={{ marginBottom: 0 }}>
                    <Input maxLength={500} />
                  </Form.Item>
                </Card>
              ))}
              <Button
                type="dashed"
                block
                icon={<PlusOutlined />}
                disabled={fields.length >= 20}
                onClick={() => add({ recordType: 'household', recordId: householdId, target: `household:${householdId}`, field: 'homePhone', value: '', note: '' })}
              >
                {t('basedata.visit.addProposal')}
              </Button>
            </>
          )}
        </Form.List>

        {mayReport ? <VisitProblems /> : null}

        <Typography.Paragraph type="secondary" style={{ marginTop: 16, fontSize: 12 }}>
          {t('basedata.visit.draftKept')}
        </Typography.Paragraph>
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Button type="primary" htmlType="submit" block loading={record.isPending} data-testid="visit-submit">
            {t('basedata.visit.submit')}
          </Button>
          <Button type="text" block onClick={discard} disabled={record.isPending}>
            {t('basedata.visit.discardDraft')}
          </Button>
        </Space>
      </Form>
    </div>
  );
}

/** /visits/new?householdId=…: the visit form, made for a phone at the door. */
export function VisitFormPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const householdId = positiveId(params.get('householdId'));
  if (householdId === undefined) return <Result status="info" title={t('basedata.visit.pickHousehold')} extra={<Link to="/households">{t('basedata.households.title')}</Link>} />;
  return <VisitForm key={householdId} householdId={householdId} />;
}
