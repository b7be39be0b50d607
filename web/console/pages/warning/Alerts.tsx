/** The alert inbox (routed to the user's department and district) and an alert's detail: evidence chart, timeline, actions. */
import { App, Button, Card, Descriptions, Drawer, Input, Modal, Select, Space, Switch, Table, Tag, Timeline, Typography } from 'antd';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiError, api, problemText } from '../../../shared/api';
import { useDistricts } from '../../../shared/CityMap';
import { useApi, useCoalesced, useLive } from '../../../shared/hooks';
import { type StringKey, useI18n } from '../../../shared/i18n';
import { type AlertDetail, type AlertRow, type Evidence, ACTION_ZH, LevelTag, STATUS_COLOUR } from './common';

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, CanvasRenderer]);

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
            {data.evidence && <EvidenceChart evidence={data.evidence} />}
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
