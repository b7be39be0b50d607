import { Alert, App, Button, Card, Descriptions, Drawer, Form, Input, InputNumber, Modal, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, type Me, mayChange, problemText } from '../../shared/api';
import { CityMap, useDistricts } from '../../shared/CityMap';
import { useApi } from '../../shared/hooks';
import { type StringKey, useI18n } from '../../shared/i18n';
import { Code, coordinateRule, Name, useCityBounds, useDeptName } from '../../shared/labels';

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export interface DeviceTypeInfo {
  id: string;
  name: { zh: string; en: string };
  domain: string;
  model: string;
  defaultIntervalSeconds: number;
  attributes: { key: string; name: { zh: string; en: string }; valueType: string; unitCode?: string; unitText?: string; min?: number; max?: number }[];
  retention: { rawDays: number; minuteDays: number; hourDays: number };
}

interface Health {
  status: string;
  lastSeen: number | null;
  accepted: number;
  rejected: number;
  lastError: string | null;
  stuck: Record<string, number>;
}

interface DeviceRow {
  id: string;
  name: string;
  type: string;
  department: string;
  district: string | null;
  location: { lon: number; lat: number } | null;
  tags: string[];
  simulated: boolean;
  version: number;
  health: Health;
}

const STATUS_COLOR: Record<string, string> = { online: '#52c41a', offline: '#ff4d4f', unknown: '#bfbfbf' };

/** A reading as people read it: at most six significant digits, no float noise. */
export function formatReading(v: number | string | null): string {
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  return String(Number(v.toPrecision(6)));
}

/** A district's name for its GB/T 2260 code. */
function districtName(
  districts: { adcode: string; name: { zh: string; en: string } }[] | null,
  code: string | null,
  n: (x: { zh: string; en: string }) => string,
) {
  if (!code) return '—';
  const d = districts?.find((x) => x.adcode === code);
  return d ? n(d.name) : code;
}

/** The spans a device chart offers, with the resolution each reads (per minute up to a day, then per hour). */
export const CHART_RANGES = [
  { key: '6h', hours: 6, resolution: 'minute' },
  { key: '24h', hours: 24, resolution: 'minute' },
  { key: '7d', hours: 24 * 7, resolution: 'hour' },
  { key: '30d', hours: 24 * 30, resolution: 'hour' },
] as const;

function Chart({ device, attr, hours }: { device: string; attr: string; hours: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const { t } = useI18n();
  const range = CHART_RANGES.find((r) => r.hours === hours) ?? CHART_RANGES[1];
  // The window ends at the minute the chart was opened (the chart is keyed by its attribute and span).
  const [to] = useState(() => Math.ceil(Date.now() / 60_000) * 60_000);
  const { data } = useApi<{ points: { t: number; min: number; max: number; avg: number }[]; unit: string | null }>(
    `/api/devices/${encodeURIComponent(device)}/series?attr=${encodeURIComponent(attr)}&resolution=${range.resolution}&from=${to - range.hours * 3_600_000}&to=${to}`,
  );
  useEffect(() => {
    if (!ref.current || !data) return;
    const chart = echarts.init(ref.current);
    const names = { avg: t('dev.avg'), min: t('dev.min'), max: t('dev.max') };
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { data: Object.values(names), top: 0, right: 10 },
      grid: { left: 50, right: 20, top: 40, bottom: 30 },
      xAxis: { type: 'time', min: to - range.hours * 3_600_000, max: to },
      yAxis: { type: 'value', name: data.unit ?? '', scale: true },
      series: (['avg', 'min', 'max'] as const).map((k) => ({
        name: names[k],
        type: 'line',
        showSymbol: false,
        lineStyle: k === 'avg' ? { width: 2 } : { width: 1, type: 'dashed' },
        data: data.points.map((p) => [p.t, p[k]]),
      })),
    });
    return () => chart.dispose();
  }, [data, t, to, range.hours]);
  return <div ref={ref} data-testid="device-chart" data-points={data?.points.length ?? 0} style={{ width: '100%', height: 260 }} />;
}

function DeviceDetail({ id, types, me, onClose }: { id: string; types: DeviceTypeInfo[]; me: Me; onClose: () => void }) {
  const { t, n } = useI18n();
  const deptName = useDeptName();
  const { districts } = useDistricts(false);
  const { message } = App.useApp();
  const { data } = useApi<
    DeviceRow & { latest: { attr: string; ts: number; v: number | null; s: string | null }[]; entityId: string; intervalSeconds: number }
  >(`/api/devices/${encodeURIComponent(id)}`);
  const type = types.find((x) => x.id === data?.type);
  const numeric = type?.attributes.filter((a) => a.valueType === 'number' || a.valueType === 'integer') ?? [];
  const [attr, setAttr] = useState<string | null>(null);
  const [hours, setHours] = useState(24);
  const [token, setToken] = useState<string | null>(null);
  const chosen = attr ?? numeric[0]?.key ?? null;
  const changeable = !!data && mayChange(me, data) && me.permissions.includes('devices.manage');
  return (
    <Drawer open width={720} title={data ? `${data.name} · ${data.id}` : id} onClose={onClose}>
      {data && (
        <Space direction="vertical" style={{ width: '100%' }}>
          {!mayChange(me, data) && <Alert type="info" showIcon message={t('scope.readOnlyDevice')} data-testid="read-only" />}
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('dev.type')}>{type ? n(type.name) : data.type}</Descriptions.Item>
            <Descriptions.Item label={t('dev.entityId')}>
              <Code>{data.entityId}</Code>
            </Descriptions.Item>
            <Descriptions.Item label={t('dev.department')}>{deptName(data.department)}</Descriptions.Item>
            <Descriptions.Item label={t('dev.district')}>{districtName(districts, data.district, n)}</Descriptions.Item>
            <Descriptions.Item label={t('dev.health')}>
              <Tag color={STATUS_COLOR[data.health.status]}>{t(`dev.status.${data.health.status}` as 'dev.status.online')}</Tag>
              {data.simulated && <Tag>{t('dev.simulated')}</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label={t('dev.lastSeen')}>{data.health.lastSeen ? new Date(data.health.lastSeen).toLocaleString() : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('dev.accepted')}>{data.health.accepted}</Descriptions.Item>
            <Descriptions.Item label={t('dev.rejected')}>{data.health.rejected}</Descriptions.Item>
            {data.health.lastError && (
              <Descriptions.Item label={t('dev.lastError')} span={2}>
                {data.health.lastError}
              </Descriptions.Item>
            )}
            {Object.keys(data.health.stuck).length > 0 && (
              <Descriptions.Item label={t('dev.stuck')} span={2}>
                {Object.keys(data.health.stuck).join(', ')}
              </Descriptions.Item>
            )}
          </Descriptions>
          <Table
            size="small"
            rowKey="attr"
            pagination={false}
            title={() => t('dev.latest')}
            dataSource={data.latest}
            columns={[
              { title: t('dev.attributes'), render: (_, l) => n(type?.attributes.find((a) => a.key === l.attr)?.name ?? { zh: l.attr, en: l.attr }) },
              { title: t('dev.value'), render: (_, l) => `${formatReading(l.v ?? l.s)} ${type?.attributes.find((a) => a.key === l.attr)?.unitText ?? ''}` },
              { title: t('dev.time'), render: (_, l) => new Date(l.ts).toLocaleString() },
            ]}
          />
          {chosen && (
            <Card
              size="small"
              title={t('dev.chart')}
              extra={
                <Space>
                  <Segmented
                    size="small"
                    value={hours}
                    onChange={(v) => setHours(Number(v))}
                    options={CHART_RANGES.map((r) => ({ value: r.hours, label: t(`dev.range.${r.key}` as StringKey) }))}
                    data-testid="chart-range"
                  />
                  <Select
                    size="small"
                    value={chosen}
                    onChange={setAttr}
                    aria-label={t('dev.attributes')}
                    options={numeric.map((a) => ({ value: a.key, label: n(a.name) }))}
                    style={{ width: 180 }}
                  />
                </Space>
              }
            >
              <Chart key={`${chosen}-${hours}`} device={data.id} attr={chosen} hours={hours} />
            </Card>
          )}
          {changeable && (
            <Button
              onClick={async () => {
                try {
                  setToken((await api<{ token: string }>('POST', `/api/devices/${encodeURIComponent(data.id)}/token`)).token);
                } catch (err) {
                  message.error(problemText(err));
                }
              }}
            >
              {t('dev.rotate')}
            </Button>
          )}
          {token && <Alert type="warning" message={t('dev.token')} description={<Typography.Text copyable>{token}</Typography.Text>} />}
        </Space>
      )}
    </Drawer>
  );
}

export function DevicesPage({ canManage, me }: { canManage: boolean; me: Me }) {
  const { t, n } = useI18n();
  const deptName = useDeptName();
  const { message } = App.useApp();
  const { districts } = useDistricts(true);
  const { data: types } = useApi<DeviceTypeInfo[]>('/api/device-types');
  const [type, setType] = useState<string | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const query = new URLSearchParams({ limit: '1000', offset: '0', ...(type ? { type } : {}), ...(status ? { status } : {}), ...(q ? { q } : {}) });
  const { data, reload } = useApi<{ total: number; items: DeviceRow[] }>(`/api/devices?${query}`);
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [created, setCreated] = useState<{ id: string; token: string } | null>(null);
  const [csv, setCsv] = useState('');
  const [importResult, setImportResult] = useState<string | null>(null);
  const [form] = Form.useForm();
  const depts = useApi<{ code: string; name: { zh: string; en: string } }[]>('/api/departments').data;
  const bounds = useCityBounds();
  useEffect(() => {
    const timer = setInterval(reload, 10_000);
    return () => clearInterval(timer);
  }, [reload]);
  const points = useMemo(
    () =>
      (data?.items ?? [])
        .filter((d) => d.location)
        .map((d) => ({
          id: d.id,
          lon: d.location!.lon,
          lat: d.location!.lat,
          color: STATUS_COLOR[d.health.status] ?? '#999',
          title: d.name,
          onClick: () => setSelected(d.id),
        })),
    [data],
  );
  const counts: Record<string, number> = {};
  for (const d of data?.items ?? []) counts[d.health.status] = (counts[d.health.status] ?? 0) + 1;
  return (
    <Card
      title={t('nav.devices')}
      extra={
        canManage && (
          <Space>
            <Button type="primary" onClick={() => setCreating(true)}>
              {t('dev.new')}
            </Button>
            <Button onClick={() => setImporting(true)}>{t('dev.import')}</Button>
          </Space>
        )
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          placeholder={t('dev.type')}
          aria-label={t('dev.type')}
          showSearch
          optionFilterProp="label"
          style={{ width: 220 }}
          value={type}
          onChange={setType}
          options={(types ?? []).map((x) => ({ value: x.id, label: n(x.name) }))}
        />
        <Select
          allowClear
          placeholder={t('dev.health')}
          aria-label={t('dev.health')}
          style={{ width: 140 }}
          value={status}
          onChange={setStatus}
          options={['online', 'offline', 'unknown'].map((s) => ({ value: s, label: t(`dev.status.${s}` as 'dev.status.online') }))}
        />
        <Input.Search allowClear placeholder={t('dev.search')} aria-label={t('dev.search')} onSearch={setQ} style={{ width: 200 }} />
        {['online', 'offline', 'unknown'].map((s) => (
          <Tag key={s} color={STATUS_COLOR[s]} data-testid={`count-${s}`}>
            {t(`dev.status.${s}` as 'dev.status.online')} {counts[s] ?? 0}
          </Tag>
        ))}
      </Space>
      {districts && <CityMap districts={districts} height={340} points={points} />}
      <Table
        rowKey="id"
        size="small"
        dataSource={data?.items ?? []}
        pagination={{ current: page, pageSize: 20, onChange: setPage, total: data?.items.length ?? 0 }}
        onRow={(d) => ({ onClick: () => setSelected(d.id), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('dev.id'), dataIndex: 'id', render: (v: string) => <Code>{v}</Code> },
          { title: t('col.name'), dataIndex: 'name', render: (v: string) => <Name>{v}</Name> },
          { title: t('dev.type'), render: (_, d) => n(types?.find((x) => x.id === d.type)?.name ?? { zh: d.type, en: d.type }) },
          {
            title: t('dev.department'),
            dataIndex: 'department',
            render: (v: string, d) => (
              <>
                {deptName(v)} {!mayChange(me, d) && <Tag data-testid="read-only-tag">{t('scope.readOnly')}</Tag>}
              </>
            ),
          },
          { title: t('dev.district'), render: (_, d) => districtName(districts, d.district, n) },
          {
            title: t('dev.health'),
            render: (_, d) => (
              <Space size={4}>
                <Tag color={STATUS_COLOR[d.health.status]}>{t(`dev.status.${d.health.status}` as 'dev.status.online')}</Tag>
                {Object.keys(d.health.stuck).length > 0 && <Tag color="orange">{t('dev.stuck')}</Tag>}
                {d.simulated && <Tag>{t('dev.simulated')}</Tag>}
              </Space>
            ),
          },
          { title: t('dev.lastSeen'), render: (_, d) => (d.health.lastSeen ? new Date(d.health.lastSeen).toLocaleTimeString() : '—') },
        ]}
      />
      {selected && types && <DeviceDetail id={selected} types={types} me={me} onClose={() => setSelected(null)} />}
      <Modal
        open={creating}
        title={t('dev.new')}
        onCancel={() => {
          setCreating(false);
          setCreated(null);
        }}
        onOk={async () => {
          if (created) {
            setCreating(false);
            setCreated(null);
            return;
          }
          const v = await form.validateFields();
          try {
            const r = await api<{ device: { id: string }; token: string }>('POST', '/api/devices', {
              ...(v.id ? { id: v.id } : {}),
              name: v.name,
              type: v.type,
              ...(v.department ? { department: v.department } : {}),
              location: { lon: v.lon, lat: v.lat, datum: v.datum },
              ...(v.tags
                ? {
                    tags: String(v.tags)
                      .split(/[,;\s]+/)
                      .filter(Boolean),
                  }
                : {}),
            });
            setCreated({ id: r.device.id, token: r.token });
            reload();
          } catch (err) {
            message.error(problemText(err));
          }
        }}
      >
        {created ? (
          <Alert type="success" message={`${created.id}: ${t('dev.token')}`} description={<Typography.Text copyable>{created.token}</Typography.Text>} />
        ) : (
          <Form form={form} layout="vertical" initialValues={{ datum: 'GCJ-02' }}>
            <Form.Item
              name="id"
              label={t('dev.id')}
              extra={t('dev.idHint')}
              rules={[{ pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, message: t('dev.idRule') }]}
            >
              <Input maxLength={64} showCount />
            </Form.Item>
            <Form.Item name="name" label={t('col.name')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
              <Input maxLength={100} showCount />
            </Form.Item>
            <Form.Item name="type" label={t('dev.type')} rules={[{ required: true, message: t('form.choose') }]}>
              <Select showSearch optionFilterProp="label" options={(types ?? []).map((x) => ({ value: x.id, label: n(x.name) }))} />
            </Form.Item>
            <Form.Item name="department" label={t('dev.department')}>
              <Select allowClear showSearch optionFilterProp="label" options={(depts ?? []).map((d) => ({ value: d.code, label: n(d.name) }))} />
            </Form.Item>
            <Space>
              <Form.Item
                name="lon"
                label={t('cmd.lon')}
                dependencies={['lat']}
                rules={[{ required: true, message: t('form.required') }, coordinateRule('lon', bounds, t)]}
              >
                <InputNumber step={0.0001} />
              </Form.Item>
              <Form.Item
                name="lat"
                label={t('cmd.lat')}
                dependencies={['lon']}
                rules={[{ required: true, message: t('form.required') }, coordinateRule('lat', bounds, t)]}
              >
                <InputNumber step={0.0001} />
              </Form.Item>
              <Form.Item name="datum" label={t('dev.datum')}>
                <Select style={{ width: 110 }} options={[{ value: 'GCJ-02' }, { value: 'WGS-84' }]} />
              </Form.Item>
            </Space>
            <Form.Item name="tags" label={t('dev.tags')} extra={t('dev.tagsHint')}>
              <Input maxLength={500} />
            </Form.Item>
          </Form>
        )}
      </Modal>
      <Modal
        open={importing}
        title={t('dev.import')}
        width={720}
        onCancel={() => {
          setImporting(false);
          setImportResult(null);
        }}
        onOk={async () => {
          try {
            const r = await api<{ created: number; failed: number; results: { row: number; id?: string; errors?: { detail: string }[] }[] }>(
              'POST',
              '/api/devices/import',
              csv,
              'text/csv',
            );
            setImportResult(
              [
                `created ${r.created}, failed ${r.failed}`,
                ...r.results.filter((x) => x.errors).map((x) => `row ${x.row + 1} ${x.id ?? ''}: ${x.errors!.map((e) => e.detail).join('; ')}`),
              ].join('\n'),
            );
            reload();
          } catch (err) {
            message.error(problemText(err));
          }
        }}
      >
        <Typography.Paragraph type="secondary">{t('dev.csv')}</Typography.Paragraph>
        <Input.TextArea rows={8} value={csv} onChange={(e) => setCsv(e.target.value)} />
        {importResult && <pre style={{ marginTop: 12, whiteSpace: 'pre-wrap' }}>{importResult}</pre>}
      </Modal>
    </Card>
  );
}

export function DeviceTypesPage() {
  const { t, n } = useI18n();
  const { data } = useApi<DeviceTypeInfo[]>('/api/device-types');
  return (
    <Card title={t('nav.deviceTypes')}>
      <Table
        rowKey="id"
        size="small"
        dataSource={data ?? []}
        pagination={false}
        expandable={{
          expandedRowRender: (ty) => (
            <Table
              rowKey="key"
              size="small"
              pagination={false}
              dataSource={ty.attributes}
              columns={[
                { title: t('dev.attrKey'), dataIndex: 'key', render: (v: string) => <Code>{v}</Code> },
                { title: t('col.name'), render: (_, a) => n(a.name) },
                { title: t('dev.valueType'), dataIndex: 'valueType', render: (v: string) => t(`dev.vt.${v}` as StringKey) },
                { title: t('dev.unit'), render: (_, a) => (a.unitCode ? `${a.unitText ?? ''} (${a.unitCode})` : '—') },
                { title: t('dev.range'), render: (_, a) => (a.min !== undefined || a.max !== undefined ? `${a.min ?? '−∞'} … ${a.max ?? '∞'}` : '—') },
              ]}
            />
          ),
        }}
        columns={[
          { title: t('col.name'), render: (_, ty) => n(ty.name) },
          { title: t('dev.ngsiType'), dataIndex: 'id', render: (v: string) => <Code>{v}</Code> },
          { title: t('dev.domain'), dataIndex: 'domain', render: (v: string) => (DOMAIN_NAMES[v] ? n(DOMAIN_NAMES[v]) : <Code>{v}</Code>) },
          {
            title: t('dev.model'),
            render: (_, ty) => (
              <Tag color={ty.model === 'sdm' ? 'blue' : 'purple'} translate="no">
                {ty.model === 'sdm' ? 'Smart Data Models' : 'Wudang'}
              </Tag>
            ),
          },
          { title: t('dev.interval'), dataIndex: 'defaultIntervalSeconds' },
          {
            title: t('dev.retention'),
            render: (_, ty) => `${ty.retention.rawDays} / ${ty.retention.minuteDays} / ${ty.retention.hourDays}`,
          },
        ]}
      />
    </Card>
  );
}

/** The domains device types belong to (the sensing catalogue's `domain`). */
const DOMAIN_NAMES: Record<string, { zh: string; en: string }> = {
  environment: { zh: '生态环境', en: 'Environment' },
  water: { zh: '水务', en: 'Water' },
  'water-supply': { zh: '供水', en: 'Water supply' },
  drainage: { zh: '排水防涝', en: 'Drainage' },
  transport: { zh: '交通', en: 'Transport' },
  tourism: { zh: '文旅', en: 'Tourism' },
  urban: { zh: '城市管理', en: 'Urban management' },
  gas: { zh: '燃气', en: 'Gas' },
  bridge: { zh: '桥梁', en: 'Bridges' },
  weather: { zh: '气象', en: 'Weather' },
  emergency: { zh: '应急', en: 'Emergency' },
};
