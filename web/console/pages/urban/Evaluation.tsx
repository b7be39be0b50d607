/**
 * The evaluation (综合评价, CJ/T 292) of a month: units, districts and posts ranked by their
 * weighted score, a chart of the units' scores, the trend of the last six months, and exports
 * as a workbook (XLSX) and a PDF.
 */
import { App, Button, Card, DatePicker, Space, Table, Tabs, Typography } from 'antd';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useRef, useState } from 'react';
import { download, problemText } from '../../../shared/api';
import { Field } from '../../../shared/Field';
import { useApi } from '../../../shared/hooks';
import { useI18n } from '../../../shared/i18n';
import { Code, Name } from '../../../shared/labels';

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

type Text = { zh: string; en: string };
interface Entry {
  key: string;
  name: string | Text;
  rank: number;
  score: number | null;
  figures: Record<string, number>;
  rates: { onTimeHandling: number | null; onTimeClosing: number | null; rework: number | null; returned: number | null; satisfaction: number | null };
}
interface Evaluation {
  period: { from: string; to: string };
  weights: Record<string, number>;
  districts: Entry[];
  units: Entry[];
  inspectors: Entry[];
  operators: Entry[];
}

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

export function EvaluationPage() {
  const { t, n, lang } = useI18n();
  const { message } = App.useApp();
  const [month, setMonth] = useState<Dayjs>(dayjs());
  const period = month.format('YYYY-MM');
  const e = useApi<Evaluation>(`/api/urban/evaluation?period=${period}`);
  const trend = useApi<{ period: string; units: { key: string; score: number | null }[] }[]>('/api/urban/evaluation/trend?months=6');
  const name = (x: Entry) => (typeof x.name === 'string' ? <Name>{x.name}</Name> : n(x.name));
  const regionColumns = [
    { title: t('um.ev.rank'), dataIndex: 'rank', width: 70 },
    { title: t('um.ev.name'), render: (_: unknown, r: Entry) => name(r) },
    { title: t('um.ev.score'), dataIndex: 'score', render: (v: number | null) => (v === null ? '—' : v.toFixed(2)) },
    { title: t('um.ev.dispatched'), render: (_: unknown, r: Entry) => r.figures.dispatched },
    { title: t('um.ev.closed'), render: (_: unknown, r: Entry) => r.figures.closed },
    { title: t('um.ev.onTimeHandling'), render: (_: unknown, r: Entry) => pct(r.rates.onTimeHandling) },
    { title: t('um.ev.onTimeClosing'), render: (_: unknown, r: Entry) => pct(r.rates.onTimeClosing) },
    { title: t('um.ev.rework'), render: (_: unknown, r: Entry) => r.figures.rework },
    { title: t('um.ev.returned'), render: (_: unknown, r: Entry) => r.figures.returned },
    { title: t('um.ev.overdue'), render: (_: unknown, r: Entry) => r.figures.overdue },
    { title: t('um.ev.hung'), render: (_: unknown, r: Entry) => r.figures.hung },
  ];
  const postColumns = [
    { title: t('um.ev.rank'), dataIndex: 'rank', width: 70 },
    { title: t('um.ev.name'), render: (_: unknown, r: Entry) => name(r) },
    { title: t('um.ev.reported'), render: (_: unknown, r: Entry) => r.figures.reported },
    { title: t('um.ev.filed'), render: (_: unknown, r: Entry) => r.figures.filed },
    { title: t('um.ev.dispatched'), render: (_: unknown, r: Entry) => r.figures.dispatched },
    { title: t('um.ev.verified'), render: (_: unknown, r: Entry) => r.figures.closed },
    { title: t('um.ev.rework'), render: (_: unknown, r: Entry) => r.figures.rework },
  ];
  const bars = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!bars.current || !e.data) return;
    const chart = echarts.init(bars.current);
    const units = e.data.units.filter((u) => u.score !== null).slice(0, 20);
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      grid: { left: 180, right: 30, top: 10, bottom: 30 },
      xAxis: { type: 'value', max: 100 },
      yAxis: { type: 'category', inverse: true, data: units.map((u) => (typeof u.name === 'string' ? u.name : u.name[lang])) },
      series: [{ type: 'bar', name: t('um.ev.score'), data: units.map((u) => u.score), itemStyle: { color: '#1f5fbf' } }],
    });
    return () => chart.dispose();
  }, [e.data, lang, t]);
  const lines = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!lines.current || !trend.data || !e.data) return;
    const chart = echarts.init(lines.current);
    const top = e.data.units.slice(0, 5);
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 20, top: 40, bottom: 30 },
      xAxis: { type: 'category', data: trend.data.map((m) => m.period) },
      yAxis: { type: 'value', max: 100 },
      series: top.map((u) => ({
        type: 'line',
        name: typeof u.name === 'string' ? u.name : u.name[lang],
        data: trend.data!.map((m) => m.units.find((x) => x.key === u.key)?.score ?? null),
      })),
    });
    return () => chart.dispose();
  }, [trend.data, e.data, lang]);
  const exportAs = async (format: 'xlsx' | 'pdf') => {
    try {
      await download(`/api/urban/evaluation?period=${period}&format=${format}`, `evaluation-${period}.${format}`);
    } catch (err) {
      message.error(problemText(err));
    }
  };
  return (
    <>
      <Typography.Title level={3}>{t('nav.evaluation')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('um.ev.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }}>
        <Field>
          {t('um.ev.month')} <DatePicker picker="month" value={month} onChange={(v) => v && setMonth(v)} allowClear={false} />
        </Field>
        <Button onClick={() => exportAs('xlsx')}>{t('um.ev.xlsx')}</Button>
        <Button onClick={() => exportAs('pdf')}>{t('um.ev.pdf')}</Button>
        {e.data && (
          <Typography.Text type="secondary">
            {t('um.ev.weights')}{' '}
            <Code>
              {e.data.weights.onTimeClosing}/{e.data.weights.onTimeHandling}/{e.data.weights.noRework}/{e.data.weights.noReturn}
            </Code>
          </Typography.Text>
        )}
      </Space>
      <Space align="start" wrap style={{ width: '100%' }}>
        <Card title={t('um.ev.unitScores')} size="small" style={{ width: 560 }}>
          <div ref={bars} style={{ height: 320 }} role="img" aria-label={t('um.ev.unitScores')} />
        </Card>
        <Card title={t('um.ev.trend')} size="small" style={{ width: 560 }}>
          <div ref={lines} style={{ height: 320 }} role="img" aria-label={t('um.ev.trend')} />
        </Card>
      </Space>
      <Tabs
        style={{ marginTop: 16 }}
        items={[
          {
            key: 'units',
            label: t('um.ev.units'),
            children: <Table rowKey="key" size="small" loading={e.loading} dataSource={e.data?.units ?? []} columns={regionColumns} pagination={false} />,
          },
          {
            key: 'districts',
            label: t('um.ev.districts'),
            children: <Table rowKey="key" size="small" loading={e.loading} dataSource={e.data?.districts ?? []} columns={regionColumns} pagination={false} />,
          },
          {
            key: 'inspectors',
            label: t('um.ev.inspectors'),
            children: <Table rowKey="key" size="small" loading={e.loading} dataSource={e.data?.inspectors ?? []} columns={postColumns} pagination={false} />,
          },
          {
            key: 'operators',
            label: t('um.ev.operators'),
            children: <Table rowKey="key" size="small" loading={e.loading} dataSource={e.data?.operators ?? []} columns={postColumns} pagination={false} />,
          },
        ]}
      />
    </>
  );
}
