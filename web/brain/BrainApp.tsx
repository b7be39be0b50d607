/**
 * The operations-centre screen (一屏概览): city indicators by domain with status colour and trend,
 * the city map (Apache ECharts, drawn from the districts' boundaries) with open alerts and
 * incidents, a live alert feed, the incidents under way, and a district's own figures on click.
 * Dark, for a wall at 1920×1080 or 3840×2160; Simplified Chinese by default.
 */
import { escapeHtml } from '../shared/escape';
import { EffectScatterChart, LineChart, MapChart, ScatterChart } from 'echarts/charts';
import { GeoComponent, GridComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Me } from '../shared/api';
import { AuthGate, SessionButtons } from '../shared/auth';
import { type District, useDistricts } from '../shared/CityMap';
import { useApi, useCoalesced, useLive } from '../shared/hooks';
import { useI18n } from '../shared/i18n';
import { CommandDialog, LEVEL_ROMAN } from './CommandDialog';
import { levelColour, levelText } from '../shared/levels';
import { unitIn } from '../shared/labels';
import { LeaderView } from './LeaderView';
import type { AlertView } from '../../modules/warning/index.js';

echarts.use([MapChart, ScatterChart, EffectScatterChart, LineChart, GeoComponent, GridComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

type Label = { zh: string; en: string };

interface City {
  name: Label;
  departments: number;
  population: number;
}

interface IndicatorItem {
  id: string;
  name: Label;
  domain: string;
  unit?: string;
  source?: { attr?: string };
  breakdown?: 'district' | 'department';
  current: {
    value: number | null;
    status: 'green' | 'yellow' | 'red' | null;
    breakdown: Record<string, number> | null;
    previous: number | null;
    basis: number;
  } | null;
}

/** The server's alert shape (modules/warning/warning.schemas.ts). */
type AlertRow = AlertView;

interface IncidentRow {
  id: string;
  title: string;
  level: number | null;
  severity: number;
  status: string;
  district: string | null;
  location: { lon: number; lat: number } | null;
  progress: { tasks: number; completed: number; overdue: number };
}

// Status colours for text on the panels, each at least 4.5:1 against them (WCAG AA; docs/brain.md).
const STATUS_COLOUR = { green: '#3ccf7a', yellow: '#f5c000', red: '#ff6b6b' } as const;

/** A short two-tone chime for a new alert (Web Audio: nothing to download). */
function chime(): void {
  try {
    const ctx = new AudioContext();
    for (const [i, f] of [880, 660].entries()) {
      const o = ctx.createOscillator();
      const g = ctx.createGain();
      o.frequency.value = f;
      g.gain.setValueAtTime(0.15, ctx.currentTime + i * 0.18);
      g.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + i * 0.18 + 0.16);
      o.connect(g).connect(ctx.destination);
      o.start(ctx.currentTime + i * 0.18);
      o.stop(ctx.currentTime + i * 0.18 + 0.17);
    }
    setTimeout(() => void ctx.close(), 600);
  } catch {
    /* no audio on this screen */
  }
}

function Clock() {
  const [now, setNow] = useState(new Date());
  useEffect(() => {
    const id = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(id);
  }, []);
  return <span className="brain-clock">{now.toLocaleString('zh-CN', { hour12: false })}</span>;
}

/** A water quality class (GB 3838-2002) is read as one: 2 is Ⅱ类, 6 is 劣Ⅴ类. */
const isClass = (i: Pick<IndicatorItem, 'source'>) => i.source?.attr === '$waterClass';
const CLASSES = ['', 'Ⅰ类', 'Ⅱ类', 'Ⅲ类', 'Ⅳ类', 'Ⅴ类', '劣Ⅴ类'];
export function figure(i: Pick<IndicatorItem, 'source'>, v: number | null): string {
  if (v === null) return '—';
  if (isClass(i)) return CLASSES[Math.round(v)] ?? String(v);
  return v.toLocaleString('zh-CN');
}

/** A figure as the wall reads it: the value, its unit, and the change since an hour ago. */
function Tile({ i, selected, onSelect }: { i: IndicatorItem; selected: boolean; onSelect: () => void }) {
  const { n, lang } = useI18n();
  const v = i.current?.value ?? null;
  const prev = i.current?.previous ?? null;
  const diff = v !== null && prev !== null ? v - prev : null;
  const colour = i.current?.status ? STATUS_COLOUR[i.current.status] : '#5cc8ff';
  return (
    <button
      type="button"
      className={`brain-tile${selected ? ' active' : ''}`}
      onClick={onSelect}
      data-testid={`tile-${i.id}`}
      data-status={i.current?.status ?? ''}
    >
      <span className="brain-tile-name">{n(i.name)}</span>
      <span className="brain-tile-value" style={{ color: colour }}>
        {figure(i, v)}
        {i.unit && !isClass(i) && <small> {unitIn(i.unit, lang)}</small>}
      </span>
      {diff !== null && diff !== 0 && (
        <span className="brain-tile-trend" title={diff > 0 ? 'up since an hour ago' : 'down since an hour ago'}>
          {diff > 0 ? '▲' : '▼'} {Math.abs(Number(diff.toFixed(2))).toLocaleString('zh-CN')}
        </span>
      )}
    </button>
  );
}

/** The city map: districts (coloured by the chosen indicator's breakdown when it has one), open alerts, incidents. */
interface DeviceCell {
  lon: number;
  lat: number;
  count: number;
  online: number;
  offline: number;
  unknown: number;
  value?: { mean: number; max: number; n: number };
}
interface ResourceMark {
  id: string;
  kind: string;
  name: string;
  location: { lon: number; lat: number };
  available: number;
  quantity: number;
  unit: string | null;
}
export type Layers = { devices: boolean; alerts: boolean; incidents: boolean; resources: boolean; cases: boolean };

/** An open city-management case on the map (GET /api/urban/layer). */
interface CaseMark {
  id: string;
  subcategory: string;
  lon: number;
  lat: number;
  overdue: boolean;
  urgent: boolean;
}

/** How the device layer is coloured: by health, or by a value where the layer's devices have one. */
export const COLOURINGS = {
  health: { query: '', colour: healthColour },
  // HJ 633 AQI level colours: 优 green, 良 yellow, 轻度 orange, 中度 red, 重度 purple, 严重 maroon.
  aqi: {
    query: '&type=AirQualityObserved&attr=%24aqi',
    colour: (c: DeviceCell) => {
      const v = c.value?.max;
      if (v === undefined) return '#7d93b5';
      return v <= 50 ? '#00e400' : v <= 100 ? '#ffff00' : v <= 150 ? '#ff7e00' : v <= 200 ? '#ff0000' : v <= 300 ? '#99004c' : '#7e0023';
    },
  },
  // GB 3838 classes: Ⅰ–Ⅱ blue, Ⅲ green, Ⅳ yellow, Ⅴ orange, 劣Ⅴ red.
  water: {
    query: '&type=WaterQualityObserved&attr=%24waterClass',
    colour: (c: DeviceCell) => {
      const v = c.value?.max;
      if (v === undefined) return '#7d93b5';
      return ['#2f7fe0', '#2f7fe0', '#2f7fe0', '#3ccf7a', '#f5c000', '#fa8c16', '#ff4d4f'][Math.round(v)] ?? '#ff4d4f';
    },
  },
  // Scenic-area load: under 80 % green, to 100 % yellow, over red.
  load: {
    query: '&type=VisitorCounterObserved&attr=%24load',
    colour: (c: DeviceCell) => {
      const v = c.value?.max;
      if (v === undefined) return '#7d93b5';
      return v < 0.8 ? '#3ccf7a' : v < 1 ? '#f5c000' : '#ff4d4f';
    },
  },
} as const;
export type Colouring = keyof typeof COLOURINGS;

/** A cell's colour by the share of its devices online: green from 95 %, yellow from 85 %, red below. */
function healthColour(c: DeviceCell): string {
  const share = c.count ? c.online / c.count : 0;
  return share >= 0.95 ? '#3ccf7a' : share >= 0.85 ? '#f5c000' : c.online === 0 && c.offline === 0 ? '#7d93b5' : '#ff4d4f';
}

function WallMap({
  districts,
  alerts,
  incidents,
  cells,
  colouring,
  resources,
  cases,
  layers,
  indicator,
  selected,
  onSelect,
  onAlert,
}: {
  districts: District[];
  alerts: AlertRow[];
  incidents: IncidentRow[];
  cells: DeviceCell[];
  colouring: Colouring;
  resources: ResourceMark[];
  cases: CaseMark[];
  layers: Layers;
  indicator: IndicatorItem | null;
  selected: string | null;
  onSelect: (adcode: string) => void;
  onAlert: (id: string) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const { n, t } = useI18n();
  const names = useMemo(() => new Map(districts.map((d) => [d.adcode, n(d.name)])), [districts, n]);
  const select = useRef(onSelect);
  select.current = onSelect;
  const pick = useRef(onAlert);
  pick.current = onAlert;
  useEffect(() => {
    if (!ref.current) return;
    echarts.registerMap('wudang-city', {
      type: 'FeatureCollection',
      features: districts.filter((d) => d.geometry).map((d) => ({ type: 'Feature', properties: { name: d.adcode }, geometry: d.geometry })),
    } as unknown as Parameters<typeof echarts.registerMap>[1]);
    const c = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    // The chart's handle on its box, for browser tests that open tooltips without aiming a mouse.
    (ref.current as HTMLDivElement & { chart?: echarts.ECharts }).chart = c;
    c.on('click', (e) => {
      if (e.componentType === 'geo' || e.seriesType === 'map') select.current(String(e.name));
      // An alert's mark opens one click to command.
      else if (e.seriesName === 'alerts') pick.current((e.data as { id: string }).id);
    });
    // The map follows its box: the window, and the history panel opening below it.
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(ref.current);
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [districts]);
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const breakdown = indicator?.breakdown === 'district' ? (indicator.current?.breakdown ?? null) : null;
    // Readable from across the room: marks and labels scale with the screen (a 4K wall doubles them).
    const k = window.innerWidth >= 3000 ? 2 : 1;
    const values = breakdown ? Object.values(breakdown) : [];
    c.setOption(
      {
        backgroundColor: 'transparent',
        tooltip: { trigger: 'item' },
        geo: {
          map: 'wudang-city',
          roam: true,
          label: { show: true, color: '#e6edf7', fontSize: 14 * k, formatter: (p: { name: string }) => names.get(p.name) ?? p.name },
          itemStyle: { areaColor: '#143056', borderColor: '#4f8fdc', borderWidth: 1.2 },
          emphasis: { itemStyle: { areaColor: '#2b4f80' }, label: { color: '#ffd666' } },
          select: { itemStyle: { areaColor: '#d4a017' } },
          selectedMode: 'single',
          regions: selected ? [{ name: selected, selected: true }] : [],
        },
        visualMap: breakdown
          ? {
              min: Math.min(0, ...values),
              max: Math.max(1, ...values),
              calculable: false,
              left: 16,
              bottom: 16,
              textStyle: { color: '#cfe0f7', fontSize: 12 * k },
              inRange: { color: ['#1a4270', '#2f7fe0', '#f5c000', '#ff4d4f'] },
              seriesIndex: 0,
            }
          : undefined,
        series: [
          {
            type: 'map',
            geoIndex: 0,
            name: indicator ? n(indicator.name) : '',
            data: breakdown ? Object.entries(breakdown).map(([name, value]) => ({ name, value })) : [],
            tooltip: {
              formatter: (p: { name: string; value: number }) => `${escapeHtml(names.get(p.name) ?? p.name)}: ${Number.isFinite(p.value) ? p.value : '—'}`,
            },
          },
          {
            type: 'scatter',
            coordinateSystem: 'geo',
            name: 'devices',
            data: layers.devices
              ? cells.map((c) => ({
                  name: `${c.count} · ${t('brain.online')} ${c.online}${c.value ? ` · ${t(`brain.colour.${colouring}`)} ${c.value.max}` : ''}`,
                  value: [c.lon, c.lat, c.count],
                  symbolSize: Math.min(40, 5 + 2.5 * Math.sqrt(c.count)) * k,
                  itemStyle: { color: COLOURINGS[colouring].colour(c), opacity: 0.8 },
                }))
              : [],
            tooltip: { formatter: (p: { name: string }) => `${escapeHtml(t('brain.layer.devices'))}: ${escapeHtml(p.name)}` },
          },
          {
            type: 'scatter',
            coordinateSystem: 'geo',
            name: 'resources',
            symbol: 'triangle',
            symbolSize: 14 * k,
            data: layers.resources
              ? resources.map((r) => ({
                  name: `${r.name} · ${r.available}/${r.quantity}${r.unit ?? ''}`,
                  value: [r.location.lon, r.location.lat],
                  itemStyle: { color: r.kind === 'shelter' ? '#b37feb' : '#36cfc9' },
                }))
              : [],
            tooltip: { formatter: (p: { name: string }) => escapeHtml(p.name) },
          },
          {
            type: 'scatter',
            coordinateSystem: 'geo',
            name: 'cases',
            symbol: 'diamond',
            symbolSize: 9 * k,
            data: layers.cases
              ? cases.map((c) => ({
                  name: `${t('brain.layer.cases')} ${c.subcategory}${c.overdue ? ` · ${t('um.overdue')}` : ''}`,
                  value: [c.lon, c.lat],
                  itemStyle: { color: c.overdue ? '#ff7a45' : c.urgent ? '#fadb14' : '#69c0ff' },
                }))
              : [],
            tooltip: { formatter: (p: { name: string }) => escapeHtml(p.name) },
          },
          {
            type: 'scatter',
            coordinateSystem: 'geo',
            name: 'alerts',
            symbolSize: 12 * k,
            data: (layers.alerts ? alerts : [])
              .filter((a) => a.location)
              .map((a) => ({
                name: n(a.title),
                id: a.id,
                value: [a.location!.lon, a.location!.lat, a.level],
                itemStyle: { color: a.colour, borderColor: '#fff', borderWidth: 1 },
              })),
            tooltip: { formatter: (p: { name: string }) => escapeHtml(p.name) },
          },
          {
            type: 'effectScatter',
            coordinateSystem: 'geo',
            name: 'incidents',
            symbolSize: 20 * k,
            rippleEffect: { scale: 3, brushType: 'stroke' },
            itemStyle: { color: '#ff4d4f' },
            data: (layers.incidents ? incidents : []).filter((i) => i.location).map((i) => ({ name: i.title, value: [i.location!.lon, i.location!.lat] })),
            tooltip: { formatter: (p: { name: string }) => escapeHtml(p.name) },
          },
        ],
      },
      { replaceMerge: ['series', 'visualMap'] },
    );
  }, [alerts, incidents, cells, colouring, resources, cases, layers, indicator, selected, names, n, t]);
  return (
    <div
      ref={ref}
      className="brain-echarts"
      data-testid="brain-map"
      data-alerts={layers.alerts ? alerts.filter((a) => a.location).length : 0}
      data-incidents={layers.incidents ? incidents.filter((i) => i.location).length : 0}
      data-devices={layers.devices ? cells.reduce((a, c) => a + c.count, 0) : 0}
      data-colouring={colouring}
      data-valued={layers.devices ? cells.filter((c) => c.value).length : 0}
      data-resources={layers.resources ? resources.length : 0}
      data-cases={layers.cases ? cases.length : 0}
      role="img"
      aria-label={t('map.city')}
    />
  );
}

/** An indicator's last 24 hours from its snapshots. */
function HistoryChart({ indicator }: { indicator: IndicatorItem }) {
  const { n } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  const { data } = useApi<{ at: number; value: number | null }[]>(`/api/brain/indicators/${indicator.id}/history?hours=24`);
  useEffect(() => {
    if (!ref.current || !data) return;
    const c = echarts.init(ref.current);
    c.setOption({
      backgroundColor: 'transparent',
      animation: false,
      grid: { left: 50, right: 16, top: 24, bottom: 28 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'time', min: Date.now() - 86_400_000, max: Date.now(), axisLabel: { color: '#8fb4e8' } },
      yAxis: { type: 'value', scale: true, axisLabel: { color: '#8fb4e8' }, splitLine: { lineStyle: { color: '#16345a' } } },
      series: [
        { type: 'line', name: n(indicator.name), showSymbol: data.length < 30, data: data.map((p) => [p.at, p.value]), lineStyle: { color: '#5cc8ff' } },
      ],
    });
    return () => c.dispose();
  }, [data, indicator, n]);
  return <div ref={ref} className="brain-history" data-testid="brain-history" data-points={data?.length ?? 0} />;
}

/** The time slider: the last 24 hours in 5-minute steps (the snapshots' slots); the right end is live. */
function ReplayBar({ at, onChange }: { at: number | null; onChange: (at: number | null) => void }) {
  const { t } = useI18n();
  const STEP = 5 * 60_000;
  const [now] = useState(() => Date.now());
  const min = now - 24 * 3_600_000;
  const [draft, setDraft] = useState<number>(at ?? now);
  useEffect(() => setDraft(at ?? Date.now()), [at]);
  const commit = (v: number) => onChange(v >= Date.now() - STEP ? null : v);
  return (
    <div className="brain-replay">
      <label htmlFor="brain-replay-range">{t('brain.replay')}</label>
      <input
        id="brain-replay-range"
        type="range"
        min={min}
        max={now}
        step={STEP}
        value={draft}
        onChange={(e) => setDraft(Number(e.target.value))}
        onMouseUp={() => commit(draft)}
        onKeyUp={() => commit(draft)}
        onTouchEnd={() => commit(draft)}
        data-testid="replay-range"
      />
      <span className="brain-replay-time">{at ? new Date(draft).toLocaleString('zh-CN', { hour12: false }) : t('brain.live')}</span>
      {at && (
        <button type="button" onClick={() => onChange(null)} data-testid="replay-live">
          {t('brain.backToLive')}
        </button>
      )}
    </div>
  );
}

function Screen({ user, signOut }: { user: Me; signOut: () => void }) {
  const { t, n, lang } = useI18n();
  const city = useApi<City>('/api/city');
  const { districts } = useDistricts(true);
  // Replay (回放): a time in the last 24 hours instead of now; null is live.
  const [replayAt, setReplayAt] = useState<number | null>(null);
  const indicators = useApi<{ domains: Record<string, Label>; items: IndicatorItem[] }>(`/api/brain/indicators${replayAt ? `?at=${replayAt}` : ''}`);
  const alerts = useApi<{ items: AlertRow[]; total: number }>(replayAt ? `/api/alerts?openAt=${replayAt}&limit=200` : '/api/alerts?open=true&limit=200');
  const incidents = useApi<IncidentRow[]>(
    replayAt ? `/api/command/incidents?drill=false&activeAt=${replayAt}&limit=100` : '/api/command/incidents?drill=false&status=responding&limit=100',
  );
  const opened = useApi<IncidentRow[]>(replayAt ? null : '/api/command/incidents?drill=false&status=open&limit=100');
  const [selected, setSelected] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [commanding, setCommanding] = useState<string | null>(null);
  const [sound, setSound] = useState(false);
  const [layers, setLayers] = useState<Layers>({ devices: true, alerts: true, incidents: true, resources: false, cases: false });
  const [colouring, setColouring] = useState<Colouring>('health');
  const [deviceType, setDeviceType] = useState('');
  const types = useApi<{ id: string; name: Label }[]>('/api/device-types').data;
  const cellQuery = colouring === 'health' ? (deviceType ? `&type=${encodeURIComponent(deviceType)}` : '') : COLOURINGS[colouring].query;
  const cells = useApi<{ cells: DeviceCell[]; total: number }>(layers.devices ? `/api/brain/layers/devices?grid=0.02${cellQuery}` : null);
  const resources = useApi<ResourceMark[]>(layers.resources && user.permissions.includes('command.read') ? '/api/command/resources' : null);
  const cases = useApi<CaseMark[]>(layers.cases && user.permissions.includes('urban.read') ? '/api/urban/layer' : null);
  // A burst of alerts (a storm) reloads once per 150 ms: a new alert is on the wall well within a second.
  const reloadAlerts = useCoalesced(alerts.reload, 150);
  const reloadIncidents = useCoalesced(() => {
    incidents.reload();
    opened.reload();
  }, 500);
  useLive(
    'alerts,incidents',
    (m) => {
      if (m.kind === 'alert') {
        reloadAlerts();
        // A new alert (alert.raised carries no action), or one that rose or came back.
        if (sound && (!m.action || m.action === 'level_raised' || m.action === 'reopened')) chime();
      }
      if (m.kind === 'incident') reloadIncidents();
    },
    () => {
      // Back after a server restart or a network drop: everything shown may have moved.
      indicators.reload();
      reloadAlerts();
      reloadIncidents();
      cells.reload();
    },
  );
  // Indicators move with the city: every 15 s (the server evaluates at most every 10 s).
  useEffect(() => {
    const id = setInterval(indicators.reload, 15_000);
    return () => clearInterval(id);
  }, [indicators.reload]);
  // Device health moves slowly (a sweep every few seconds, offline after a minute): the layer every 30 s.
  useEffect(() => {
    const id = setInterval(cells.reload, 30_000);
    return () => clearInterval(id);
  }, [cells.reload]);

  const counties = (districts ?? []).filter((d) => d.kind !== 'special_zone');
  const items = indicators.data?.items ?? [];
  const chosenItem = items.find((i) => i.id === chosen) ?? null;
  const domains = indicators.data ? Object.keys(indicators.data.domains).filter((d) => items.some((i) => i.domain === d)) : [];
  const current = replayAt ? (incidents.data ?? []) : [...(opened.data ?? []), ...(incidents.data ?? [])];
  const shownAlerts = (alerts.data?.items ?? []).filter((a) => !selected || a.district === selected);
  const shownIncidents = current.filter((i) => !selected || i.district === selected);
  const districtDevices = useApi<{ total: number }>(selected ? `/api/devices?district=${selected}&limit=1` : null).data;
  const districtOnline = useApi<{ total: number }>(selected ? `/api/devices?district=${selected}&status=online&limit=1` : null).data;
  const districtName = (code: string | null) => (code ? n(districts?.find((d) => d.adcode === code)?.name ?? { zh: code, en: code }) : '—');
  return (
    <div className="brain">
      <header className="brain-header">
        <h1>
          {city.data ? n(city.data.name) : ''} · {t('app.brain')}
        </h1>
        <div className="brain-sub">
          {t('brain.subtitle')}
          {replayAt && (
            <span className="brain-replay-banner" data-testid="replay-banner">
              {t('brain.replaying')} {new Date(replayAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en', { hour12: false })}
              {/* A moment before any figure was kept: say so, rather than show an empty city as if all were well. */}
              {indicators.data && !indicators.data.items.some((i) => i.current?.value !== null && i.current?.value !== undefined) && (
                <b data-testid="replay-empty"> · {t('brain.replayEmpty')}</b>
              )}
            </span>
          )}
        </div>
        <div className="brain-tools">
          <Clock />
          <span>
            {t('brain.duty')}: <span translate="no">{user.displayName ?? user.name}</span>
          </span>
          <a className="brain-link" href="/brain/leader">
            {t('brain.leader')}
          </a>
          <button type="button" aria-pressed={sound} onClick={() => setSound(!sound)} data-testid="sound">
            {sound ? t('brain.soundOn') : t('brain.soundOff')}
          </button>
          <SessionButtons signOut={signOut} />
        </div>
      </header>
      <main className="brain-main">
        <section className="brain-panel brain-left" aria-label={t('brain.indicators')} data-testid="brain-indicators">
          {domains.map((d) => (
            <div key={d} className={items.filter((i) => i.domain === d).length >= 3 ? 'brain-domain wide' : 'brain-domain'}>
              <h2>{n(indicators.data!.domains[d]!)}</h2>
              <div className="brain-tiles">
                {items
                  .filter((i) => i.domain === d)
                  .map((i) => (
                    <Tile key={i.id} i={i} selected={chosen === i.id} onSelect={() => setChosen(chosen === i.id ? null : i.id)} />
                  ))}
              </div>
            </div>
          ))}
        </section>
        <section className="brain-centre">
          <fieldset className="brain-layers">
            <legend className="sr-only">{t('brain.layers')}</legend>
            {(['devices', 'alerts', 'incidents', 'resources', 'cases'] as const).map((l) => (
              <button
                key={l}
                type="button"
                aria-pressed={layers[l]}
                className={layers[l] ? 'on' : ''}
                onClick={() => setLayers({ ...layers, [l]: !layers[l] })}
                data-testid={`layer-${l}`}
              >
                {t(`brain.layer.${l}`)}
              </button>
            ))}
            {colouring === 'health' && (
              <select value={deviceType} onChange={(e) => setDeviceType(e.target.value)} aria-label={t('brain.deviceType')} data-testid="layer-type">
                <option value="">{t('brain.allTypes')}</option>
                {(types ?? []).map((ty) => (
                  <option key={ty.id} value={ty.id}>
                    {n(ty.name)}
                  </option>
                ))}
              </select>
            )}
            <select
              value={colouring}
              onChange={(e) => setColouring(e.target.value as Colouring)}
              aria-label={t('brain.colourBy')}
              data-testid="layer-colouring"
            >
              {(Object.keys(COLOURINGS) as Colouring[]).map((c) => (
                <option key={c} value={c}>
                  {t(`brain.colour.${c}`)}
                </option>
              ))}
            </select>
          </fieldset>
          <div className="brain-map">
            {districts && (
              <WallMap
                districts={districts}
                alerts={alerts.data?.items ?? []}
                incidents={current}
                cells={cells.data?.cells ?? []}
                colouring={colouring}
                resources={resources.data ?? []}
                cases={cases.data ?? []}
                layers={layers}
                indicator={chosenItem}
                selected={selected}
                onSelect={(a) => setSelected(selected === a ? null : a)}
                onAlert={setCommanding}
              />
            )}
          </div>
          <ReplayBar at={replayAt} onChange={setReplayAt} />
          {chosenItem && (
            <div className="brain-panel">
              <h2>
                {n(chosenItem.name)} · {t('brain.last24h')}
              </h2>
              <HistoryChart indicator={chosenItem} />
            </div>
          )}
        </section>
        <section className="brain-panel brain-right">
          <h2>{t('brain.districts')}</h2>
          <ul data-testid="brain-districts" className="brain-district-list">
            {counties.map((d) => (
              <li key={d.adcode}>
                <button type="button" className={selected === d.adcode ? 'active' : ''} onClick={() => setSelected(selected === d.adcode ? null : d.adcode)}>
                  <span>{n(d.name)}</span>
                  <span className="code">{d.adcode}</span>
                </button>
              </li>
            ))}
          </ul>
          {selected && (
            <div data-testid="brain-district-figures" className="brain-district-figures">
              <h2>{districtName(selected)}</h2>
              <dl>
                <div>
                  <dt>{t('brain.layer.devices')}</dt>
                  <dd data-testid="district-devices">
                    {districtDevices?.total ?? '—'} · {t('brain.online')} {districtOnline?.total ?? '—'}
                  </dd>
                </div>
                {items
                  .filter((i) => i.breakdown === 'district' && i.current?.breakdown && selected in i.current.breakdown)
                  .map((i) => (
                    <div key={i.id}>
                      <dt>{n(i.name)}</dt>
                      <dd>
                        {i.current!.breakdown![selected]} {unitIn(i.unit, lang)}
                      </dd>
                    </div>
                  ))}
              </dl>
            </div>
          )}
          <h2>
            {t('brain.alertFeed')} ({shownAlerts.length})
          </h2>
          <ol className="brain-feed" data-testid="brain-alert-feed">
            {shownAlerts.slice(0, 12).map((a) => (
              <li key={a.id} data-alert={a.id}>
                <button type="button" className="brain-feed-item" onClick={() => setCommanding(a.id)}>
                  <span className="brain-level" style={{ background: a.colour, color: a.level === 3 ? '#222' : '#fff' }}>
                    {LEVEL_ROMAN[a.level]}
                  </span>
                  <span className="brain-feed-title" translate="no">
                    {n(a.title)}
                  </span>
                  <span className="brain-feed-time">
                    {new Date(a.raisedAt).toLocaleTimeString('zh-CN', { hour12: false, hour: '2-digit', minute: '2-digit' })}
                  </span>
                </button>
              </li>
            ))}
          </ol>
          <h2>
            {t('brain.incidents')} ({shownIncidents.length})
          </h2>
          <ol className="brain-feed" data-testid="brain-incidents">
            {shownIncidents.slice(0, 8).map((i) => (
              <li key={i.id}>
                <span className="brain-level" style={{ background: levelColour(i.level ?? i.severity), color: levelText(i.level ?? i.severity) }}>
                  {i.level ? LEVEL_ROMAN[i.level] : '—'}
                </span>
                <a className="brain-feed-title" href={`/console/incidents/${i.id}`} translate="no" data-testid="incident-link">
                  {i.title}
                </a>
                <span className="brain-feed-time">
                  {i.progress.completed}/{i.progress.tasks}
                  {i.progress.overdue ? ` · ${t('brain.overdue')} ${i.progress.overdue}` : ''}
                </span>
              </li>
            ))}
          </ol>
        </section>
      </main>
      {commanding && <CommandDialog alertId={commanding} user={user} onClose={() => setCommanding(null)} />}
    </div>
  );
}

export function BrainApp() {
  const { t } = useI18n();
  return (
    <AuthGate app={t('app.brain')} dark allow={(u) => u.permissions.includes('brain.read')}>
      {(user, signOut) =>
        location.pathname.replace(/\/+$/, '').endsWith('/leader') ? <LeaderView user={user} signOut={signOut} /> : <Screen user={user} signOut={signOut} />
      }
    </AuthGate>
  );
}
