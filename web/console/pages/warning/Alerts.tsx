/** The alert inbox (routed to the user's department and district) and an alert's detail: evidence chart, timeline, actions. */
import { Alert, App, Button, Card, Descriptions, Drawer, Input, Modal, Select, Space, Switch, Table, Tag, Timeline, Typography } from 'antd';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiError, api, problemText } from '../../../shared/api';
import { useDistricts } from '../../../shared/CityMap';
import { useApi, useCoalesced, useLive } from '../../../shared/hooks';
import { type StringKey, useI18n } from '../../../shared/i18n';
import { Code, useAttributeNamer, useAttributeText, useDeptName } from '../../../shared/labels';
import type { EscalationPolicy } from '../../../../modules/warning/index.js';
import { type AlertDetail, type AlertRow, type Evidence, ACTION_LABEL, LevelTag, STATUS_COLOUR } from './common';
import { KIND_LABEL } from './RuleEditor';

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, CanvasRenderer]);

/** The evidence window: an hour either side of the moment the alert was raised (not past now). */
const EVIDENCE_WINDOW = 3_600_000;

/**
 * The evidence of an alert: its device's readings in the hour before and after it was raised
 * (what the engine saw, and what came after), the threshold, the moment of raising and, for a
 * prediction, the expected crossing. Series are named by the attribute's name and unit.
 */
function EvidenceChart({ evidence, deviceId, canReadDevices }: { evidence: Evidence; deviceId: string | null; canReadDevices: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const { t } = useI18n();
  const attrText = useAttributeText();
  const raised = evidence.latest.at;
  const from = raised - EVIDENCE_WINDOW;
  // Fixed when the evidence is shown (not at every render: the readings are fetched once).
  const to = useMemo(() => Math.min(Date.now(), raised + EVIDENCE_WINDOW), [raised]);
  const attrKey = [...new Set(evidence.series.map((s) => s.attr).filter((a) => !a.startsWith('$')))].join(',');
  // The device's stored readings around the alert, where the viewer may read them; else what the alert kept.
  const [readings, setReadings] = useState<Record<string, [number, number][]> | null>(null);
  useEffect(() => {
    if (!deviceId || !canReadDevices || !attrKey) return;
    let live = true;
    Promise.all(
      attrKey
        .split(',')
        .map((a) =>
          api<{ points: { t: number; avg: number | null }[] }>(
            'GET',
            `/api/devices/${encodeURIComponent(deviceId)}/series?attr=${encodeURIComponent(a)}&from=${from}&to=${to}&resolution=raw`,
          ).then((r) => [a, r.points.filter((p) => p.avg !== null).map((p) => [p.t, p.avg!] as [number, number])] as const),
        ),
    )
      .then((all) => live && setReadings(Object.fromEntries(all)))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [deviceId, canReadDevices, attrKey, from, to]);
  const series = useMemo(
    () => evidence.series.map((s) => ({ attr: s.attr, points: readings?.[s.attr]?.length ? readings[s.attr]! : s.points })),
    [evidence, readings],
  );
  const names = series.map((s) => attrText(null, s.attr) ?? s.attr);
  const nameKey = names.join('|');
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current);
    const thresholds = evidence.latest.conditions.filter((c) => c.threshold !== undefined && c.kind !== 'rate' && c.kind !== 'count');
    const expected = evidence.latest.conditions.find((c) => c.expectedAt !== undefined);
    const times = series.flatMap((s) => s.points.map((p) => p[0]));
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0, right: 10 },
      grid: { left: 50, right: 30, top: 40, bottom: 30 },
      // The window around the alert; a prediction's expected crossing stays in view.
      xAxis: {
        type: 'time',
        min: Math.min(from, ...times),
        max: Math.max(to, raised, expected?.expectedAt ?? 0, ...times),
      },
      yAxis: { type: 'value', scale: true },
      series: series.map((s, i) => ({
        name: nameKey.split('|')[i],
        type: 'line',
        // A handful of readings show as points: one reading is a dot, not an empty chart.
        showSymbol: s.points.length < 30,
        symbolSize: 6,
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
  }, [evidence, series, t, nameKey, from, to, raised]);
  const points = series.reduce((a, s) => a + s.points.length, 0);
  return <div ref={ref} data-testid="evidence-chart" data-points={points} style={{ width: '100%', height: 260 }} />;
}

function AlertDrawer({
  id,
  onClose,
  onChanged,
  canAct,
  canCommand,
  canReadDevices = false,
}: {
  id: string;
  onClose: () => void;
  onChanged: () => void;
  canAct: boolean;
  canCommand: boolean;
  canReadDevices?: boolean;
}) {
  const { t, n, lang } = useI18n();
  const deptName = useDeptName();
  const attrName = useAttributeNamer();
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
          {data.readOnly && <Alert type="info" showIcon message={t('scope.readOnlyAlert')} data-testid="read-only" />}
          {canAct && open && !data.readOnly && (
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
            <Descriptions.Item label={t('warn.rule')}>
              <Code>{data.ruleId}</Code>
            </Descriptions.Item>
            <Descriptions.Item label={t('warn.raisedAt')}>{new Date(data.raisedAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en')}</Descriptions.Item>
            <Descriptions.Item label={t('warn.recipients')} span={2}>
              {data.recipients.map((r) => (
                <Tag key={r.department}>{deptName(r.department)}</Tag>
              ))}
            </Descriptions.Item>
            {cond.map((c, i) => (
              <Descriptions.Item
                // biome-ignore lint/suspicious/noArrayIndexKey: the evidence list is fixed for a render
                key={`${c.kind}${i}`}
                label={
                  <>
                    {KIND_LABEL[c.kind] ? n(KIND_LABEL[c.kind]!).split('（')[0] : c.kind}
                    {c.attr ? <> · {attrName(null, c.attr)}</> : null}
                  </>
                }
                span={2}
              >
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
                {c.detail && (
                  <Typography.Text type="secondary" translate="no">
                    {c.detail}
                  </Typography.Text>
                )}
              </Descriptions.Item>
            ))}
          </Descriptions>
          <Card size="small" title={t('warn.evidence')}>
            {data.evidence && <EvidenceChart evidence={data.evidence} deviceId={data.deviceId} canReadDevices={canReadDevices} />}
          </Card>
          <Card size="small" title={t('warn.timeline')}>
            <Timeline
              data-testid="alert-timeline"
              items={data.timeline.map((e) => ({
                color: e.action === 'escalated' || e.action === 'notify_failed' ? 'red' : e.actor.id ? 'blue' : 'gray',
                children: (
                  <div>
                    <Typography.Text strong>{ACTION_LABEL[e.action] ? n(ACTION_LABEL[e.action]!) : e.action}</Typography.Text>{' '}
                    <Typography.Text type="secondary">
                      {new Date(e.at).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en')} · {e.actor.name}
                    </Typography.Text>
                    {/* The engine's entries are told in words (the server's summary); a person's comment as written. */}
                    {e.summary ? <div>{n(e.summary)}</div> : e.comment && <div translate="no">{e.comment}</div>}
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
                { title: t('warn.channel'), dataIndex: 'channel', render: (c: string) => t(`warn.channel.${c}` as StringKey) },
                { title: t('warn.owner'), dataIndex: 'department', render: (d: string) => deptName(d) },
                { title: t('warn.address'), dataIndex: 'address', render: (a: string) => <Code>{a}</Code> },
                {
                  title: t('warn.status'),
                  dataIndex: 'status',
                  render: (s: string) => <Tag color={s === 'sent' ? 'green' : s === 'failed' ? 'red' : 'orange'}>{t(`warn.delivery.${s}` as StringKey)}</Tag>,
                },
                { title: t('warn.lastError'), dataIndex: 'lastError', render: (e: string | null) => (e ? <span translate="no">{e}</span> : '—') },
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

export function AlertsPage({ canAct, canCommand = false, canReadDevices = false }: { canAct: boolean; canCommand?: boolean; canReadDevices?: boolean }) {
  const { t, n, lang } = useI18n();
  const { districts } = useDistricts(false);
  const [openOnly, setOpenOnly] = useState(true);
  const [level, setLevel] = useState<number | null>(null);
  const [page, setPage] = useState(1);
  const url = `/api/alerts?limit=20&offset=${(page - 1) * 20}${openOnly ? '&open=true' : ''}${level ? `&level=${level}` : ''}`;
  const { data, reload, loading } = useApi<{ items: AlertRow[]; total: number }>(url);
  const [selected, setSelected] = useState<string | null>(null);
  // The time left before an unacknowledged alert escalates to the department's leaders.
  const policy = useApi<EscalationPolicy>('/api/warning/escalation').data;
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const escalatesAt = useCallback(
    (a: AlertRow) => (a.status === 'raised' && !a.readOnly && policy ? a.raisedAt + (policy.afterMinutes[String(a.level) as '1']?.[0] ?? 0) * 60_000 : null),
    [policy],
  );
  // Alerts waiting for someone come first, the soonest to escalate at the top; the rest as the server sorts them.
  const rows = useMemo(
    () =>
      [...(data?.items ?? [])].sort((x, y) => {
        const ex = escalatesAt(x);
        const ey = escalatesAt(y);
        if (ex !== null && ey !== null) return ex - ey;
        return ex !== null ? -1 : ey !== null ? 1 : 0;
      }),
    [data, escalatesAt],
  );
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
        dataSource={rows}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage }}
        onRow={(a) => ({ onClick: () => setSelected(a.id), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('warn.level'), render: (_, a) => <LevelTag a={a} />, width: 120 },
          {
            title: t('warn.title'),
            render: (_, a) => (
              <Space>
                <span translate="no">{n(a.title)}</span>
                {a.predicted && <Tag color="blue">{t('warn.predicted')}</Tag>}
                {a.flapping && <Tag color="purple">{t('warn.flapping')}</Tag>}
                {a.simulated && <Tag>{t('warn.simulated')}</Tag>}
                {a.readOnly && <Tag data-testid="read-only-tag">{t('scope.readOnly')}</Tag>}
              </Space>
            ),
          },
          { title: t('dev.district'), render: (_, a) => districtName(a.district), width: 110 },
          { title: t('warn.status'), render: (_, a) => <Tag color={STATUS_COLOUR[a.status]}>{t(`warn.status.${a.status}` as StringKey)}</Tag>, width: 100 },
          { title: t('warn.raisedAt'), render: (_, a) => new Date(a.raisedAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en'), width: 180 },
          {
            title: t('warn.escalatesIn'),
            width: 130,
            render: (_, a) => {
              const at = escalatesAt(a);
              if (at === null) return '—';
              const m = Math.round((at - now) / 60_000);
              return (
                <Typography.Text type={m <= 0 ? 'danger' : m <= 5 ? 'warning' : undefined} data-testid="escalates-in">
                  {m > 0 ? `${t('todo.left')} ${m} ${t('warn.minutes')}` : t('warn.escalated')}
                </Typography.Text>
              );
            },
          },
        ]}
      />
      {selected && (
        <AlertDrawer
          id={selected}
          canAct={canAct}
          canCommand={canCommand}
          canReadDevices={canReadDevices}
          onClose={() => setSelected(null)}
          onChanged={reload}
        />
      )}
    </Card>
  );
}

// ---- rules ----
