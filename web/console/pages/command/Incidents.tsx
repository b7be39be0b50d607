/**
 * The duty officer's list of incidents (事件列表) with every response's progress at a glance, the
 * form to report one (a phone call, a report), and the drill view (演练): the same list of drills
 * only, with a drill started from any plan.
 */
import {
  App,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  InputNumber,
  Modal,
  Progress as Bar,
  Segmented,
  Select,
  Space,
  Statistic,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, type Me, problemText } from '../../../shared/api';
import { useDistricts } from '../../../shared/CityMap';
import { useApi, useCoalesced, useLive } from '../../../shared/hooks';
import { useI18n } from '../../../shared/i18n';
import { coordinateRule, useCityBounds } from '../../../shared/labels';
import { DrillTag, fmtTime, type Incident, IncidentStatusTag, ResponseLevelTag, useCatalog } from './common';

interface Stats {
  incidents: Record<string, number>;
  tasks: { inForce: number; accepted: number; completed: number; overdue: number };
  medianMinutesToAccept: number | null;
}

interface PlanSummary {
  id: string;
  title: { zh: string; en: string };
  subkinds: string[];
  status: string;
}

export function IncidentsPage({ user, drill }: { user: Me; drill: boolean }) {
  const { t, n, lang } = useI18n();
  const nav = useNavigate();
  const { districts } = useDistricts(false);
  const catalog = useCatalog();
  const [status, setStatus] = useState<'current' | 'ended' | 'all'>('current');
  const { data, loading, reload } = useApi<Incident[]>(`/api/command/incidents?drill=${drill}&limit=200${status === 'ended' ? '&status=ended' : ''}`);
  const reloadSoon = useCoalesced(reload);
  const stats = useApi<Stats>(`/api/command/stats?drill=${drill}`);
  const reloadStats = useCoalesced(stats.reload, 2000);
  useLive('incidents', (m) => {
    if (m.kind !== 'incident') return;
    reloadSoon();
    reloadStats();
  });
  const [reporting, setReporting] = useState(false);
  const rows = (data ?? []).filter((i) => status !== 'current' || i.status !== 'ended');
  const districtName = (code: string | null) => (code ? n(districts?.find((d) => d.adcode === code)?.name ?? { zh: code, en: code }) : '—');
  const canReport = user.permissions.includes('command.report');
  return (
    <Card
      title={
        <Space>
          {drill ? t('nav.drills') : t('nav.incidents')}
          {drill && <DrillTag />}
        </Space>
      }
      extra={
        <Space wrap>
          <Segmented
            value={status}
            onChange={(v) => setStatus(v as typeof status)}
            options={[
              { value: 'current', label: t('cmd.current') },
              { value: 'ended', label: t('cmd.status.ended') },
              { value: 'all', label: t('common.all') },
            ]}
          />
          {canReport && (
            <Button type="primary" onClick={() => setReporting(true)} data-testid="report-incident">
              {drill ? t('cmd.newDrill') : t('cmd.report')}
            </Button>
          )}
        </Space>
      }
    >
      {stats.data && (
        <Space size={40} wrap style={{ marginBottom: 16 }} data-testid="incident-stats">
          <Statistic title={t('cmd.status.open')} value={stats.data.incidents.open ?? 0} valueStyle={stats.data.incidents.open ? { color: '#cf1322' } : {}} />
          <Statistic title={t('cmd.status.responding')} value={stats.data.incidents.responding ?? 0} />
          <Statistic title={t('cmd.tasksInForce')} value={stats.data.tasks.inForce} suffix={`/ ${t('cmd.task.completed')} ${stats.data.tasks.completed}`} />
          <Statistic title={t('cmd.overdue')} value={stats.data.tasks.overdue} valueStyle={stats.data.tasks.overdue ? { color: '#cf1322' } : {}} />
          <Statistic title={t('cmd.medianToAccept')} value={stats.data.medianMinutesToAccept ?? '—'} suffix={t('cmd.minutes')} />
          <Statistic title={t('cmd.ended30d')} value={stats.data.incidents.ended ?? 0} />
        </Space>
      )}
      <Table
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={rows}
        data-testid="incidents-table"
        pagination={{ pageSize: 20 }}
        onRow={(i) => ({ onClick: () => nav(`/incidents/${i.id}`), style: { cursor: 'pointer' }, 'data-incident': i.id }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('cmd.incident'),
            render: (_, i) => (
              <Space direction="vertical" size={0}>
                <Space>
                  {i.drill && <DrillTag />}
                  <Typography.Text strong translate="no">
                    {i.title}
                  </Typography.Text>
                </Space>
                <Typography.Text type="secondary">{i.subkindLabel ? n(i.subkindLabel) : i.subkind}</Typography.Text>
              </Space>
            ),
          },
          { title: t('dev.district'), render: (_, i) => districtName(i.district), width: 110 },
          { title: t('cmd.response'), render: (_, i) => <ResponseLevelTag level={i.level} />, width: 120 },
          { title: t('col.status'), render: (_, i) => <IncidentStatusTag status={i.status} />, width: 100 },
          {
            title: t('cmd.progress'),
            width: 220,
            render: (_, i) =>
              i.progress && i.progress.tasks > 0 ? (
                <Space direction="vertical" size={0} style={{ width: '100%' }}>
                  <Bar
                    percent={Math.round((100 * i.progress.completed) / i.progress.tasks)}
                    success={{ percent: 0 }}
                    size="small"
                    format={() => `${i.progress!.completed}/${i.progress!.tasks}`}
                  />
                  <Space size={4}>
                    <Typography.Text type="secondary">
                      {t('cmd.task.accepted')} {i.progress.accepted}
                    </Typography.Text>
                    {i.progress.overdue > 0 && (
                      <Tag color="red" data-testid="overdue-count">
                        {t('cmd.overdue')} {i.progress.overdue}
                      </Tag>
                    )}
                  </Space>
                </Space>
              ) : (
                <Typography.Text type="secondary">—</Typography.Text>
              ),
          },
          { title: t('cmd.reportedAt'), render: (_, i) => fmtTime(i.createdAt, lang), width: 130 },
        ]}
      />
      {reporting && catalog && (
        <ReportForm
          drill={drill}
          subkinds={catalog.subkinds}
          onClose={() => setReporting(false)}
          onCreated={(id) => {
            setReporting(false);
            nav(`/incidents/${id}`);
          }}
        />
      )}
    </Card>
  );
}

interface ReportValues {
  title: string;
  subkind: string;
  severity: number;
  district?: string;
  lon?: number;
  lat?: number;
  outsideCity?: boolean;
  description?: string;
  source: 'phone' | 'report';
  drill: boolean;
  plan?: string;
}

/** Reporting an incident: from a phone call or a report; for a drill, the plan to exercise chooses the kind. */
function ReportForm({
  drill,
  subkinds,
  onClose,
  onCreated,
}: {
  drill: boolean;
  subkinds: Record<string, { zh: string; en: string }>;
  onClose: () => void;
  onCreated: (id: string) => void;
}) {
  const { t, n } = useI18n();
  const { message } = App.useApp();
  const { districts } = useDistricts(false);
  const bounds = useCityBounds();
  const plans = useApi<PlanSummary[]>(drill ? '/api/command/plans?status=active' : null).data;
  const [form] = Form.useForm<ReportValues>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      const created = await api<Incident>('POST', '/api/command/incidents', {
        title: v.title,
        subkind: v.subkind,
        severity: v.severity,
        source: v.source,
        drill: v.drill,
        ...(v.district ? { district: v.district } : {}),
        ...(v.lon !== undefined && v.lat !== undefined && v.lon !== null && v.lat !== null ? { location: { lon: v.lon, lat: v.lat } } : {}),
        ...(v.outsideCity ? { outsideCity: true } : {}),
        ...(v.description ? { description: v.description } : {}),
      });
      onCreated(created.id);
    } catch (e) {
      message.error(problemText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={drill ? t('cmd.newDrill') : t('cmd.report')}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={busy}
      okButtonProps={{ 'data-testid': 'report-ok' } as Record<`data-${string}`, string>}
      width={640}
    >
      <Form form={form} layout="vertical" initialValues={{ severity: 4, source: 'phone', drill }}>
        {drill && (
          <Form.Item label={t('cmd.drillPlan')} name="plan">
            <Select
              data-testid="drill-plan"
              options={(plans ?? []).map((p) => ({ value: p.id, label: n(p.title) }))}
              onChange={(id: string) => {
                const p = plans?.find((x) => x.id === id);
                if (p) form.setFieldsValue({ subkind: p.subkinds[0], title: `${t('cmd.drill')}：${n(p.title)}` });
              }}
            />
          </Form.Item>
        )}
        <Form.Item label={t('cmd.title')} name="title" rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
          <Input data-testid="report-title" maxLength={500} showCount />
        </Form.Item>
        <Space wrap>
          <Form.Item label={t('cmd.subkind')} name="subkind" rules={[{ required: true, message: t('form.choose') }]}>
            <Select style={{ width: 200 }} data-testid="report-subkind" options={Object.entries(subkinds).map(([k, l]) => ({ value: k, label: n(l) }))} />
          </Form.Item>
          <Form.Item label={t('cmd.severity')} name="severity">
            <Select style={{ width: 140 }} options={[1, 2, 3, 4].map((l) => ({ value: l, label: t(`cmd.level.${l}` as 'cmd.level.1') }))} />
          </Form.Item>
          <Form.Item label={t('dev.district')} name="district">
            <Select
              allowClear
              style={{ width: 160 }}
              data-testid="report-district"
              options={(districts ?? []).map((d) => ({ value: d.adcode, label: n(d.name) }))}
            />
          </Form.Item>
        </Space>
        <Space>
          <Form.Item label={`${t('cmd.lon')} (GCJ-02)`} name="lon" dependencies={['lat', 'outsideCity']} rules={[coordinateRule('lon', bounds, t)]}>
            <InputNumber step={0.0001} style={{ width: 160 }} data-testid="report-lon" />
          </Form.Item>
          <Form.Item label={`${t('cmd.lat')} (GCJ-02)`} name="lat" dependencies={['lon', 'outsideCity']} rules={[coordinateRule('lat', bounds, t)]}>
            <InputNumber step={0.0001} style={{ width: 160 }} data-testid="report-lat" />
          </Form.Item>
          <Form.Item label={t('cmd.source')} name="source">
            <Select
              style={{ width: 140 }}
              options={[
                { value: 'phone', label: t('cmd.source.phone') },
                { value: 'report', label: t('cmd.source.report') },
              ]}
            />
          </Form.Item>
        </Space>
        <Form.Item name="outsideCity" valuePropName="checked" style={{ marginTop: -8 }}>
          <Checkbox data-testid="report-outside">{t('cmd.outsideCity')}</Checkbox>
        </Form.Item>
        <Form.Item label={t('cmd.description')} name="description">
          <Input.TextArea rows={3} maxLength={4000} showCount />
        </Form.Item>
        <Form.Item label={t('cmd.drill')} name="drill" valuePropName="checked">
          <Switch data-testid="report-drill" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
