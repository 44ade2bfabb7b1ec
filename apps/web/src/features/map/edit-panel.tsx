import { CheckOutlined, CloseOutlined, DeleteOutlined, EyeOutlined, ReloadOutlined, RollbackOutlined, ShareAltOutlined, UndoOutlined } from '@ant-design/icons';
import type { AdjustmentResult, AreaGeometry, GridProposal } from '@redgrid/contracts';
import { Alert, Button, Divider, Form, Input, InputNumber, List, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useDescribeError } from '../../shared/api/use-describe-error';
import type { AdjustmentRequest, ProposalForm } from './adjustment';
import type { LngLat, OpenPolygons, VertexRef } from './geometry';
import type { AreaShape } from './map.api';
import { BALANCE_COLORS, balanceStatus, previewColor, type HouseholdRange } from './map-style';

/** A boundary adjustment being prepared on the map, before its preview. */
export type EditSession =
  | { kind: 'redraw'; gridId: number; name: string; original: OpenPolygons; polygons: OpenPolygons; undo: OpenPolygons[]; vertex: VertexRef | null }
  | { kind: 'split'; gridId: number; name: string; geometry: AreaGeometry; points: LngLat[] }
  | { kind: 'create'; parentId: number; parentName: string; points: LngLat[]; finished: boolean; name: string; gridType: 'comprehensive' | 'dedicated' }
  | { kind: 'merge'; keepId: number; name: string }
  | { kind: 'retire'; gridId: number; name: string; childCount: number; transferToId: number | undefined }
  /** A grid-division draft for a whole community; `names` are the grids' names as edited. */
  | { kind: 'proposal'; communityId: number; name: string; form: ProposalForm; draft: GridProposal | null; names: string[] };

export interface PreviewState {
  request: AdjustmentRequest;
  result: AdjustmentResult;
  /** A split's new grids as the user names them (the server's names to start with). */
  names?: string[] | undefined;
}

export interface EditPanelProps {
  session: EditSession;
  onSession: (session: EditSession) => void;
  preview: PreviewState | null;
  /** Grids of the same community: names for the preview and choices for merge and retire. */
  siblings: readonly AreaShape[];
  mergeIds: readonly number[];
  range: HouseholdRange;
  previewPending: boolean;
  commitPending: boolean;
  /** A grid-division draft is being computed. */
  draftPending: boolean;
  onDraft: () => void;
  error: unknown;
  onPreview: () => void;
  onFinishDrawing: () => void;
  onUndoPoint: () => void;
  onDeleteVertex: () => void;
  onUndoEdit: () => void;
  onConfirm: () => void;
  onBack: () => void;
  onCancel: () => void;
  /** Renames a split's new grid in the preview. */
  onRenamePiece: (index: number, name: string) => void;
  /** Previews again with the names typed. */
  onRefreshPreview: () => void;
}

/** The side panel while an adjustment is prepared, previewed and confirmed. */
export function EditPanel(props: EditPanelProps) {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const { session, preview, error } = props;
  const title = t(`map.edit.kinds.${session.kind}`);

  return (
    <div className="rg-map-edit" data-testid="map-edit-panel">
      <div className="rg-map-edit-head">
        <Typography.Title level={5} style={{ margin: 0 }}>
          {preview ? t('map.edit.previewTitle', { kind: title }) : title}
        </Typography.Title>
        <Button type="text" size="small" icon={<CloseOutlined />} onClick={props.onCancel} aria-label={t('map.edit.cancel')} />
      </div>
      {error ? <Alert type="error" showIcon title={describe(error)} style={{ marginBottom: 12 }} data-testid="map-edit-error" /> : null}
      {preview ? <AdjustmentPreview {...props} preview={preview} /> : <SessionStep {...props} />}
    </div>
  );
}

function SessionStep({ session, onSession, siblings, mergeIds, previewPending, draftPending, onDraft, onPreview, onFinishDrawing, onUndoPoint, onDeleteVertex, onUndoEdit, onCancel }: EditPanelProps) {
  const { t } = useTranslation();
  const nameOf = (id: number) => siblings.find((s) => s.id === id)?.name ?? `#${id}`;
  const previewButton = (disabled = false) => (
    <Button type="primary" icon={<EyeOutlined />} loading={previewPending} disabled={disabled} onClick={onPreview} data-testid="map-edit-preview">
      {t('map.edit.preview')}
    </Button>
  );
  const cancelButton = <Button onClick={onCancel}>{t('map.edit.cancel')}</Button>;

  switch (session.kind) {
    case 'proposal':
      return <ProposalStep session={session} onSession={onSession} draftPending={draftPending} previewPending={previewPending} onDraft={onDraft} onPreview={onPreview} onCancel={onCancel} />;
    case 'redraw':
      return (
        <>
          <Typography.Paragraph>
            <Typography.Text strong>{session.name}</Typography.Text>
          </Typography.Paragraph>
          <Alert type="info" showIcon title={t('map.edit.redrawHelp')} style={{ marginBottom: 12 }} />
          <Space wrap>
            <Button icon={<UndoOutlined />} disabled={session.undo.length === 0} onClick={onUndoEdit}>
              {t('map.edit.undo')}
            </Button>
            <Button icon={<DeleteOutlined />} disabled={!session.vertex} onClick={onDeleteVertex}>
              {t('map.edit.deleteVertex')}
            </Button>
            <Button icon={<RollbackOutlined />} disabled={session.undo.length === 0} onClick={() => onSession({ ...session, polygons: session.original, undo: [], vertex: null })}>
              {t('map.edit.reset')}
            </Button>
          </Space>
          <Divider style={{ margin: '12px 0' }} />
          <Space>
            {previewButton(session.undo.length === 0)}
            {cancelButton}
          </Space>
        </>
      );
    case 'split':
      return (
        <>
          <Typography.Paragraph>
            <Typography.Text strong>{session.name}</Typography.Text>
          </Typography.Paragraph>
          <Alert type="info" showIcon title={t('map.edit.splitHelp')} style={{ marginBottom: 12 }} />
          <DrawingButtons points={session.points.length} min={2} pending={previewPending} onUndoPoint={onUndoPoint} onFinish={onFinishDrawing} onCancel={onCancel} />
        </>
      );
    case 'create':
      if (!session.finished) {
        return (
          <>
            <Typography.Paragraph>{t('map.edit.createIn', { name: session.parentName })}</Typography.Paragraph>
            <Alert type="info" showIcon title={t('map.edit.createHelp')} style={{ marginBottom: 12 }} />
            <DrawingButtons points={session.points.length} min={3} pending={false} onUndoPoint={onUndoPoint} onFinish={onFinishDrawing} onCancel={onCancel} />
          </>
        );
      }
      return (
        <Form layout="vertical" onFinish={onPreview} requiredMark={false}>
          <Typography.Paragraph>{t('map.edit.createIn', { name: session.parentName })}</Typography.Paragraph>
          <Form.Item label={t('map.edit.name')} required validateStatus={session.name.trim() ? '' : 'warning'}>
            <Input value={session.name} maxLength={50} onChange={(e) => onSession({ ...session, name: e.target.value })} placeholder={t('map.edit.nameRequired')} autoFocus />
          </Form.Item>
          <Form.Item label={t('map.edit.gridType')}>
            <Radio.Group
              value={session.gridType}
              onChange={(e) => onSession({ ...session, gridType: e.target.value === 'dedicated' ? 'dedicated' : 'comprehensive' })}
              options={[
                { value: 'comprehensive', label: t('map.gridTypes.comprehensive') },
                { value: 'dedicated', label: t('map.gridTypes.dedicated') },
              ]}
            />
          </Form.Item>
          <Space wrap>
            <Button type="primary" htmlType="submit" icon={<EyeOutlined />} loading={previewPending} disabled={!session.name.trim()}>
              {t('map.edit.preview')}
            </Button>
            <Button onClick={() => onSession({ ...session, finished: false })}>{t('map.edit.back')}</Button>
            {cancelButton}
          </Space>
        </Form>
      );
    case 'merge':
      return (
        <>
          <Alert type="info" showIcon title={t('map.edit.mergeHint')} style={{ marginBottom: 12 }} />
          <Typography.Text strong>{t('map.edit.keep')}</Typography.Text>
          <Radio.Group
            className="rg-map-merge-list"
            value={session.keepId}
            onChange={(e) => onSession({ ...session, keepId: Number(e.target.value) })}
            options={mergeIds.map((id) => ({ value: id, label: nameOf(id) }))}
          />
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
            {t('map.edit.keepHint')}
          </Typography.Paragraph>
          <Form layout="vertical">
            <Form.Item label={t('map.edit.mergeName')}>
              <Input value={session.name} maxLength={50} onChange={(e) => onSession({ ...session, name: e.target.value })} placeholder={nameOf(session.keepId)} />
            </Form.Item>
          </Form>
          <Space>
            {previewButton(mergeIds.length < 2)}
            {cancelButton}
          </Space>
        </>
      );
    case 'retire': {
      const options = siblings.filter((s) => s.id !== session.gridId && s.level === 'grid' && s.status === 'active').map((s) => ({ value: s.id, label: s.name }));
      const needsTarget = session.childCount > 0;
      return (
        <>
          <Typography.Paragraph>
            <Typography.Text strong>{session.name}</Typography.Text>
          </Typography.Paragraph>
          <Alert
            type={needsTarget ? 'warning' : 'info'}
            showIcon
            title={needsTarget ? t('map.edit.transferHint', { count: session.childCount }) : t('map.edit.transferOptional')}
            style={{ marginBottom: 12 }}
          />
          <Form layout="vertical">
            <Form.Item label={t('map.edit.transferTo')} required={needsTarget}>
              <Select<number>
                allowClear={!needsTarget}
                value={session.transferToId}
                onChange={(v) => onSession({ ...session, transferToId: v })}
                options={options}
                placeholder={t('map.edit.transferPlaceholder')}
                data-testid="map-retire-target"
              />
            </Form.Item>
          </Form>
          <Space>
            {previewButton(needsTarget && session.transferToId === undefined)}
            {cancelButton}
          </Space>
        </>
      );
    }
  }
}

function DrawingButtons({ points, min, pending, onUndoPoint, onFinish, onCancel }: { points: number; min: number; pending: boolean; onUndoPoint: () => void; onFinish: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  return (
    <>
      <Typography.Paragraph type="secondary">{t('map.edit.points', { count: points })}</Typography.Paragraph>
      <Space wrap>
        <Button type="primary" icon={<CheckOutlined />} disabled={points < min} loading={pending} onClick={onFinish} data-testid="map-draw-finish">
          {t('map.edit.finish')}
        </Button>
        <Button icon={<UndoOutlined />} disabled={points === 0} onClick={onUndoPoint}>
          {t('map.edit.undoPoint')}
        </Button>
        <Button onClick={onCancel}>{t('map.edit.cancel')}</Button>
      </Space>
    </>
  );
}

function AdjustmentPreview({ preview, siblings, range, commitPending, previewPending, onConfirm, onBack, onCancel, onRenamePiece, onRefreshPreview }: EditPanelProps & { preview: PreviewState }) {
  const { t } = useTranslation();
  const { result } = preview;
  const names = new Map<number, string>(siblings.map((s) => [s.id, s.name]));
  for (const a of [...result.created, ...result.changed, ...result.retired]) names.set(a.id, a.name);
  const nameOf = (id: number) => names.get(id) ?? `#${id}`;
  const pieces = [...result.created.map((c) => ({ ...c, households: c.households as number | null })), ...result.changed.map((c) => ({ ...c, households: null }))];
  const pieceNames = preview.names;
  const namesMissing = pieceNames?.some((n) => !n.trim()) ?? false;
  const renamed = pieceNames !== undefined && pieceNames.some((n, i) => n.trim() !== result.created[i]?.name);

  return (
    <div data-testid="map-adjustment-preview">
      <Alert type="info" showIcon title={preview.request.kind === 'proposal' ? t('map.edit.proposal.previewNote') : t('map.edit.previewNote')} style={{ marginBottom: 12 }} />
      <WarningList warnings={result.warnings} marginBottom={12} />
      {pieces.length > 0 ? (
        <List
          size="small"
          header={<Typography.Text strong>{result.created.length > 0 ? t('map.edit.created') : t('map.edit.changed')}</Typography.Text>}
          dataSource={pieces}
          renderItem={(piece, index) => (
            <List.Item>
              <List.Item.Meta
                avatar={<span className="rg-map-swatch rg-map-swatch-lg" style={{ background: previewColor(index) }} aria-hidden />}
                title={
                  pieceNames && index < pieceNames.length ? (
                    <Input
                      size="small"
                      value={pieceNames[index]}
                      maxLength={50}
                      status={pieceNames[index]?.trim() ? undefined : 'error'}
                      aria-label={t('map.edit.pieceName', { index: index + 1 })}
                      onChange={(e) => onRenamePiece(index, e.target.value)}
                      data-testid={`map-piece-name-${index}`}
                    />
                  ) : (
                    piece.name
                  )
                }
                description={<span className="rg-mono">{piece.code}</span>}
              />
              {piece.households !== null ? (
                <Tag color={balanceStatus(piece.households, range) === 'in' ? 'green' : balanceStatus(piece.households, range) === 'over' ? 'volcano' : 'blue'}>
                  <span className="rg-map-dot" style={{ background: BALANCE_COLORS[balanceStatus(piece.households, range)] }} aria-hidden />
                  {t('map.households', { count: piece.households })}
                </Tag>
              ) : null}
            </List.Item>
          )}
        />
      ) : null}
      {result.retired.length > 0 ? (
        <Typography.Paragraph style={{ marginTop: 8 }}>
          <Typography.Text type="secondary">{t('map.edit.retiredList')}：</Typography.Text>
          {result.retired.map((r) => (
            <Tag key={r.id}>{r.name}</Tag>
          ))}
        </Typography.Paragraph>
      ) : null}
      <Divider style={{ margin: '8px 0' }} />
      <Typography.Paragraph strong style={{ marginBottom: 4 }}>
        {result.moved.buildings.length > 0 ? t('map.edit.moved', { buildings: result.moved.buildings.length, households: result.moved.households }) : t('map.edit.noMoves')}
      </Typography.Paragraph>
      {result.moved.roleAssignments > 0 ? <Typography.Paragraph type="secondary">{t('map.edit.roles', { count: result.moved.roleAssignments })}</Typography.Paragraph> : null}
      {result.toReview.length > 0 ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginTop: 12 }}
          title={t('map.edit.toReview')}
          description={
            <ul className="rg-map-plain-list">
              {result.toReview.map((r) => (
                <li key={`${r.kind}-${r.id}`}>{r.label}</li>
              ))}
            </ul>
          }
        />
      ) : null}
      {pieceNames ? (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 4 }}>
          {t('map.edit.namesHint')}
          {renamed ? (
            <Button type="link" size="small" icon={<ReloadOutlined />} loading={previewPending} disabled={namesMissing} onClick={onRefreshPreview} data-testid="map-piece-names-refresh">
              {t('map.edit.refreshPreview')}
            </Button>
          ) : null}
        </Typography.Paragraph>
      ) : null}
      <Divider style={{ margin: '12px 0 8px' }} />
      <Space wrap>
        <Button type="primary" icon={<CheckOutlined />} loading={commitPending} disabled={namesMissing} onClick={onConfirm} data-testid="map-edit-confirm">
          {preview.request.kind === 'proposal' ? t('map.edit.proposal.confirm') : t('map.edit.confirm')}
        </Button>
        <Button onClick={onBack} disabled={commitPending}>
          {t('map.edit.back')}
        </Button>
        <Button onClick={onCancel} disabled={commitPending}>
          {t('map.edit.cancel')}
        </Button>
      </Space>
      <div style={{ height: 8 }} />
      {result.moved.buildings.length > 0 ? (
        <Table
          size="small"
          rowKey="id"
          pagination={result.moved.buildings.length > 8 ? { pageSize: 8, size: 'small', showSizeChanger: false } : false}
          dataSource={result.moved.buildings}
          scroll={{ x: 320 }}
          columns={[
            { title: t('map.edit.building'), dataIndex: 'name', render: (v: string, b) => <span title={b.code}>{v}</span> },
            { title: t('map.card.households'), dataIndex: 'households', align: 'right', width: 64 },
            { title: t('map.edit.fromTo'), key: 'move', render: (_: unknown, b) => `${nameOf(b.fromId)} → ${nameOf(b.toId)}` },
          ]}
        />
      ) : null}
    </div>
  );
}

const STATUS_TAG = { under: 'blue', in: 'green', over: 'volcano' } as const;

function ProposalStep({
  session,
  onSession,
  draftPending,
  previewPending,
  onDraft,
  onPreview,
  onCancel,
}: {
  session: Extract<EditSession, { kind: 'proposal' }>;
  onSession: (session: EditSession) => void;
  draftPending: boolean;
  previewPending: boolean;
  onDraft: () => void;
  onPreview: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const { form, draft, names } = session;
  const setForm = (patch: Partial<ProposalForm>) => onSession({ ...session, form: { ...form, ...patch } });
  const rangeInvalid = form.min !== null && form.max !== null && form.min > form.max;
  const feasible = draft?.feasibleGridCounts ?? null;
  const countOptions = feasible ? Array.from({ length: Math.min(feasible.max - feasible.min + 1, 200) }, (_, i) => feasible.min + i).map((n) => ({ value: n, label: String(n) })) : [];
  const namesMissing = names.some((n) => !n.trim());

  return (
    <div data-testid="map-proposal">
      <Typography.Paragraph>
        <Typography.Text strong>{session.name}</Typography.Text>
      </Typography.Paragraph>
      <Alert type="info" showIcon title={t('map.edit.proposal.help')} style={{ marginBottom: 12 }} />
      <Form layout="vertical" onFinish={onDraft} requiredMark={false} className="rg-map-proposal-form">
        <Space size={8} align="start" wrap>
          <Form.Item label={t('map.edit.proposal.min')} style={{ marginBottom: 8 }}>
            <InputNumber min={0} max={100_000} precision={0} value={form.min} placeholder={draft ? String(draft.range.min) : t('map.edit.proposal.auto')} onChange={(v) => setForm({ min: v ?? null })} style={{ width: 104 }} />
          </Form.Item>
          <Form.Item
            label={t('map.edit.proposal.max')}
            style={{ marginBottom: 8 }}
            validateStatus={rangeInvalid ? 'error' : ''}
            help={rangeInvalid ? t('map.edit.proposal.rangeInvalid') : undefined}
          >
            <InputNumber min={1} max={100_000} precision={0} value={form.max} placeholder={draft ? String(draft.range.max) : t('map.edit.proposal.auto')} onChange={(v) => setForm({ max: v ?? null })} style={{ width: 104 }} />
          </Form.Item>
          <Form.Item label={t('map.edit.proposal.gridCount')} style={{ marginBottom: 8 }}>
            <Select<number>
              allowClear
              value={form.gridCount ?? undefined}
              onChange={(v) => setForm({ gridCount: v ?? null })}
              options={countOptions}
              disabled={countOptions.length === 0}
              placeholder={t('map.edit.proposal.auto')}
              style={{ width: 96 }}
              data-testid="map-proposal-count"
            />
          </Form.Item>
        </Space>
        <Space wrap>
          <Button htmlType="submit" type={draft ? 'default' : 'primary'} icon={draft ? <ReloadOutlined /> : <ShareAltOutlined />} loading={draftPending} disabled={rangeInvalid} data-testid="map-proposal-generate">
            {draft ? t('map.edit.proposal.regenerate') : t('map.edit.proposal.generate')}
          </Button>
          {draft ? null : <Button onClick={onCancel}>{t('map.edit.cancel')}</Button>}
        </Space>
      </Form>
      {draft ? (
        <>
          <Divider style={{ margin: '12px 0 8px' }} />
          <Typography.Paragraph style={{ marginBottom: 4 }} strong>
            {t('map.edit.proposal.summary', { households: draft.totalHouseholds, buildings: draft.buildings, grids: draft.grids.length })}
          </Typography.Paragraph>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 8, fontSize: 12 }}>
            {t('map.edit.proposal.range', { min: draft.range.min, max: draft.range.max, source: t(`map.edit.proposal.sources.${draft.range.source}`) })}
            {' · '}
            {feasible ? t('map.edit.proposal.feasible', { min: feasible.min, max: feasible.max }) : t('map.edit.proposal.infeasible')}
            {' · '}
            {draft.currentGrids > 0 ? t('map.edit.proposal.replaces', { count: draft.currentGrids }) : t('map.edit.proposal.noCurrent')}
          </Typography.Paragraph>
          <WarningList warnings={draft.warnings} marginBottom={8} />
          {draft.grids.length === 0 ? (
            <Alert type="warning" showIcon title={t('map.edit.proposal.empty')} />
          ) : (
            <List
              size="small"
              className="rg-map-proposal-list"
              dataSource={draft.grids}
              renderItem={(grid, i) => {
                const status = grid.status ?? 'in';
                const name = names[i] ?? grid.name;
                return (
                  <List.Item key={grid.index}>
                    <div className="rg-map-proposal-item">
                      <div className="rg-map-proposal-row">
                        <span className="rg-map-swatch rg-map-swatch-lg" style={{ background: previewColor(i) }} aria-hidden />
                        <Input
                          size="small"
                          value={name}
                          maxLength={50}
                          status={name.trim() ? undefined : 'error'}
                          placeholder={grid.name}
                          aria-label={t('map.edit.name')}
                          onChange={(e) => onSession({ ...session, names: draft.grids.map((g, j) => (j === i ? e.target.value : (names[j] ?? g.name))) })}
                        />
                      </div>
                      <Space size={4} wrap className="rg-map-proposal-facts">
                        <Tag color={STATUS_TAG[status]}>
                          <span className="rg-map-dot" style={{ background: BALANCE_COLORS[status] }} aria-hidden />
                          {t('map.households', { count: grid.households })} · {t(`map.balance.${status}`)}
                        </Tag>
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {t('map.edit.proposal.compactness', { value: grid.compactness.toFixed(2) })}
                        </Typography.Text>
                      </Space>
                      {grid.warnings.length > 0 ? (
                        <ul className="rg-map-plain-list rg-map-proposal-warnings">
                          {grid.warnings.map((w) => (
                            <li key={w}>{w}</li>
                          ))}
                        </ul>
                      ) : null}
                    </div>
                  </List.Item>
                );
              }}
            />
          )}
          <Divider style={{ margin: '8px 0 12px' }} />
          <Space wrap>
            <Button type="primary" icon={<EyeOutlined />} loading={previewPending} disabled={draft.grids.length === 0 || namesMissing} onClick={onPreview} data-testid="map-edit-preview">
              {t('map.edit.proposal.preview')}
            </Button>
            <Button onClick={onCancel}>{t('map.edit.cancel')}</Button>
          </Space>
        </>
      ) : null}
    </div>
  );
}

/** The server's warnings for a preview or a draft, as one alert; nothing when there are none. */
function WarningList({ warnings, marginBottom }: { warnings: readonly string[]; marginBottom: number }) {
  const { t } = useTranslation();
  if (warnings.length === 0) return null;
  return (
    <Alert
      type="warning"
      showIcon
      title={t('map.edit.warnings')}
      description={
        <ul className="rg-map-plain-list">
          {warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      }
      style={{ marginBottom }}
    />
  );
}
