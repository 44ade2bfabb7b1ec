import { UnorderedListOutlined } from '@ant-design/icons';
import { CASE_STATE_LABELS, type CaseMapProperties } from '@redgrid/contracts';
import { Alert, Button, Card, Col, List, Row, Space, Tag, Typography } from 'antd';
import { Marker, Popup, setWorkerUrl, type GeoJSONSource, type Map as MapLibreMap, type MapGeoJSONFeature } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import './case-map.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { formatDateTime } from '../../shared/format/format';
import { useLanguage } from '../../shared/i18n/use-language';
import { useAreaRoots } from '../areas/areas.api';
import { useMeta } from '../auth/auth.api';
import { useCaseMap } from '../cases/case-map.api';
import { bboxOf } from './geometry';
import { useBoundaries } from './map.api';
import { bboxParam, CASE_CLUSTER_PROPERTIES, CASE_LAYERS, CASE_SOURCE, CASE_TONE_COLORS, CASE_TONES, caseLayers, clusterTone, withTones, type CaseTone } from './case-map-style';
import { createCaseBaseMap } from './case-base-map';

setWorkerUrl(workerUrl);

const EMPTY = { type: 'FeatureCollection' as const, features: [] };

/**
 * 事件地图 (/cases/map): the open cases of the caller's scope on our own base map (area tiles, no external
 * tiles), clustered by MapLibre, coloured by what presses most. Counts on clusters are HTML badges (no
 * map fonts offline). The box in view is what is asked for; a move asks again (rounded, so small pans
 * reuse the answer).
 */
export function CaseMapPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const describe = useDescribeError();
  const navigate = useNavigate();
  const meta = useMeta();
  const roots = useAreaRoots();
  const rootIds = useMemo(() => (roots.data ?? []).map((r) => r.id), [roots.data]);
  const rootShapes = useBoundaries(rootIds.length ? { ids: rootIds } : undefined);
  const containerRef = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [drawn, setDrawn] = useState(false);
  const [failed, setFailed] = useState(false);
  const [bbox, setBbox] = useState<string | null>(null);
  const [fitted, setFitted] = useState(false);
  const cases = useCaseMap(fitted ? bbox : null);
  const navigateRef = useRef(navigate);
  useEffect(() => {
    navigateRef.current = navigate;
  });
  const labelsRef = useRef({ t, language });
  useEffect(() => {
    labelsRef.current = { t, language };
  });

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const instance = createCaseBaseMap({ container, baseMapUrl: meta.data?.baseMapUrl ?? null, center: [119.97, 31.78], zoom: 11 });
    if (!instance) {
      setFailed(true);
      return;
    }
    if (globalThis.localStorage?.getItem('redgrid.e2e') === '1') Object.assign(window, { __redgridCaseMap: instance });
    const markers = new Map<number, Marker>();
    let popup: Popup | null = null;

    instance.on('load', () => {
      instance.addSource(CASE_SOURCE, { type: 'geojson', data: EMPTY, cluster: true, clusterRadius: 48, clusterMaxZoom: 16, clusterProperties: CASE_CLUSTER_PROPERTIES });
      for (const layer of caseLayers()) instance.addLayer(layer);
      setMap(instance);
    });

    // Cluster counts as HTML badges over their circles, rebuilt as the clusters change.
    const syncBadges = () => {
      const seen = new Set<number>();
      for (const f of instance.querySourceFeatures(CASE_SOURCE)) {
        const p = f.properties as Record<string, unknown>;
        if (!p.cluster || f.geometry.type !== 'Point') continue;
        const id = Number(p.cluster_id);
        if (seen.has(id)) continue;
        seen.add(id);
        const count = Number(p.point_count);
        let marker = markers.get(id);
        if (!marker) {
          const el = document.createElement('div');
          el.className = 'rg-case-cluster';
          el.dataset.testid = 'case-cluster';
          el.textContent = String(count);
          const tone: CaseTone = clusterTone(Object.fromEntries(CASE_TONES.map((k) => [k, Number(p[k] ?? 0)])));
          el.dataset.tone = tone;
          marker = new Marker({ element: el }).setLngLat(f.geometry.coordinates as [number, number]).addTo(instance);
          markers.set(id, marker);
        }
      }
      for (const [id, marker] of markers) {
        if (!seen.has(id)) {
          marker.remove();
          markers.delete(id);
        }
      }
    };
    instance.on('render', () => {
      if (instance.getSource(CASE_SOURCE) && instance.isSourceLoaded(CASE_SOURCE)) syncBadges();
    });
    // Ready once the tiles in view are drawn (browser tests and screenshots wait for it).
    instance.on('idle', () => setDrawn(true));
    instance.on('moveend', () => {
      const b = instance.getBounds();
      setBbox(bboxParam({ west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() }));
    });

    instance.on('click', CASE_LAYERS.clusters, (e) => {
      const f = e.features?.[0];
      if (!f || f.geometry.type !== 'Point') return;
      const source = instance.getSource<GeoJSONSource>(CASE_SOURCE);
      const center = f.geometry.coordinates as [number, number];
      void source?.getClusterExpansionZoom(Number(f.properties.cluster_id)).then((zoom) => instance.easeTo({ center, zoom: zoom + 0.5 }));
    });
    instance.on('click', CASE_LAYERS.points, (e: { features?: MapGeoJSONFeature[] }) => {
      const f = e.features?.[0];
      if (!f || f.geometry.type !== 'Point') return;
      popup?.remove();
      popup = new Popup({ offset: 10, maxWidth: '280px' }).setLngLat(f.geometry.coordinates as [number, number]).setDOMContent(popupContent(f.properties as unknown as CaseMapProperties)).addTo(instance);
    });
    for (const layer of [CASE_LAYERS.clusters, CASE_LAYERS.points]) {
      instance.on('mouseenter', layer, () => {
        instance.getCanvas().style.cursor = 'pointer';
      });
      instance.on('mouseleave', layer, () => {
        instance.getCanvas().style.cursor = '';
      });
    }

    /** The popup as DOM (MapLibre owns it); the link goes through the router, not a page load. */
    function popupContent(p: CaseMapProperties): HTMLElement {
      const { t: tr, language: lang } = labelsRef.current;
      const box = document.createElement('div');
      box.className = 'rg-case-popup';
      box.dataset.testid = 'case-popup';
      const no = document.createElement('div');
      no.className = 'rg-mono';
      no.textContent = p.caseNo;
      const title = document.createElement('strong');
      title.textContent = p.title;
      const state = document.createElement('div');
      state.textContent = `${CASE_STATE_LABELS[p.state][lang]} · ${p.itemName}`;
      box.append(no, title, state);
      if (p.dueRedAt) {
        const due = document.createElement('div');
        due.textContent = tr('caseMap.due', { time: formatDateTime(p.dueRedAt, lang) });
        box.append(due);
      }
      const link = document.createElement('a');
      link.href = `/cases/${p.id}`;
      link.textContent = tr('caseMap.openCase');
      link.addEventListener('click', (ev) => {
        ev.preventDefault();
        void navigateRef.current(`/cases/${p.id}`);
      });
      box.append(link);
      return box;
    }

    return () => {
      for (const marker of markers.values()) marker.remove();
      popup?.remove();
      setMap(null);
      instance.remove();
    };
    // The style is built once.
  }, []);

  // First view: the caller's own areas; then the box follows the map.
  const shapes = rootShapes.data;
  useEffect(() => {
    if (!map || fitted || roots.isLoading) return;
    const boxes = (shapes ?? []).map((s) => bboxOf(s.geometry)).filter((b): b is NonNullable<typeof b> => b !== null);
    if (boxes.length) {
      const west = Math.min(...boxes.map((b) => b[0]));
      const south = Math.min(...boxes.map((b) => b[1]));
      const east = Math.max(...boxes.map((b) => b[2]));
      const north = Math.max(...boxes.map((b) => b[3]));
      map.fitBounds([[west, south], [east, north]], { padding: 24, duration: 0, maxZoom: 16 });
    } else if (rootIds.length && rootShapes.isLoading) return;
    const b = map.getBounds();
    setBbox(bboxParam({ west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() }));
    setFitted(true);
  }, [map, shapes, fitted, roots.isLoading, rootIds.length, rootShapes.isLoading]);

  const data = cases.data;
  useEffect(() => {
    if (!map || !data) return;
    map.getSource<GeoJSONSource>(CASE_SOURCE)?.setData({ type: 'FeatureCollection', features: withTones(data.features) });
  }, [map, data]);

  return (
    <div data-testid="case-map-page">
      <div className="rg-page-title">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('caseMap.title')}
        </Typography.Title>
        <Button icon={<UnorderedListOutlined />} onClick={() => void navigate('/cases?view=area')}>
          {t('caseMap.inbox')}
        </Button>
      </div>
      <Typography.Paragraph type="secondary">{t('caseMap.intro')}</Typography.Paragraph>
      {cases.error ? <Alert type="error" showIcon title={describe(cases.error)} style={{ marginBottom: 12 }} /> : null}
      {data?.truncated ? <Alert type="warning" showIcon title={t('caseMap.truncated', { count: data.features.length })} style={{ marginBottom: 12 }} data-testid="case-map-truncated" /> : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={18}>
          {failed ? <Alert type="warning" showIcon title={t('caseMap.noMap')} /> : null}
          <div
            ref={containerRef}
            className="rg-case-map"
            data-testid="case-map"
            data-ready={map && fitted && data && drawn ? 'true' : 'false'}
            data-count={data?.features.length ?? 0}
            style={{ height: 'min(70vh, 640px)', minHeight: 320, borderRadius: 6, overflow: 'hidden', border: '1px solid #f0f0f0' }}
          />
        </Col>
        <Col xs={24} lg={6}>
          <Card size="small" data-testid="case-map-legend">
            <Space orientation="vertical" size={6}>
              {CASE_TONES.map((tone) => (
                <Space key={tone} size={8}>
                  <span className="rg-case-dot" style={{ background: CASE_TONE_COLORS[tone] }} />
                  <Typography.Text>{t(`caseMap.legend.${tone}`)}</Typography.Text>
                </Space>
              ))}
              <Typography.Text type="secondary" data-testid="case-map-shown">
                {t('caseMap.shown', { count: data?.features.length ?? 0 })}
              </Typography.Text>
            </Space>
          </Card>
          {data && data.unlocated.length > 0 ? (
            <Card size="small" title={t('caseMap.unlocated')} style={{ marginTop: 16 }} data-testid="case-map-unlocated">
              <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
                {t('caseMap.unlocatedHint')}
              </Typography.Paragraph>
              <List
                size="small"
                dataSource={data.unlocated}
                renderItem={(u) => (
                  <List.Item>
                    <Typography.Text>{u.gridName ?? `#${u.gridId}`}</Typography.Text>
                    <Tag>{u.count}</Tag>
                  </List.Item>
                )}
              />
            </Card>
          ) : null}
        </Col>
      </Row>
    </div>
  );
}
