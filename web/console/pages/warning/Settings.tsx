/**
 * 预警设置 (alert settings) in the console: maintenance windows (维护窗口) that silence a device,
 * a district or an area, where each department receives its alerts (通知渠道: webhook, SMS,
 * e-mail), and the escalation policy the operations centre runs.
 */
import { App, Button, Card, DatePicker, Form, type FormInstance, Input, InputNumber, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, problemText } from '../../../shared/api';
import { useDistricts } from '../../../shared/CityMap';
import { useApi } from '../../../shared/hooks';
import { useI18n } from '../../../shared/i18n';
import type { EscalationPolicy, MaintenanceWindow } from '../../../../modules/warning/index.js';
import type { EndpointView } from '../../../../platform/notify/index.js';
import { LEVEL_COLOUR } from '../../../shared/levels';
import { Code } from '../../../shared/labels';

type Label = { zh: string; en: string };

// The server's shapes, imported type-only.
type Window = MaintenanceWindow;
type Endpoint = EndpointView;
type Escalation = EscalationPolicy;

const LEVEL = ['', 'Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ'];
const fmt = (t: number) => dayjs(t).format('YYYY-MM-DD HH:mm');

/** Surfaces a problem's field errors on the form and its title as a message. */
function useProblem() {
  const { message } = App.useApp();
  // biome-ignore lint/suspicious/noExplicitAny: any form's field errors
  return (e: unknown, form?: FormInstance<any>) => {
    const errors = (e as { problem?: { errors?: { pointer: string; detail: string }[] } }).problem?.errors ?? [];
    if (form && errors.length)
      form.setFields(
        errors.filter((x) => x.pointer.startsWith('/body/')).map((x) => ({ name: x.pointer.slice('/body/'.length).split('/')[0]!, errors: [x.detail] })),
      );
    message.error(problemText(e));
  };
}

/** A small danger button that DELETEs a resource, then reloads the list (or shows the problem). */
function DeleteButton({ url, onDone, testId, children }: { url: string; onDone: () => void; testId: string; children: React.ReactNode }) {
  const onProblem = useProblem();
  return (
    <Button
      size="small"
      danger
      data-testid={testId}
      onClick={async () => {
        try {
          await api('DELETE', url);
          onDone();
        } catch (e) {
          onProblem(e);
        }
      }}
    >
      {children}
    </Button>
  );
}

function MaintenanceCard({ canManage }: { canManage: boolean }) {
  const { t, n } = useI18n();
  const { districts } = useDistricts(false);
  const onProblem = useProblem();
  const { data, reload, loading } = useApi<Window[]>('/api/warning/maintenance');
  const [form] = Form.useForm<{ deviceId?: string; district?: string; range: [Dayjs, Dayjs]; reason: string }>();
  const districtName = (code: string | null) => {
    const d = districts?.find((x) => x.adcode === code);
    return d ? n(d.name) : code;
  };
  const add = async () => {
    const v = await form.validateFields();
    try {
      await api('POST', '/api/warning/maintenance', {
        ...(v.deviceId ? { deviceId: v.deviceId.trim() } : {}),
        ...(v.district ? { district: v.district } : {}),
        startsAt: v.range[0].valueOf(),
        endsAt: v.range[1].valueOf(),
        reason: v.reason,
      });
      form.resetFields();
      reload();
    } catch (e) {
      onProblem(e, form);
    }
  };
  return (
    <Card title={t('warn.maintenance')} data-testid="maintenance-card">
      <Typography.Paragraph type="secondary">{t('warn.maintenanceHelp')}</Typography.Paragraph>
      {canManage && (
        <Form form={form} layout="inline" style={{ marginBottom: 16, rowGap: 8 }} initialValues={{ range: [dayjs(), dayjs().add(2, 'hour')] }}>
          <Form.Item name="deviceId" label={t('warn.device')}>
            <Input placeholder={t('warn.deviceIdHint')} maxLength={64} style={{ width: 180 }} data-testid="mw-device" />
          </Form.Item>
          <Form.Item name="district" label={t('warn.district')}>
            <Select
              allowClear
              style={{ width: 140 }}
              data-testid="mw-district"
              options={(districts ?? []).map((d) => ({ value: d.adcode, label: n(d.name) }))}
            />
          </Form.Item>
          <Form.Item
            name="range"
            label={t('warn.period')}
            rules={[
              { required: true, message: t('form.required') },
              {
                validator: (_, r: [Dayjs, Dayjs] | null) =>
                  !r || r[1].valueOf() > Date.now() ? Promise.resolve() : Promise.reject(new Error(t('warn.periodPast'))),
              },
              {
                validator: (_, r: [Dayjs, Dayjs] | null) =>
                  !r || r[1].diff(r[0], 'day', true) <= 30 ? Promise.resolve() : Promise.reject(new Error(t('warn.periodLong'))),
              },
            ]}
          >
            <DatePicker.RangePicker
              showTime={{ format: 'HH:mm' }}
              format="YYYY-MM-DD HH:mm"
              separator={t('warn.periodTo')}
              disabledDate={(d) => d.isBefore(dayjs().startOf('day'))}
              aria-label={t('warn.period')}
              data-testid="mw-range"
            />
          </Form.Item>
          <Form.Item name="reason" label={t('warn.reason')} rules={[{ required: true, message: t('warn.reasonRequired') }]}>
            <Input style={{ width: 220 }} maxLength={1000} data-testid="mw-reason" />
          </Form.Item>
          <Button type="primary" onClick={add} data-testid="mw-add">
            {t('warn.silence')}
          </Button>
        </Form>
      )}
      <Table
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={data ?? []}
        pagination={false}
        data-testid="maintenance-table"
        columns={[
          {
            title: t('warn.silenced'),
            render: (_, w) =>
              w.deviceId ? (
                <Tag>
                  <Code>{w.deviceId}</Code>
                </Tag>
              ) : w.district ? (
                <Tag color="blue">{districtName(w.district)}</Tag>
              ) : (
                <Tag color="purple">{t('warn.area')}</Tag>
              ),
          },
          { title: t('warn.period'), render: (_, w) => `${fmt(w.startsAt)} – ${fmt(w.endsAt)}` },
          { title: t('warn.reason'), dataIndex: 'reason' },
          { title: t('warn.owner'), dataIndex: 'department', width: 100 },
          {
            title: '',
            width: 90,
            render: (_, w) =>
              canManage && (
                <DeleteButton url={`/api/warning/maintenance/${encodeURIComponent(w.id)}`} onDone={reload} testId={`mw-end-${w.id}`}>
                  {t('warn.endNow')}
                </DeleteButton>
              ),
          },
        ]}
      />
    </Card>
  );
}

function EndpointsCard({ canManage, department }: { canManage: boolean; department: string | null }) {
  const { t, n } = useI18n();
  const onProblem = useProblem();
  const { data, reload, loading } = useApi<Endpoint[]>('/api/warning/endpoints');
  const { data: depts } = useApi<{ code: string; name: Label }[]>('/api/departments');
  const [form] = Form.useForm<{ department: string; channel: Endpoint['channel']; address: string; secret?: string; minLevel: number; roles?: string[] }>();
  const [channel, setChannel] = useState<Endpoint['channel']>('webhook');
  const add = async () => {
    // Invalid fields show their messages; nothing to send (and no unhandled rejection).
    const v = await form.validateFields().catch(() => undefined);
    if (!v) return;
    try {
      await api('POST', '/api/warning/endpoints', {
        department: v.department,
        channel: v.channel,
        address: v.address.trim(),
        minLevel: v.minLevel,
        ...(v.secret ? { secret: v.secret } : {}),
        ...(v.roles?.length ? { roles: v.roles } : {}),
      });
      form.resetFields(['address', 'secret', 'roles']);
      reload();
    } catch (e) {
      onProblem(e, form);
    }
  };
  return (
    <Card title={t('warn.endpoints')} data-testid="endpoints-card">
      <Typography.Paragraph type="secondary">{t('warn.endpointsHelp')}</Typography.Paragraph>
      {canManage && (
        <Form
          form={form}
          layout="inline"
          style={{ marginBottom: 16, rowGap: 8 }}
          initialValues={{ department: department ?? undefined, channel: 'webhook', minLevel: 4 }}
          onValuesChange={(c) => c.channel && setChannel(c.channel)}
        >
          <Form.Item name="department" label={t('warn.department')} rules={[{ required: true }]}>
            <Select
              showSearch
              optionFilterProp="label"
              style={{ width: 200 }}
              data-testid="ep-department"
              options={(depts ?? []).map((d) => ({ value: d.code, label: n(d.name) }))}
            />
          </Form.Item>
          <Form.Item name="channel" label={t('warn.channel')}>
            <Select
              style={{ width: 110 }}
              data-testid="ep-channel"
              options={[
                { value: 'webhook', label: 'Webhook' },
                { value: 'sms', label: t('warn.sms') },
                { value: 'email', label: t('warn.email') },
              ]}
            />
          </Form.Item>
          <Form.Item name="address" label={t('warn.address')} rules={[{ required: true }]}>
            <Input
              style={{ width: 260 }}
              placeholder={channel === 'webhook' ? 'https://' : channel === 'sms' ? '138…' : 'name@example.gov.cn'}
              data-testid="ep-address"
            />
          </Form.Item>
          {channel === 'webhook' && (
            <Form.Item name="secret" label={t('warn.secret')}>
              <Input.Password style={{ width: 180 }} autoComplete="new-password" />
            </Form.Item>
          )}
          <Form.Item name="minLevel" label={t('warn.minLevel')}>
            <Select style={{ width: 110 }} options={[4, 3, 2, 1].map((l) => ({ value: l, label: `${LEVEL[l]} ${t('warn.andAbove')}` }))} />
          </Form.Item>
          <Form.Item name="roles" label={t('warn.onlyEscalations')}>
            <Select
              optionFilterProp="label"
              mode="multiple"
              allowClear
              style={{ width: 200 }}
              options={['dept_leader', 'duty_officer', 'dept_staff'].map((r) => ({ value: r, label: t(`warn.role.${r}` as 'warn.role.dept_leader') }))}
            />
          </Form.Item>
          <Button type="primary" onClick={add} data-testid="ep-add">
            {t('warn.addEndpoint')}
          </Button>
        </Form>
      )}
      <Table
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={data ?? []}
        pagination={false}
        data-testid="endpoints-table"
        columns={[
          { title: t('warn.department'), dataIndex: 'department', width: 110 },
          { title: t('warn.channel'), dataIndex: 'channel', width: 90 },
          { title: t('warn.address'), dataIndex: 'address' },
          {
            title: t('warn.minLevel'),
            width: 110,
            render: (_, e) => <Tag color={LEVEL_COLOUR[e.minLevel]}>{`${LEVEL[e.minLevel]} ${t('warn.andAbove')}`}</Tag>,
          },
          {
            title: t('warn.onlyEscalations'),
            render: (_, e) => (e.roles ?? []).map((r) => <Tag key={r}>{t(`warn.role.${r}` as 'warn.role.dept_leader')}</Tag>),
          },
          { title: t('warn.signed'), width: 70, render: (_, e) => (e.channel === 'webhook' ? (e.hasSecret ? '✔' : '—') : '') },
          {
            title: '',
            width: 80,
            render: (_, e) =>
              canManage && (
                <DeleteButton url={`/api/warning/endpoints/${encodeURIComponent(e.id)}`} onDone={reload} testId={`ep-remove-${e.id}`}>
                  {t('warn.remove')}
                </DeleteButton>
              ),
          },
        ]}
      />
    </Card>
  );
}

function EscalationCard({ canEdit }: { canEdit: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const onProblem = useProblem();
  const { data, reload } = useApi<Escalation>('/api/warning/escalation');
  const [draft, setDraft] = useState<Escalation | null>(null);
  const policy = draft ?? data;
  if (!policy) return null;
  const set = (level: '1' | '2' | '3' | '4', stage: 0 | 1, v: number | null) => {
    const next = structuredClone(policy);
    next.afterMinutes[level][stage] = v ?? 0;
    setDraft(next);
  };
  return (
    <Card
      title={t('warn.escalation')}
      data-testid="escalation-card"
      extra={
        canEdit &&
        draft && (
          <Button
            type="primary"
            data-testid="esc-save"
            onClick={async () => {
              try {
                await api('PUT', '/api/warning/escalation', draft);
                setDraft(null);
                reload();
                message.success(t('warn.saved'));
              } catch (e) {
                onProblem(e);
              }
            }}
          >
            {t('warn.savePolicy')}
          </Button>
        )
      }
    >
      <Typography.Paragraph type="secondary">{t('warn.escalationHelp')}</Typography.Paragraph>
      <Table
        size="small"
        rowKey="level"
        pagination={false}
        dataSource={(['1', '2', '3', '4'] as const).map((level) => ({ level }))}
        columns={[
          { title: t('warn.levels'), render: (_, r) => <Tag color={LEVEL_COLOUR[Number(r.level)]}>{LEVEL[Number(r.level)]}</Tag>, width: 80 },
          ...([0, 1] as const).map((stage) => ({
            title: stage === 0 ? t('warn.toLeaders') : t('warn.toDuty'),
            render: (_: unknown, r: { level: '1' | '2' | '3' | '4' }) =>
              canEdit ? (
                <Space>
                  <InputNumber
                    min={1}
                    max={1440}
                    aria-label={`${LEVEL[Number(r.level)]} · ${stage === 0 ? t('warn.toLeaders') : t('warn.toDuty')}`}
                    value={policy.afterMinutes[r.level][stage]}
                    onChange={(v) => set(r.level, stage, v)}
                  />
                  {t('warn.minutes')}
                </Space>
              ) : (
                `${policy.afterMinutes[r.level][stage]} ${t('warn.minutes')}`
              ),
          })),
        ]}
      />
    </Card>
  );
}

export function WarningSettingsPage({
  canManage,
  canEditEscalation,
  department,
}: {
  canManage: boolean;
  canEditEscalation: boolean;
  department: string | null;
}) {
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <MaintenanceCard canManage={canManage} />
      <EndpointsCard canManage={canManage} department={department} />
      <EscalationCard canEdit={canEditEscalation} />
    </Space>
  );
}
