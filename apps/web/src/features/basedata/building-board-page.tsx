import { ArrowLeftOutlined, CloudUploadOutlined, EditOutlined, WarningOutlined } from '@ant-design/icons';
import { BUILDING_USES, type BuildingBoard, type BuildingProfileInput, type HouseCell } from '@redgrid/contracts';
import { App, Button, Card, Col, Descriptions, Drawer, Empty, Form, Grid, Input, InputNumber, Result, Row, Select, Skeleton, Space, Switch, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { isApiError } from '../../shared/api/api-error';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { useSubmitError } from '../../shared/forms/use-submit-error';
import { useMe } from '../auth/auth.api';
import { ImportWizard } from '../exchange/import-wizard';
import { useBuildingBoard, useUpdateBuildingProfile } from './basedata.api';
import { Muted, placeText, ProvenanceTag } from './basedata-ui';
import { boardRows, cellStyle, LEGEND } from './board-cell';
import { HouseDetail } from './house-detail';
import { positiveId } from './query-params';

const HATCH = 'repeating-linear-gradient(45deg, rgba(207,19,34,0.18) 0 6px, transparent 6px 12px)';

function Cell({ cell, unitName, onOpen }: { cell: HouseCell; unitName: string | undefined; onOpen: (id: number) => void }) {
  const { t } = useTranslation();
  const style = cellStyle(cell);
  const label = [unitName, cell.room].filter(Boolean).join(' ') || `#${cell.id}`;
  const tip = [
    label,
    t(`basedata.houseUse.${cell.use}`),
    t(`basedata.occupancy.${cell.occupancy}`),
    t('basedata.board.residents', { count: cell.residents }),
    cell.rental ? `${t('basedata.board.rental')} · ${t(`basedata.hazardLevel.${cell.rental.hazardLevel}`)}` : null,
    cell.dangerous ? t('basedata.board.dangerous') : null,
    cell.attention > 0 ? t('basedata.board.attention', { count: cell.attention }) : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <Tooltip title={tip}>
      <button
        type="button"
        className="rg-board-cell"
        data-testid="board-cell"
        aria-label={tip}
        onClick={() => onOpen(cell.id)}
        style={{
          background: style.hatched ? `${HATCH}, ${style.background}` : style.background,
          border: `2px solid ${style.border}`,
          borderRadius: 4,
          minWidth: 64,
          height: 52,
          padding: '2px 4px',
          cursor: 'pointer',
          display: 'flex',
          flexDirection: 'column',
          alignItems: 'center',
          justifyContent: 'center',
          lineHeight: 1.2,
          flex: '0 0 auto',
        }}
      >
        <span style={{ fontWeight: 600, fontSize: 13 }}>{cell.room ?? '—'}</span>
        <span style={{ fontSize: 11, color: '#595959' }}>
          {cell.residents}
          {cell.rental ? ` · ${t('basedata.occupancy.rented').slice(0, 1)}` : ''}
          {cell.dangerous ? ' · ⚠' : ''}
          {cell.attention > 0 ? ` · ★${cell.attention}` : ''}
        </span>
      </button>
    </Tooltip>
  );
}

function Legend() {
  const { t } = useTranslation();
  return (
    <Space wrap size={[12, 4]} style={{ fontSize: 12 }}>
      {LEGEND.map((item) => (
        <Space key={item.key} size={4}>
          <span style={{ display: 'inline-block', width: 14, height: 14, background: item.color, border: '1px solid #d9d9d9', borderRadius: 2 }} />
          {item.key === 'nonResidential' ? t('basedata.houseUse.commercial') + '/' + t('basedata.houseUse.office') : t(`basedata.occupancy.${item.key}`)}
        </Space>
      ))}
      <Space size={4}>
        <span style={{ display: 'inline-block', width: 14, height: 14, border: '2px solid #cf1322', borderRadius: 2 }} />
        {t('basedata.board.rental')}（{t('basedata.hazardLevel.serious')}）
      </Space>
      <Space size={4}>
        <span style={{ display: 'inline-block', width: 14, height: 14, background: HATCH, border: '1px solid #d9d9d9', borderRadius: 2 }} />
        {t('basedata.board.dangerous')}
      </Space>
    </Space>
  );
}

interface ProfileValues {
  use?: BuildingProfileInput['use'];
  floorsAbove?: number | null;
  floorsBelow?: number | null;
  unitsCount?: number | null;
  builtYear?: number | null;
  structure?: string;
  propertyManager?: string;
  propertyPhone?: string;
  headName?: string;
  headPhone?: string;
  hazard?: boolean;
  hazardNote?: string;
}

function ProfileDrawer({ board, open, onClose, mobile }: { board: BuildingBoard; open: boolean; onClose: () => void; mobile: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ProfileValues>();
  const update = useUpdateBuildingProfile(board.buildingId);
  const fields = ['use', 'floorsAbove', 'floorsBelow', 'unitsCount', 'builtYear', 'structure', 'propertyManager', 'propertyPhone', 'headName', 'headPhone', 'hazard', 'hazardNote'];
  const onError = useSubmitError(form, fields);
  const p = board.profile;
  useEffect(() => {
    if (open)
      form.setFieldsValue({
        use: p.use ?? undefined,
        floorsAbove: p.floorsAbove,
        floorsBelow: p.floorsBelow,
        unitsCount: p.unitsCount,
        builtYear: p.builtYear,
        structure: p.structure ?? undefined,
        propertyManager: p.propertyManager ?? undefined,
        headName: p.headName ?? undefined,
        hazard: p.hazard,
        hazardNote: p.hazardNote ?? undefined,
      });
  }, [open, p, form]);
  const text = (v: string | undefined) => (v?.trim() ? v.trim() : null);
  const submit = (v: ProfileValues) => {
    const input: BuildingProfileInput = {
      use: v.use ?? null,
      floorsAbove: v.floorsAbove ?? null,
      floorsBelow: v.floorsBelow ?? null,
      unitsCount: v.unitsCount ?? null,
      builtYear: v.builtYear ?? null,
      structure: text(v.structure),
      propertyManager: text(v.propertyManager),
      headName: text(v.headName),
      hazard: v.hazard ?? false,
      hazardNote: text(v.hazardNote),
      // Phones are masked in the board: sent only when typed anew (undefined leaves them out of the body).
      propertyPhone: text(v.propertyPhone) ?? undefined,
      headPhone: text(v.headPhone) ?? undefined,
    };
    update.mutate(input, { onSuccess: () => (void message.success(t('basedata.person.saved')), onClose()), onError });
  };
  const half = { xs: 24, sm: 12 };
  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('basedata.board.editProfile')}
      size={mobile ? '100%' : 560}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={update.isPending} onClick={() => form.submit()}>
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Form form={form} layout="vertical" onFinish={submit}>
        <Row gutter={12}>
          <Col {...half}>
            <Form.Item name="use" label={t('basedata.board.use')}>
              <Select allowClear options={BUILDING_USES.map((v) => ({ value: v, label: t(`basedata.buildingUse.${v}`) }))} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="structure" label={t('basedata.board.structure')}>
              <Input maxLength={20} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="floorsAbove" label={t('basedata.board.floorsAbove')}>
              <InputNumber min={0} max={200} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="floorsBelow" label={t('basedata.board.floorsBelow')}>
              <InputNumber min={0} max={20} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="unitsCount" label={t('basedata.board.unitsCount')}>
              <InputNumber min={0} max={100} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="builtYear" label={t('basedata.board.builtYear')}>
              <InputNumber min={1800} max={2100} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="propertyManager" label={t('basedata.board.propertyManager')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="propertyPhone" label={t('basedata.board.propertyPhone')} extra={p.propertyPhoneMasked ? t('basedata.person.keepProtected', { masked: p.propertyPhoneMasked }) : undefined}>
              <Input maxLength={30} inputMode="tel" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="headName" label={t('basedata.board.headName')}>
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="headPhone" label={t('basedata.board.headPhone')} extra={p.headPhoneMasked ? t('basedata.person.keepProtected', { masked: p.headPhoneMasked }) : undefined}>
              <Input maxLength={30} inputMode="tel" />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="hazard" label={t('basedata.board.hazard')} valuePropName="checked">
              <Switch />
            </Form.Item>
            <Form.Item name="hazardNote" label={t('basedata.board.hazardNote')}>
              <Input.TextArea rows={3} maxLength={500} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Drawer>
  );
}

/** 楼盘表: a building floor by floor, rooms as cells coloured by use and occupancy; a cell opens its house. */
export function BuildingBoardPage() {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const navigate = useNavigate();
  const mobile = Grid.useBreakpoint().md === false;
  const id = positiveId(useParams().id ?? null) ?? 0;
  const [params, setParams] = useSearchParams();
  const openHouse = positiveId(params.get('house'));
  const board = useBuildingBoard(id);
  const [editing, setEditing] = useState(false);
  const [importing, setImporting] = useState(false);
  const me = useMe();

  if (board.isLoading) return <Skeleton active />;
  if (board.isError || !board.data) {
    const notFound = isApiError(board.error) && (board.error.status === 404 || board.error.status === 400);
    return <Result status={notFound ? '404' : 'error'} title={notFound ? t('basedata.board.notFound') : describe(board.error)} />;
  }
  const b = board.data;
  const units = new Map(b.units.map((u) => [u.id, u.name]));
  const rows = boardRows(b.floors);
  const setHouse = (houseId: number | undefined) => {
    const next = new URLSearchParams(params);
    if (houseId === undefined) next.delete('house');
    else next.set('house', String(houseId));
    setParams(next);
  };
  const p = b.profile;

  return (
    <div data-testid="building-board">
      <div className="rg-page-title">
        <Space wrap>
          <a onClick={() => void navigate(-1)} aria-label={t('common.back')}>
            <ArrowLeftOutlined />
          </a>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {b.name} · {t('basedata.board.title')}
          </Typography.Title>
          <ProvenanceTag provenance={p.provenance} />
          {p.hazard ? (
            <Tag color="red" icon={<WarningOutlined />}>
              {t('basedata.board.hazard')}
            </Tag>
          ) : null}
        </Space>
        <Space wrap>
          {me.permissions.includes('basedata.import') ? (
            <Button icon={<CloudUploadOutlined />} onClick={() => setImporting(true)}>
              {t('basedata.people.import')}
            </Button>
          ) : null}
          {b.abilities.update ? (
            <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
              {t('basedata.board.editProfile')}
            </Button>
          ) : null}
        </Space>
      </div>
      <Typography.Paragraph type="secondary">
        {placeText(b.place)} · <span className="rg-mono">{b.code}</span>
        <br />
        {t('basedata.board.totals', b.totals)}
      </Typography.Paragraph>

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={17}>
          <Card size="small" title={<Legend />}>
            {rows.length === 0 ? <Empty description={t('basedata.board.noHouses')} /> : null}
            <div style={{ overflowX: 'auto' }}>
              <table style={{ borderCollapse: 'separate', borderSpacing: 6 }}>
                <tbody>
                  {rows.map((row) => (
                    <tr key={row.floor ?? 'unknown'} data-testid="board-floor">
                      <th scope="row" style={{ whiteSpace: 'nowrap', fontWeight: 500, color: '#8c8c8c', textAlign: 'right', paddingInlineEnd: 4, position: 'sticky', left: 0, background: '#fff' }}>
                        {row.floor === null ? t('basedata.board.floorUnknown') : t('basedata.board.floor', { floor: row.floor })}
                      </th>
                      <td>
                        <div style={{ display: 'flex', gap: 6 }}>
                          {row.houses.map((cell) => (
                            <Cell key={cell.id} cell={cell} unitName={b.units.length > 1 && cell.unitId !== null ? units.get(cell.unitId) : undefined} onOpen={setHouse} />
                          ))}
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
        </Col>
        <Col xs={24} xl={7}>
          <Card size="small" title={t('basedata.board.profile')}>
            <Descriptions
              size="small"
              column={1}
              items={[
                { key: 'use', label: t('basedata.board.use'), children: p.use ? t(`basedata.buildingUse.${p.use}`) : <Muted>—</Muted> },
                { key: 'floors', label: `${t('basedata.board.floorsAbove')} / ${t('basedata.board.floorsBelow')}`, children: `${p.floorsAbove ?? '—'} / ${p.floorsBelow ?? '—'}` },
                { key: 'units', label: t('basedata.board.unitsCount'), children: p.unitsCount ?? b.units.length },
                { key: 'built', label: t('basedata.board.builtYear'), children: p.builtYear ?? <Muted>—</Muted> },
                { key: 'structure', label: t('basedata.board.structure'), children: p.structure ?? <Muted>—</Muted> },
                { key: 'pm', label: t('basedata.board.propertyManager'), children: [p.propertyManager, p.propertyPhoneMasked].filter(Boolean).join(' · ') || <Muted>—</Muted> },
                { key: 'head', label: t('basedata.board.headName'), children: [p.headName, p.headPhoneMasked].filter(Boolean).join(' · ') || <Muted>—</Muted> },
                ...(p.hazardNote ? [{ key: 'hazard', label: t('basedata.board.hazardNote'), children: p.hazardNote }] : []),
              ]}
            />
          </Card>
        </Col>
      </Row>

      <Drawer open={openHouse !== undefined} onClose={() => setHouse(undefined)} title={t('basedata.house.title')} size={mobile ? '100%' : 480} destroyOnHidden>
        {openHouse !== undefined ? <HouseDetail houseId={openHouse} /> : null}
        {openHouse !== undefined ? (
          <div style={{ marginTop: 12 }}>
            <Link to={`/houses/${openHouse}`}>{t('basedata.house.title')} #{openHouse}</Link>
          </div>
        ) : null}
      </Drawer>
      <ProfileDrawer board={b} open={editing} onClose={() => setEditing(false)} mobile={mobile} />
      <Drawer open={importing} onClose={() => setImporting(false)} title={t('basedata.people.import')} size={mobile ? '100%' : 760} destroyOnHidden>
        <ImportWizard kind="houses" areaId={b.buildingId} onApplied={() => void board.refetch()} />
      </Drawer>
    </div>
  );
}
