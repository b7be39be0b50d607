/**
 * Early warning in the console: the alert inbox (routed to the user's department and district),
 * alert detail with the evidence chart and timeline, and the rule list and form editor with a
 * live check and a backtest.
 */
import { Alert, App, Button, Card, Descriptions, Drawer, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag, Timeline, Typography } from 'antd';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiError, api, problemText } from '../../shared/api';
import { useDistricts } from '../../shared/CityMap';
import { useApi, useCoalesced, useLive, useServerCheck } from '../../shared/hooks';
import { type StringKey, useI18n } from '../../shared/i18n';
import type { DeviceTypeInfo } from './Devices';

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, CanvasRenderer]);

type Label = { zh: string; en: string };

interface AlertRow {
  id: string;
  ruleId: string;
  subject: string;
  deviceId: string | null;
  level: number;
  levelLabel: Label;
  colour: string;
  predicted: boolean;
  status: string;
  title: Label;
  department: string;
  district: string | null;
  recipients: { department: string; role: string }[];
  simulated: boolean;
  raisedAt: number;
  flapping: boolean;
  reopenCount: number;
  rev: number;
}

interface Evidence {
  latest: {
    at: number;
    conditions: { kind: string; attr?: string; value?: number; threshold?: number; expectedAt?: number; confidence?: number; detail?: string }[];
  };
  series: { attr: string; points: [number, number][] }[];
}

interface AlertDetail extends AlertRow {
  evidence: Evidence;
  timeline: { at: number; actor: { id: string | null; name: string }; action: string; level: number | null; comment: string | null }[];
  notifications: { id: string; channel: string; department: string; address: string; status: string; attempts: number; lastError: string | null }[];
}

const STATUS_COLOUR: Record<string, string> = { raised: 'red', acknowledged: 'orange', resolved: 'green', closed: 'default' };
const ACTION_ZH: Record<string, string> = {
  raised: '发布预警',
  predicted: '发布预测预警',
  confirmed: '预测已成为实况',
  level_raised: '预警升级',
  level_lowered: '预警降级',
  cleared: '条件解除',
  reopened: '再次触发',
  flapping: '频繁波动',
  acknowledged: '确认',
  comment: '备注',
  resolved: '处置完毕',
  closed: '关闭',
  escalated: '超时升级通知',
  notify_failed: '通知失败',
};

export function LevelTag({ a }: { a: Pick<AlertRow, 'level' | 'levelLabel' | 'colour'> }) {
  const { n } = useI18n();
  return (
    <Tag color={a.colour} style={{ color: a.level === 3 ? '#333' : '#fff', fontWeight: 600 }} data-testid="level-tag">
      {n(a.levelLabel)}
    </Tag>
  );
}

function EvidenceChart({ evidence }: { evidence: Evidence }) {
  const ref = useRef<HTMLDivElement>(null);
  const { t } = useI18n();
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current);
    const thresholds = evidence.latest.conditions.filter((c) => c.threshold !== undefined && c.kind !== 'rate' && c.kind !== 'count');
    const expected = evidence.latest.conditions.find((c) => c.expectedAt !== undefined);
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0, right: 10 },
      grid: { left: 50, right: 30, top: 40, bottom: 30 },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', scale: true },
      series: evidence.series.map((s, i) => ({
        name: s.attr,
        type: 'line',
        showSymbol: false,
        data: s.points,
        ...(i === 0
          ? {
              markLine: {
                symbol: 'none',
                data: [
                  ...thresholds.map((c) => ({
                    yAxis: c.threshold,
                    name: `${t('warn.threshold')} ${c.threshold}`,
                    lineStyle: { color: '#e8363b', type: 'dashed' },
                  })),
                  ...(expected ? [{ xAxis: expected.expectedAt, name: t('warn.expectedAt'), lineStyle: { color: '#2f7fe0' } }] : []),
                  { xAxis: evidence.latest.at, name: t('warn.raisedAt'), lineStyle: { color: '#999' } },
                ],
                label: { formatter: '{b}' },
              },
            }
          : {}),
      })),
    });
    return () => chart.dispose();
  }, [evidence, t]);
  const points = evidence.series.reduce((a, s) => a + s.points.length, 0);
  return <div ref={ref} data-testid="evidence-chart" data-points={points} style={{ width: '100%', height: 260 }} />;
}

function AlertDrawer({
  id,
  onClose,
  onChanged,
  canAct,
  canCommand,
}: {
  id: string;
  onClose: () => void;
  onChanged: () => void;
  canAct: boolean;
  canCommand: boolean;
}) {
  const { t, n, lang } = useI18n();
  const { message } = App.useApp();
  const nav = useNavigate();
  // One click to command: the alert becomes an incident (or opens the one it is already part of).
  const toIncident = async () => {
    try {
      const inc = await api<{ id: string }>('POST', '/api/command/incidents', { fromAlert: id });
      nav(`/incidents/${inc.id}`);
    } catch (e) {
      const existing = e instanceof ApiError ? (e.problem as { incidentId?: string }).incidentId : undefined;
      if (existing) nav(`/incidents/${existing}`);
      else message.error(problemText(e));
    }
  };
  const { data, reload } = useApi<AlertDetail>(`/api/alerts/${encodeURIComponent(id)}`);
  const [acting, setActing] = useState<null | 'comment' | 'resolve' | 'close' | 'acknowledge'>(null);
  const [comment, setComment] = useState('');
  const act = async (action: string, text?: string) => {
    try {
      await api('POST', `/api/alerts/${encodeURIComponent(id)}/${action}`, { ...(text ? { comment: text } : {}), rev: data?.rev });
      setActing(null);
      setComment('');
      reload();
      onChanged();
    } catch (e) {
      message.error(problemText(e));
      reload();
    }
  };
  const open = data && (data.status === 'raised' || data.status === 'acknowledged');
  const cond = data?.evidence?.latest?.conditions ?? [];
  return (
    <Drawer open width={780} title={data ? n(data.title) : id} onClose={onClose} data-testid="alert-drawer">
      {data && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <LevelTag a={data} />
            <Tag color={STATUS_COLOUR[data.status]} data-testid="alert-status">
              {t(`warn.status.${data.status}` as StringKey)}
            </Tag>
            {data.predicted && <Tag color="blue">{t('warn.predicted')}</Tag>}
            {data.flapping && <Tag color="purple">{t('warn.flapping')}</Tag>}
            {data.simulated && <Tag>{t('warn.simulated')}</Tag>}
          </Space>
          {canAct && open && (
            <Space wrap>
              {canCommand && (
                <Button type="primary" danger onClick={toIncident} data-testid="to-incident">
                  {t('cmd.toIncident')}
                </Button>
              )}
              {data.status === 'raised' && (
                <Button type="primary" data-testid="ack" onClick={() => act('acknowledge')}>
                  {t('warn.acknowledge')}
                </Button>
              )}
              <Button onClick={() => setActing('comment')}>{t('warn.comment')}</Button>
              <Button onClick={() => setActing('resolve')} data-testid="resolve">
                {t('warn.resolve')}
              </Button>
              <Button danger onClick={() => setActing('close')}>
                {t('warn.close')}
              </Button>
            </Space>
          )}
          <Descriptions size="small" bordered column={2}>
            <Descriptions.Item label={t('warn.rule')}>{data.ruleId}</Descriptions.Item>
            <Descriptions.Item label={t('warn.raisedAt')}>{new Date(data.raisedAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en')}</Descriptions.Item>
            <Descriptions.Item label={t('warn.recipients')} span={2}>
              {data.recipients.map((r) => (
                <Tag key={r.department}>{r.department}</Tag>
              ))}
            </Descriptions.Item>
            {cond.map((c, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the evidence list is fixed for a render
              <Descriptions.Item key={`${c.kind}${i}`} label={`${c.kind}${c.attr ? ` · ${c.attr}` : ''}`} span={2}>
                {c.value !== undefined && <span>{c.value} </span>}
                {c.threshold !== undefined && (
                  <span>
                    ({t('warn.threshold')} {c.threshold}){' '}
                  </span>
                )}
                {c.expectedAt !== undefined && (
                  <span data-testid="expected-at">
                    {t('warn.expectedAt')} {new Date(c.expectedAt).toLocaleTimeString()} · {t('warn.confidence')} {Math.round((c.confidence ?? 0) * 100)}%{' '}
                  </span>
                )}
                {c.detail && <Typography.Text type="secondary">{c.detail}</Typography.Text>}
              </Descriptions.Item>
            ))}
          </Descriptions>
          <Card size="small" title={t('warn.evidence')}>
            <EvidenceChart evidence={data.evidence} />
          </Card>
          <Card size="small" title={t('warn.timeline')}>
            <Timeline
              data-testid="alert-timeline"
              items={data.timeline.map((e) => ({
                color: e.action === 'escalated' || e.action === 'notify_failed' ? 'red' : e.actor.id ? 'blue' : 'gray',
                children: (
                  <div>
                    <Typography.Text strong>{lang === 'zh' ? (ACTION_ZH[e.action] ?? e.action) : e.action.replace('_', ' ')}</Typography.Text>{' '}
                    <Typography.Text type="secondary">
                      {new Date(e.at).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en')} · {e.actor.name}
                    </Typography.Text>
                    {e.comment && <div>{e.comment}</div>}
                  </div>
                ),
              }))}
            />
          </Card>
          {data.notifications.length > 0 && (
            <Table
              size="small"
              rowKey="id"
              pagination={false}
              title={() => t('warn.notifications')}
              dataSource={data.notifications}
              columns={[
                { title: 'channel', dataIndex: 'channel' },
                { title: t('warn.owner'), dataIndex: 'department' },
                { title: 'address', dataIndex: 'address' },
                {
                  title: t('warn.status'),
                  dataIndex: 'status',
                  render: (s: string) => <Tag color={s === 'sent' ? 'green' : s === 'failed' ? 'red' : 'orange'}>{s}</Tag>,
                },
                { title: 'error', dataIndex: 'lastError' },
              ]}
            />
          )}
        </Space>
      )}
      <Modal
        open={acting !== null}
        title={acting ? t(`warn.${acting}` as StringKey) : ''}
        onCancel={() => setActing(null)}
        onOk={() => acting && act(acting, comment)}
        okButtonProps={{ 'data-testid': 'act-ok' } as Record<`data-${string}`, string>}
      >
        <Input.TextArea rows={3} value={comment} onChange={(e) => setComment(e.target.value)} placeholder={t('warn.reason')} data-testid="act-comment" />
      </Modal>
    </Drawer>
  );
}

export function AlertsPage({ canAct, canCommand = false }: { canAct: boolean; canCommand?: boolean }) {
  const { t, n, lang } = useI18n();
  const { districts } = useDistricts(false);
  const [openOnly, setOpenOnly] = useState(true);
  const [level, setLevel] = useState<number | null>(null);
  const [page, setPage] = useState(1);
  const url = `/api/alerts?limit=20&offset=${(page - 1) * 20}${openOnly ? '&open=true' : ''}${level ? `&level=${level}` : ''}`;
  const { data, reload, loading } = useApi<{ items: AlertRow[]; total: number }>(url);
  const [selected, setSelected] = useState<string | null>(null);
  // Bursts of events (a storm) reload once.
  const reloadSoon = useCoalesced(reload);
  useLive('alerts', (m) => {
    if (m.kind === 'alert') reloadSoon();
  });
  const districtName = (code: string | null) => (code ? n(districts?.find((d) => d.adcode === code)?.name ?? { zh: code, en: code }) : '—');
  return (
    <Card
      title={t('nav.alerts')}
      extra={
        <Space>
          <Select
            allowClear
            placeholder={t('warn.level')}
            style={{ width: 160 }}
            value={level}
            onChange={(v) => setLevel(v ?? null)}
            options={[1, 2, 3, 4].map((l) => ({ value: l, label: ['', 'Ⅰ 红色', 'Ⅱ 橙色', 'Ⅲ 黄色', 'Ⅳ 蓝色'][l] }))}
          />
          <Space>
            {t('warn.openOnly')}
            <Switch checked={openOnly} onChange={setOpenOnly} data-testid="open-only" />
          </Space>
        </Space>
      }
    >
      <Table
        size="small"
        rowKey="id"
        loading={loading}
        data-testid="alerts-table"
        dataSource={data?.items ?? []}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage }}
        onRow={(a) => ({ onClick: () => setSelected(a.id), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('warn.level'), render: (_, a) => <LevelTag a={a} />, width: 120 },
          {
            title: t('warn.title'),
            render: (_, a) => (
              <Space>
                <span>{n(a.title)}</span>
                {a.predicted && <Tag color="blue">{t('warn.predicted')}</Tag>}
                {a.flapping && <Tag color="purple">{t('warn.flapping')}</Tag>}
                {a.simulated && <Tag>{t('warn.simulated')}</Tag>}
              </Space>
            ),
          },
          { title: t('dev.district'), render: (_, a) => districtName(a.district), width: 110 },
          { title: t('warn.status'), render: (_, a) => <Tag color={STATUS_COLOUR[a.status]}>{t(`warn.status.${a.status}` as StringKey)}</Tag>, width: 100 },
          { title: t('warn.raisedAt'), render: (_, a) => new Date(a.raisedAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en'), width: 180 },
        ]}
      />
      {selected && <AlertDrawer id={selected} canAct={canAct} canCommand={canCommand} onClose={() => setSelected(null)} onChanged={reload} />}
    </Card>
  );
}

// ---- rules ----

type Cond = Record<string, unknown> & { kind: string };
interface RuleDef {
  name: Label;
  description?: string;
  source: string;
  owner: string;
  task: string;
  scope: { types?: string[]; districts?: string[]; tags?: string[]; devices?: string[] };
  levels: { level: number; condition: Cond }[];
  notify?: string[];
  routing?: 'matrix' | 'device';
  clearAfterSeconds?: number;
}
interface Rule extends RuleDef {
  id: string;
  version: number;
  enabled: boolean;
  status: string;
  suspendedReason: string | null;
  faults: { subject: string; fault: string }[];
}

const SIMPLE_KINDS = ['threshold', 'rate', 'absence', 'stuck', 'baseline', 'predict'] as const;
const KIND_LABEL: Record<string, Label> = {
  threshold: { zh: '阈值（含回差、持续时间）', en: 'Threshold (hysteresis, duration)' },
  rate: { zh: '变化速率', en: 'Rate of change' },
  absence: { zh: '无数据', en: 'No data' },
  stuck: { zh: '数值停滞', en: 'Stuck value' },
  baseline: { zh: '偏离同期基线', en: 'Deviation from baseline' },
  predict: { zh: '趋势预测（Holt）', en: 'Trend prediction (Holt)' },
  any: { zh: '任一满足', en: 'Any of' },
  all: { zh: '同时满足', en: 'All of' },
  count: { zh: 'n 个设备中 k 个', en: 'k of n devices' },
};

/** The fields of one simple condition, as form controls (numbers, or a device property for thresholds). */
function SimpleCondition({ c, onChange, attrs, path }: { c: Cond; onChange: (c: Cond) => void; attrs: string[]; path: string }) {
  const { t, n } = useI18n();
  const set = (k: string, v: unknown) => {
    const next = { ...c };
    if (v === null || v === undefined || v === '') delete next[k];
    else next[k] = v;
    onChange(next);
  };
  const num = (k: string, label: string, min?: number) => (
    <Form.Item label={label} style={{ marginBottom: 8 }}>
      <InputNumber value={c[k] as number | undefined} min={min} onChange={(v) => set(k, v)} data-testid={`${path}-${k}`} />
    </Form.Item>
  );
  const ref = (k: string, label: string) => {
    const v = c[k];
    const isProp = typeof v === 'object' && v !== null;
    return (
      <Form.Item label={label} style={{ marginBottom: 8 }}>
        <Space.Compact>
          <InputNumber value={isProp ? undefined : (v as number | undefined)} onChange={(x) => set(k, x)} data-testid={`${path}-${k}`} />
          <Input
            style={{ width: 150 }}
            placeholder={t('warn.property')}
            value={isProp ? (v as { property: string }).property : ''}
            onChange={(e) => set(k, e.target.value ? { property: e.target.value } : undefined)}
          />
        </Space.Compact>
      </Form.Item>
    );
  };
  const kind = c.kind;
  return (
    <Space wrap align="start">
      <Form.Item label={t('warn.kind')} style={{ marginBottom: 8 }}>
        <Select
          style={{ width: 220 }}
          value={kind}
          onChange={(k) => onChange({ kind: k })}
          options={SIMPLE_KINDS.map((k) => ({ value: k, label: n(KIND_LABEL[k]!) }))}
          data-testid={`${path}-kind`}
        />
      </Form.Item>
      {kind !== 'absence' || c.attr !== undefined ? (
        <Form.Item label={t('warn.attr')} style={{ marginBottom: 8 }}>
          <Select
            style={{ width: 170 }}
            showSearch
            allowClear={kind === 'absence'}
            value={c.attr as string | undefined}
            onChange={(v) => set('attr', v)}
            options={attrs.map((a) => ({ value: a, label: a }))}
            data-testid={`${path}-attr`}
          />
        </Form.Item>
      ) : null}
      {(kind === 'threshold' || kind === 'predict') && (
        <Form.Item label="op" style={{ marginBottom: 8 }}>
          <Select style={{ width: 70 }} value={c.op as string} onChange={(v) => set('op', v)} options={['>=', '<='].map((o) => ({ value: o, label: o }))} />
        </Form.Item>
      )}
      {kind === 'threshold' && (
        <>
          {ref('value', t('warn.value'))}
          {ref('clear', t('warn.clear'))}
          {num('forSeconds', t('warn.for'), 0)}
        </>
      )}
      {kind === 'rate' && (
        <>
          {num('change', 'change')}
          {num('withinSeconds', 'within (s)', 1)}
        </>
      )}
      {kind === 'absence' && num('seconds', 'seconds', 60)}
      {kind === 'stuck' && (
        <>
          {num('seconds', 'seconds', 60)}
          {num('minReadings', 'min readings', 2)}
        </>
      )}
      {kind === 'baseline' && (
        <>
          {num('weeks', 'weeks', 2)}
          {num('sigmas', 'σ', 0)}
          {num('ratio', 'ratio', 0)}
        </>
      )}
      {kind === 'predict' && (
        <>
          {ref('value', t('warn.value'))}
          {num('horizonSeconds', 'horizon (s)', 60)}
          {num('fitSeconds', 'fit window (s)', 300)}
          {num('minConfidence', t('warn.confidence'), 0)}
        </>
      )}
    </Space>
  );
}

/** A level's condition: a simple one, any/all of simple ones, or k of n devices meeting a simple one. */
function ConditionEditor({ c, onChange, attrs, path }: { c: Cond; onChange: (c: Cond) => void; attrs: string[]; path: string }) {
  const { n } = useI18n();
  const shape = c.kind === 'any' || c.kind === 'all' || c.kind === 'count' ? c.kind : 'simple';
  const children = (c.of as Cond[] | undefined) ?? [];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Select
        style={{ width: 220 }}
        value={shape}
        data-testid={`${path}-shape`}
        onChange={(s) => {
          const base: Cond = shape === 'simple' ? c : ((Array.isArray(c.of) ? (c.of as Cond[])[0] : (c.of as Cond)) ?? { kind: 'threshold', op: '>=' });
          if (s === 'simple') onChange(base);
          else if (s === 'count') onChange({ kind: 'count', k: 3, by: 'district', of: base });
          else onChange({ kind: s, of: [base, { kind: 'threshold', op: '>=' }] });
        }}
        options={[
          { value: 'simple', label: n({ zh: '单一条件', en: 'One condition' }) },
          { value: 'any', label: n(KIND_LABEL.any!) },
          { value: 'all', label: n(KIND_LABEL.all!) },
          { value: 'count', label: n(KIND_LABEL.count!) },
        ]}
      />
      {shape === 'simple' && <SimpleCondition c={c} onChange={onChange} attrs={attrs} path={path} />}
      {(shape === 'any' || shape === 'all') &&
        children.map((x, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: sub-conditions are edited in place by position
          <Space key={`${path}-${i}`} align="start">
            <SimpleCondition c={x} attrs={attrs} path={`${path}-${i}`} onChange={(nx) => onChange({ ...c, of: children.map((y, j) => (j === i ? nx : y)) })} />
            {children.length > 2 && <Button onClick={() => onChange({ ...c, of: children.filter((_, j) => j !== i) })}>−</Button>}
          </Space>
        ))}
      {(shape === 'any' || shape === 'all') && <Button onClick={() => onChange({ ...c, of: [...children, { kind: 'threshold', op: '>=' }] })}>+</Button>}
      {shape === 'count' && (
        <>
          <Space>
            k <InputNumber min={1} value={c.k as number} onChange={(v) => onChange({ ...c, k: v })} />
            <Select
              style={{ width: 160 }}
              value={c.by as string}
              onChange={(v) => onChange({ ...c, by: v })}
              options={[
                { value: 'district', label: n({ zh: '同一区县', en: 'in one district' }) },
                { value: 'scope', label: n({ zh: '规则范围内', en: 'anywhere in scope' }) },
              ]}
            />
          </Space>
          <SimpleCondition c={c.of as Cond} attrs={attrs} path={`${path}-of`} onChange={(nx) => onChange({ ...c, of: nx })} />
        </>
      )}
    </Space>
  );
}

function RuleEditor({ rule, onClose, onSaved }: { rule: Rule | null; onClose: () => void; onSaved: () => void }) {
  const { t, n } = useI18n();
  const { message } = App.useApp();
  const { data: types } = useApi<DeviceTypeInfo[]>('/api/device-types');
  const { data: depts } = useApi<{ code: string; name: Label }[]>('/api/departments');
  const { data: tasks } = useApi<{ id: string; name: string }[]>('/api/plan-tasks');
  const { data: derived } = useApi<{ key: string; label: Label }[]>('/api/warning/derived');
  const { districts } = useDistricts(false);
  const [id, setId] = useState(rule?.id ?? '');
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const [def, setDef] = useState<RuleDef>(
    rule
      ? {
          name: rule.name,
          ...(rule.description ? { description: rule.description } : {}),
          source: rule.source,
          owner: rule.owner,
          task: rule.task,
          scope: rule.scope,
          levels: rule.levels,
          ...(rule.notify ? { notify: rule.notify } : {}),
          ...(rule.routing ? { routing: rule.routing } : {}),
          ...(rule.clearAfterSeconds !== undefined ? { clearAfterSeconds: rule.clearAfterSeconds } : {}),
        }
      : { name: { zh: '', en: '' }, source: '', owner: '', task: '', scope: { types: [] }, levels: [{ level: 4, condition: { kind: 'threshold', op: '>=' } }] },
  );
  // Live check as the form changes.
  const errors = useServerCheck('/api/warning/rules/validate', def);
  const [backtest, setBacktest] = useState<{ periods: { subject: string; level: number; from: number; to: number | null }[]; devices: number } | null>(null);
  const [days, setDays] = useState(1);
  const attrs = useMemo(() => {
    const chosen = (types ?? []).filter((x) => def.scope.types?.includes(x.id));
    const keys = new Set<string>();
    for (const ty of chosen.length ? chosen : (types ?? [])) for (const a of ty.attributes) keys.add(a.key);
    return [...keys].sort().concat((derived ?? []).map((d) => d.key));
  }, [types, def.scope.types, derived]);

  const set = <K extends keyof RuleDef>(k: K, v: RuleDef[K]) => setDef({ ...def, [k]: v });
  const save = async () => {
    try {
      if (rule) await api('PUT', `/api/warning/rules/${encodeURIComponent(rule.id)}`, { ...def, version: rule.version, enabled });
      else await api('POST', '/api/warning/rules', { id, enabled, ...def });
      message.success(t('common.saved'));
      onSaved();
    } catch (e) {
      message.error(problemText(e));
    }
  };
  const runBacktest = async () => {
    try {
      const to = Date.now();
      setBacktest(await api('POST', '/api/warning/backtest', { rule: def, from: to - days * 86_400_000, to }));
    } catch (e) {
      message.error(problemText(e));
    }
  };
  const err = (prefix: string) => errors?.filter((e) => e.pointer.startsWith(`/body${prefix}`)).map((e) => e.detail);
  const help = (prefix: string) => {
    const list = err(prefix);
    return list?.length ? { validateStatus: 'error' as const, help: list.join('; ') } : {};
  };
  return (
    <Drawer open width={920} title={rule ? `${t('warn.edit')} · ${rule.id} · v${rule.version}` : t('warn.newRule')} onClose={onClose} data-testid="rule-editor">
      <Form layout="vertical">
        <Space wrap>
          {!rule && (
            <Form.Item label="ID" required {...help('/id')}>
              <Input value={id} onChange={(e) => setId(e.target.value)} style={{ width: 220 }} data-testid="rule-id" />
            </Form.Item>
          )}
          <Form.Item label="名称 (中文)" required {...help('/name')}>
            <Input value={def.name.zh} onChange={(e) => set('name', { ...def.name, zh: e.target.value })} style={{ width: 260 }} data-testid="rule-name-zh" />
          </Form.Item>
          <Form.Item label="Name (English)" required>
            <Input value={def.name.en} onChange={(e) => set('name', { ...def.name, en: e.target.value })} style={{ width: 260 }} data-testid="rule-name-en" />
          </Form.Item>
          <Form.Item label={t('warn.enabled')}>
            <Switch checked={enabled} onChange={setEnabled} />
          </Form.Item>
        </Space>
        <Form.Item label={t('warn.source')} required {...help('/source')}>
          <Input value={def.source} onChange={(e) => set('source', e.target.value)} data-testid="rule-source" />
        </Form.Item>
        <Space wrap>
          <Form.Item label={t('warn.owner')} required {...help('/owner')}>
            <Select
              showSearch
              style={{ width: 260 }}
              value={def.owner || undefined}
              onChange={(v) => set('owner', v)}
              optionFilterProp="label"
              options={(depts ?? []).map((d) => ({ value: d.code, label: `${n(d.name)} (${d.code})` }))}
              data-testid="rule-owner"
            />
          </Form.Item>
          <Form.Item label={t('warn.task')} required {...help('/task')}>
            <Select
              style={{ width: 260 }}
              value={def.task || undefined}
              onChange={(v) => set('task', v)}
              options={(tasks ?? []).map((x) => ({ value: x.id, label: `${x.name} (${x.id})` }))}
              data-testid="rule-task"
            />
          </Form.Item>
        </Space>
        <Card
          size="small"
          title={t('warn.scope')}
          {...(err('/scope')?.length ? { extra: <Typography.Text type="danger">{err('/scope')!.join('; ')}</Typography.Text> } : {})}
        >
          <Space wrap>
            <Form.Item label={t('warn.types')} style={{ marginBottom: 0 }}>
              <Select
                mode="multiple"
                style={{ width: 320 }}
                value={def.scope.types ?? []}
                onChange={(v) => set('scope', { ...def.scope, types: v })}
                options={(types ?? []).map((x) => ({ value: x.id, label: n(x.name) }))}
                data-testid="rule-types"
              />
            </Form.Item>
            <Form.Item label={t('warn.districts')} style={{ marginBottom: 0 }}>
              <Select
                mode="multiple"
                style={{ width: 240 }}
                value={def.scope.districts ?? []}
                onChange={(v) => set('scope', { ...def.scope, districts: v.length ? v : undefined } as RuleDef['scope'])}
                options={(districts ?? []).map((d) => ({ value: d.adcode, label: n(d.name) }))}
              />
            </Form.Item>
            <Form.Item label={t('warn.tags')} style={{ marginBottom: 0 }}>
              <Select
                mode="tags"
                style={{ width: 200 }}
                value={def.scope.tags ?? []}
                onChange={(v) => set('scope', { ...def.scope, tags: v.length ? v : undefined } as RuleDef['scope'])}
              />
            </Form.Item>
          </Space>
        </Card>
        <Card size="small" title={t('warn.levels')} style={{ marginTop: 12 }}>
          {def.levels.map((l, i) => (
            <Card
              // biome-ignore lint/suspicious/noArrayIndexKey: levels are edited in place by position
              key={i}
              size="small"
              style={{ marginBottom: 8, borderLeft: `4px solid ${['', '#e8363b', '#f08c1a', '#f5c518', '#2f7fe0'][l.level]}` }}
              title={
                <Select
                  style={{ width: 150 }}
                  value={l.level}
                  onChange={(v) =>
                    set(
                      'levels',
                      def.levels.map((x, j) => (j === i ? { ...x, level: v } : x)),
                    )
                  }
                  options={[4, 3, 2, 1].map((v) => ({ value: v, label: ['', 'Ⅰ 红色', 'Ⅱ 橙色', 'Ⅲ 黄色', 'Ⅳ 蓝色'][v] }))}
                  data-testid={`level-${i}`}
                />
              }
              extra={
                def.levels.length > 1 && (
                  <Button
                    onClick={() =>
                      set(
                        'levels',
                        def.levels.filter((_, j) => j !== i),
                      )
                    }
                  >
                    −
                  </Button>
                )
              }
            >
              <ConditionEditor
                c={l.condition}
                attrs={attrs}
                path={`l${i}`}
                onChange={(c) =>
                  set(
                    'levels',
                    def.levels.map((x, j) => (j === i ? { ...x, condition: c } : x)),
                  )
                }
              />
              {err(`/levels/${i}`)?.map((e) => (
                <Typography.Text key={e} type="danger" style={{ display: 'block' }}>
                  {e}
                </Typography.Text>
              ))}
            </Card>
          ))}
          {def.levels.length < 4 && (
            <Button onClick={() => set('levels', [...def.levels, { level: 3, condition: { kind: 'threshold', op: '>=' } }])}>{t('warn.addLevel')}</Button>
          )}
        </Card>
        <div style={{ marginTop: 12 }} data-testid="rule-check">
          {errors && errors.length === 0 && <Alert type="success" showIcon message={t('warn.valid')} />}
          {errors && errors.length > 0 && (
            <Alert
              type="warning"
              showIcon
              message={errors.map((e) => (
                <div key={e.pointer + e.detail}>
                  <code>{e.pointer.replace('/body', '')}</code> {e.detail}
                </div>
              ))}
            />
          )}
        </div>
        <Space style={{ marginTop: 12 }}>
          <Button type="primary" onClick={save} disabled={!errors || errors.length > 0 || (!rule && !id)} data-testid="rule-save">
            {t('warn.save')}
          </Button>
          <InputNumber min={1} max={31} value={days} onChange={(v) => setDays(v ?? 1)} addonAfter={t('warn.backtestDays')} />
          <Button onClick={runBacktest} disabled={!errors || errors.length > 0} data-testid="rule-backtest">
            {t('warn.backtest')}
          </Button>
        </Space>
        {backtest && (
          <Table
            style={{ marginTop: 12 }}
            size="small"
            rowKey={(p) => `${p.subject}${p.from}`}
            data-testid="backtest-result"
            title={() => `${t('warn.fired')}: ${backtest.periods.length} · ${backtest.devices} ${t('warn.devices')}`}
            locale={{ emptyText: t('warn.noFire') }}
            dataSource={backtest.periods}
            pagination={{ pageSize: 10 }}
            columns={[
              { title: t('warn.devices'), dataIndex: 'subject' },
              { title: t('warn.level'), dataIndex: 'level', render: (l: number) => ['', 'Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ'][l] },
              { title: 'from', dataIndex: 'from', render: (v: number) => new Date(v).toLocaleString() },
              { title: 'to', dataIndex: 'to', render: (v: number | null) => (v ? new Date(v).toLocaleString() : '…') },
            ]}
          />
        )}
      </Form>
    </Drawer>
  );
}

export function RulesPage({ canManage }: { canManage: boolean }) {
  const { t, n } = useI18n();
  const { message } = App.useApp();
  const { data, reload, loading } = useApi<Rule[]>('/api/warning/rules');
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);
  return (
    <Card
      title={t('nav.rules')}
      extra={
        canManage && (
          <Button type="primary" onClick={() => setEditing('new')} data-testid="new-rule">
            {t('warn.newRule')}
          </Button>
        )
      }
    >
      <Table
        size="small"
        rowKey="id"
        loading={loading}
        data-testid="rules-table"
        dataSource={data ?? []}
        pagination={{ pageSize: 20 }}
        columns={[
          {
            title: t('warn.rule'),
            render: (_, r) => (
              <Space direction="vertical" size={0}>
                <Typography.Text strong>{n(r.name)}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {r.id} · v{r.version}
                </Typography.Text>
              </Space>
            ),
          },
          { title: t('warn.owner'), dataIndex: 'owner', width: 90 },
          { title: t('warn.task'), dataIndex: 'task', width: 110 },
          {
            title: t('warn.levels'),
            render: (_, r) =>
              r.levels.map((l) => (
                <Tag key={l.level} color={['', '#e8363b', '#f08c1a', '#f5c518', '#2f7fe0'][l.level]}>
                  {['', 'Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ'][l.level]} {l.condition.kind}
                </Tag>
              )),
          },
          {
            title: t('warn.status'),
            width: 160,
            render: (_, r) => (
              <Space direction="vertical" size={0}>
                {r.status === 'suspended' ? (
                  <Tag color="red" title={r.suspendedReason ?? ''}>
                    {t('warn.suspended')}
                  </Tag>
                ) : (
                  <Tag color={r.enabled ? 'green' : 'default'}>{r.enabled ? t('warn.enabled') : '—'}</Tag>
                )}
                {r.faults.length > 0 && (
                  <Typography.Text type="danger" style={{ fontSize: 12 }} title={r.faults.map((f) => f.fault).join('\n')}>
                    {t('warn.faults')}: {r.faults.length}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          { title: t('warn.source'), dataIndex: 'source', ellipsis: true },
          {
            title: '',
            width: 150,
            render: (_, r) =>
              canManage && (
                <Space>
                  <Button size="small" onClick={() => setEditing(r)} data-testid={`edit-${r.id}`}>
                    {t('warn.edit')}
                  </Button>
                  {r.status === 'suspended' && (
                    <Button
                      size="small"
                      onClick={async () => {
                        try {
                          await api('POST', `/api/warning/rules/${encodeURIComponent(r.id)}/resume`);
                          reload();
                        } catch (e) {
                          message.error(problemText(e));
                        }
                      }}
                    >
                      {t('warn.resume')}
                    </Button>
                  )}
                </Space>
              ),
          },
        ]}
      />
      {editing && (
        <RuleEditor
          rule={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
    </Card>
  );
}
