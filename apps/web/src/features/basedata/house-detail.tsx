import { PlusOutlined } from '@ant-design/icons';
import { dateOnlySchema, HAZARD_LEVELS } from '@redgrid/contracts';
import { Alert, Button, Descriptions, Divider, Form, Input, List, Modal, Select, Skeleton, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { schemaRule } from '../../shared/forms/form-rules';
import { useSubmitError } from '../../shared/forms/use-submit-error';
import { useMe } from '../auth/auth.api';
import { useAddInspection, useHouse } from './basedata.api';
import { HouseRevealableValue, Muted, placeText, ProvenanceTag } from './basedata-ui';
import { useVerifyRental } from './claim.api';
import { VerificationLine } from './provenance-ui';
import { todayInBeijing } from './visit-draft';

export const HAZARD_COLOR = { serious: 'red', general: 'orange', safe: 'green' } as const;

type Hazard = (typeof HAZARD_LEVELS)[number];

function InspectionModal({ rentalId, open, onClose }: { rentalId: number; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ inspectedOn: string; hazardLevel: Hazard; findings?: string }>();
  const add = useAddInspection(rentalId);
  const onError = useSubmitError(form, ['inspectedOn', 'hazardLevel', 'findings']);
  return (
    <Modal open={open} title={t('basedata.house.addInspection')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={add.isPending} destroyOnHidden>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ inspectedOn: todayInBeijing(), hazardLevel: 'safe' }}
        onFinish={(v) => add.mutate({ inspectedOn: v.inspectedOn, hazardLevel: v.hazardLevel, findings: v.findings?.trim() || null }, { onSuccess: onClose, onError })}
      >
        <Form.Item name="inspectedOn" label={t('basedata.house.inspectedOn')} rules={[{ required: true }, schemaRule(dateOnlySchema)]}>
          <Input type="date" />
        </Form.Item>
        <Form.Item name="hazardLevel" label={t('basedata.house.hazardLevel')}>
          <Select options={HAZARD_LEVELS.map((v) => ({ value: v, label: t(`basedata.hazardLevel.${v}`) }))} />
        </Form.Item>
        <Form.Item name="findings" label={t('basedata.house.findings')}>
          <Input.TextArea rows={3} maxLength={1000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** A house with its households, its rental and the rental's inspections (the 楼盘表's drawer and /houses/:id). */
export function HouseDetail({ houseId }: { houseId: number }) {
  const { t } = useTranslation();
  const me = useMe();
  const describe = useDescribeError();
  const house = useHouse(houseId);
  const [inspecting, setInspecting] = useState(false);
  const verifyRental = useVerifyRental(house.data?.rental?.id ?? 0);

  if (house.isLoading) return <Skeleton active />;
  if (house.isError || !house.data) return <Alert type="error" showIcon title={describe(house.error)} />;
  const h = house.data;
  const yesNo = (v: boolean | null) => (v === null ? <Muted>—</Muted> : v ? t('basedata.house.yes') : t('basedata.house.no'));
  const r = h.rental;
  const canReveal = me.permissions.includes('basedata.reveal');

  return (
    <div data-testid="house-detail">
      <Space wrap style={{ marginBottom: 8 }}>
        <Tag color="blue">{t(`basedata.houseUse.${h.use}`)}</Tag>
        <Tag>{t(`basedata.occupancy.${h.occupancy}`)}</Tag>
        {h.dangerous ? <Tag color="red">{t('basedata.house.dangerous')}</Tag> : null}
        <ProvenanceTag provenance={h.provenance} />
      </Space>
      <Descriptions
        size="small"
        column={1}
        items={[
          { key: 'address', label: t('basedata.house.address'), children: h.address },
          { key: 'place', label: t('basedata.person.place'), children: placeText(h.place) },
          { key: 'floor', label: t('basedata.house.floor'), children: h.floor ?? <Muted>—</Muted> },
          { key: 'room', label: t('basedata.house.room'), children: h.room ?? <Muted>—</Muted> },
          { key: 'area', label: t('basedata.house.floorArea'), children: h.floorArea !== null ? t('basedata.house.floorAreaValue', { area: h.floorArea }) : <Muted>—</Muted> },
          { key: 'owner', label: t('basedata.house.owner'), children: h.ownerName ?? <Muted>—</Muted> },
          { key: 'ownerId', label: t('basedata.house.ownerId'), children: <HouseRevealableValue houseId={h.id} field="ownerIdNumber" masked={h.ownerIdMasked} canReveal={canReveal} label={t('basedata.house.ownerId')} /> },
          { key: 'ownerPhone', label: t('basedata.house.ownerPhone'), children: <HouseRevealableValue houseId={h.id} field="ownerPhone" masked={h.ownerPhoneMasked} canReveal={canReveal} label={t('basedata.house.ownerPhone')} /> },
          { key: 'cert', label: t('basedata.house.propertyCertNo'), children: h.propertyCertNo ?? <Muted>—</Muted> },
          { key: 'land', label: t('basedata.house.landCertNo'), children: h.landCertNo ?? <Muted>—</Muted> },
          { key: 'built', label: t('basedata.house.builtYear'), children: h.builtYear ?? <Muted>—</Muted> },
        ]}
      />
      <Divider titlePlacement="start">{t('basedata.house.households')}</Divider>
      <List
        size="small"
        dataSource={h.households}
        locale={{ emptyText: <Muted>—</Muted> }}
        renderItem={(hh) => (
          <List.Item>
            <Link to={`/households/${hh.id}`}>{hh.headName ?? hh.householdNo ?? `#${hh.id}`}</Link>
            <Muted>
              {hh.members} · {hh.lastVisitOn ?? t('basedata.households.never')}
            </Muted>
          </List.Item>
        )}
      />
      <Divider titlePlacement="start">{t('basedata.house.rental')}</Divider>
      {r ? (
        <>
          <Space wrap style={{ marginBottom: 8 }}>
            <Tag color={HAZARD_COLOR[r.hazardLevel]}>
              {t('basedata.house.hazardLevel')}：{t(`basedata.hazardLevel.${r.hazardLevel}`)}
            </Tag>
            {r.overcrowded ? <Tag color="red">{t('basedata.house.overcrowded')}</Tag> : null}
          </Space>
          <Descriptions
            size="small"
            column={1}
            items={[
              { key: 'lessor', label: t('basedata.house.lessor'), children: r.lessorName },
              { key: 'lessorPhone', label: t('basedata.house.lessorPhone'), children: <HouseRevealableValue houseId={h.id} field="lessorPhone" masked={r.lessorPhoneMasked} canReveal={canReveal} label={t('basedata.house.lessorPhone')} /> },
              { key: 'filing', label: t('basedata.house.filingNo'), children: r.filingNo ? `${r.filingNo}${r.filedOn ? `（${r.filedOn}）` : ''}` : <Muted>—</Muted> },
              { key: 'lease', label: t('basedata.house.lease'), children: r.leaseFrom || r.leaseTo ? `${r.leaseFrom ?? '…'} ~ ${r.leaseTo ?? '…'}` : <Muted>—</Muted> },
              { key: 'use', label: t('basedata.house.rentalUse'), children: t(`basedata.rentalUse.${r.use}`) },
              { key: 'kind', label: t('basedata.house.rentalKind'), children: r.kind ? t(`basedata.rentalKind.${r.kind}`) : <Muted>—</Muted> },
              { key: 'rooms', label: t('basedata.house.roomsLet'), children: r.roomsLet ?? <Muted>—</Muted> },
              { key: 'rent', label: t('basedata.house.monthlyRent'), children: r.monthlyRent ?? <Muted>—</Muted> },
              {
                key: 'occupants',
                label: t('basedata.house.occupants'),
                children: r.occupantLimit !== null ? t('basedata.house.occupantsValue', { occupants: r.occupants, limit: r.occupantLimit }) : r.occupants,
              },
              { key: 'fire', label: t('basedata.house.fireExits'), children: yesNo(r.fireExits) },
              { key: 'pledge', label: t('basedata.house.safetyPledge'), children: yesNo(r.safetyPledge) },
              { key: 'provenance', label: t('basedata.person.provenance'), children: <VerificationLine record={r} canVerify={r.abilities.verify} verify={verifyRental} testId="rental-verification" /> },
            ]}
          />
          <Space style={{ justifyContent: 'space-between', width: '100%', marginTop: 8 }}>
            <Typography.Text strong>{t('basedata.house.inspections')}</Typography.Text>
            {me.permissions.includes('basedata.manage') ? (
              <Button size="small" icon={<PlusOutlined />} onClick={() => setInspecting(true)}>
                {t('basedata.house.addInspection')}
              </Button>
            ) : null}
          </Space>
          <List
            size="small"
            dataSource={r.inspections}
            locale={{ emptyText: <Muted>{t('basedata.house.noInspections')}</Muted> }}
            renderItem={(i) => (
              <List.Item>
                <div>
                  <Space size={6}>
                    <span>{i.inspectedOn}</span>
                    <Tag color={HAZARD_COLOR[i.hazardLevel]}>{t(`basedata.hazardLevel.${i.hazardLevel}`)}</Tag>
                    <Muted>{i.inspectorName}</Muted>
                  </Space>
                  {i.findings ? <div style={{ fontSize: 13 }}>{i.findings}</div> : null}
                </div>
              </List.Item>
            )}
          />
          <InspectionModal rentalId={r.id} open={inspecting} onClose={() => setInspecting(false)} />
        </>
      ) : (
        <Muted>{t('basedata.house.noRental')}</Muted>
      )}
    </div>
  );
}
