/**
 * City indicators in the console (城市运行指标): every definition with its value now, and the form a
 * department uses to add or revise its own, checked by the server as it is filled in.
 */
import { App, Button, Card, Drawer, Form, Input, InputNumber, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, type Me, problemText } from '../../shared/api';
import { useApi, useServerCheck } from '../../shared/hooks';
import { FieldErrorList } from './fields';
import { Code, unitIn, useDeptName } from '../../shared/labels';
import { type StringKey, useI18n } from '../../shared/i18n';

type Label = { zh: string; en: string };
interface Source {
  kind: 'reading' | 'devices' | 'alerts' | 'incidents' | 'sharing';
  types?: string[];
  attr?: string;
  agg?: string;
  threshold?: number | { property: string };
  freshMinutes?: number;
  measure?: string;
  levels?: number[];
}
interface Definition {
  name: Label;
  domain: string;
  owner: string;
  unit?: string;
  decimals?: number;
  scale?: number;
  source: Source;
  breakdown?: 'district' | 'department';
  status?: { direction: 'up' | 'down'; warn: number; alarm: number };
}
interface Indicator extends Definition {
  id: string;
  version: number;
  enabled: boolean;
  current?: { value: number | null; status: string | null } | null;
}

const STATUS_TAG: Record<string, string> = { green: 'green', yellow: 'gold', red: 'red' };
const MEASURES: Record<string, string[]> = {
  devices: ['online_share', 'offline'],
  alerts: ['open', 'median_ack_minutes'],
  incidents: ['current', 'overdue_tasks'],
  sharing: ['resources', 'open_requests', 'requests_on_time', 'calls_today'],
  urban: ['open', 'overdue', 'reported_today', 'on_time_today'],
  services: ['applications_open', 'applications_overdue', 'satisfaction_30d', 'followups_open'],
};
const DERIVED = ['$aqi', '$aqiLevel', '$waterClass', '$blackOdorous', '$load'];

export function IndicatorsPage({ user }: { user: Me }) {
  const { t, n, lang } = useI18n();
  const deptName = useDeptName();
  const list = useApi<{ domains: Record<string, Label>; items: Indicator[] }>('/api/brain/indicators');
  const defs = useApi<Indicator[]>('/api/brain/definitions');
  const [editing, setEditing] = useState<Indicator | 'new' | null>(null);
  const canManage = user.permissions.includes('brain.manage');
  const current = new Map((list.data?.items ?? []).map((i) => [i.id, i.current]));
  const domains = list.data?.domains ?? {};
  return (
    <Card
      title={t('nav.indicators')}
      extra={
        canManage && (
          <Button type="primary" onClick={() => setEditing('new')} data-testid="new-indicator">
            {t('ind.new')}
          </Button>
        )
      }
    >
      <Table
        size="small"
        rowKey="id"
        loading={defs.loading}
        dataSource={defs.data ?? []}
        data-testid="indicators-table"
        pagination={{ pageSize: 30 }}
        onRow={(i) => ({ onClick: () => canManage && setEditing(i), style: { cursor: canManage ? 'pointer' : 'default' } })}
        columns={[
          { title: t('ind.domain'), render: (_, i) => (domains[i.domain] ? n(domains[i.domain]!) : i.domain), width: 120 },
          {
            title: t('col.name'),
            render: (_, i) => (
              <Space direction="vertical" size={0}>
                <Typography.Text strong>{n(i.name)}</Typography.Text>
                <Code>{i.id}</Code>
              </Space>
            ),
          },
          { title: t('cmd.owner'), dataIndex: 'owner', width: 140, render: (v: string) => deptName(v) },
          {
            title: t('ind.value'),
            width: 150,
            render: (_, i) => {
              const c = current.get(i.id);
              if (!i.enabled) return <Tag>{t('ind.disabled')}</Tag>;
              return (
                <Space>
                  <span data-testid={`value-${i.id}`}>{c?.value ?? '—'}</span>
                  <span>{unitIn(i.unit, lang)}</span>
                  {c?.status && <Tag color={STATUS_TAG[c.status]}>{t(`ind.status.${c.status}` as StringKey)}</Tag>}
                </Space>
              );
            },
          },
          { title: t('cmd.version'), dataIndex: 'version', width: 70 },
        ]}
      />
      {editing && (
        <IndicatorForm
          indicator={editing === 'new' ? null : editing}
          domains={domains}
          defaultOwner={user.department}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            defs.reload();
            list.reload();
          }}
        />
      )}
    </Card>
  );
}

function IndicatorForm({
  indicator,
  domains,
  defaultOwner,
  onClose,
  onSaved,
}: {
  indicator: Indicator | null;
  domains: Record<string, Label>;
  defaultOwner: string | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, n } = useI18n();
  const { message } = App.useApp();
  const types = useApi<{ id: string; name: Label; attributes: { key: string }[] }[]>('/api/device-types').data;
  const departments = useApi<{ code: string; name: Label }[]>('/api/departments').data;
  const [id, setId] = useState('');
  const [enabled, setEnabled] = useState(indicator?.enabled ?? true);
  const [def, setDef] = useState<Definition>(
    indicator
      ? {
          name: indicator.name,
          domain: indicator.domain,
          owner: indicator.owner,
          source: indicator.source,
          ...(indicator.unit ? { unit: indicator.unit } : {}),
          ...(indicator.decimals !== undefined ? { decimals: indicator.decimals } : {}),
          ...(indicator.scale !== undefined ? { scale: indicator.scale } : {}),
          ...(indicator.breakdown ? { breakdown: indicator.breakdown } : {}),
          ...(indicator.status ? { status: indicator.status } : {}),
        }
      : {
          name: { zh: '', en: '' },
          domain: 'drainage',
          owner: defaultOwner ?? '',
          source: { kind: 'reading', types: [], attr: '', agg: 'max' },
          breakdown: 'district',
        },
  );
  // The server's own check as the form changes.
  const errors = useServerCheck('/api/brain/indicators/validate', def) ?? [];
  // A new indicator's problems show once the person has changed something, not on the empty form.
  const [pristine] = useState(def);
  const showErrors = !!indicator || def !== pristine;
  const src = def.source;
  // Updates from the previous state: two changes handled before a render both count.
  const setSource = (patch: Partial<Source>) => setDef((d) => ({ ...d, source: { ...d.source, ...patch } }));
  const attrs = [...new Set((types ?? []).filter((ty) => src.types?.includes(ty.id)).flatMap((ty) => ty.attributes.map((a) => a.key)))];
  const save = async () => {
    try {
      if (indicator) await api('PUT', `/api/brain/indicators/${indicator.id}`, { ...def, version: indicator.version, enabled });
      else await api('POST', '/api/brain/indicators', { id, ...def });
      message.success(t('common.saved'));
      onSaved();
    } catch (e) {
      message.error(problemText(e));
    }
  };
  const changeKind = (kind: Source['kind']) =>
    setDef((d) => ({ ...d, source: kind === 'reading' ? { kind, types: [], attr: '', agg: 'max' } : { kind, measure: MEASURES[kind]![0]! } }));
  return (
    <Drawer
      open
      width={760}
      onClose={onClose}
      title={indicator ? `${n(indicator.name)} · v${indicator.version}` : t('ind.new')}
      data-testid="indicator-form"
      extra={
        <Button type="primary" onClick={save} disabled={errors.length > 0 || (!indicator && !id)} data-testid="save-indicator">
          {t('warn.savePolicy')}
        </Button>
      }
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <FieldErrorList errors={showErrors ? errors : null} testId="indicator-errors" parts={INDICATOR_PARTS} />
        <Form layout="vertical">
          <Space wrap>
            {!indicator && (
              <Form.Item label="ID" required>
                <Input value={id} onChange={(e) => setId(e.target.value)} placeholder="pond-depth-max" data-testid="indicator-id" />
              </Form.Item>
            )}
            <Form.Item label={`${t('col.name')} (中文)`} required>
              <Input
                value={def.name.zh}
                onChange={(e) => {
                  const zh = e.target.value;
                  setDef((d) => ({ ...d, name: { ...d.name, zh } }));
                }}
                data-testid="indicator-zh"
              />
            </Form.Item>
            <Form.Item label={`${t('col.name')} (English)`} required>
              <Input
                value={def.name.en}
                onChange={(e) => {
                  const en = e.target.value;
                  setDef((d) => ({ ...d, name: { ...d.name, en } }));
                }}
                data-testid="indicator-en"
              />
            </Form.Item>
          </Space>
          <Space wrap>
            <Form.Item label={t('ind.domain')}>
              <Select
                style={{ width: 160 }}
                value={def.domain}
                onChange={(domain) => setDef((d) => ({ ...d, domain }))}
                options={Object.entries(domains).map(([k, l]) => ({ value: k, label: n(l) }))}
              />
            </Form.Item>
            <Form.Item label={t('cmd.owner')}>
              <Select
                style={{ width: 220 }}
                showSearch
                optionFilterProp="label"
                value={def.owner || null}
                onChange={(owner) => setDef((d) => ({ ...d, owner }))}
                options={(departments ?? []).map((d) => ({ value: d.code, label: `${n(d.name)} (${d.code})` }))}
              />
            </Form.Item>
            <Form.Item label={t('cmd.unitOfMeasure')}>
              <Input
                style={{ width: 100 }}
                value={def.unit ?? ''}
                onChange={(e) => {
                  const unit = e.target.value || undefined;
                  setDef((d) => ({ ...d, unit }));
                }}
              />
            </Form.Item>
            <Form.Item label={t('ind.breakdown')}>
              <Select
                style={{ width: 130 }}
                allowClear
                value={def.breakdown ?? null}
                onChange={(b) => setDef((d) => ({ ...d, breakdown: b ?? undefined }))}
                options={[
                  { value: 'district', label: t('dev.district') },
                  { value: 'department', label: t('dev.department') },
                ]}
              />
            </Form.Item>
          </Space>
          <Card size="small" title={t('ind.source')}>
            <Space wrap align="start">
              <Form.Item label={t('col.kind')}>
                <Select
                  style={{ width: 140 }}
                  value={src.kind}
                  onChange={changeKind}
                  options={(['reading', 'devices', 'alerts', 'incidents', 'sharing', 'urban', 'services'] as const).map((k) => ({
                    value: k,
                    label: t(`ind.kind.${k}`),
                  }))}
                />
              </Form.Item>
              {src.kind === 'reading' ? (
                <>
                  <Form.Item label={t('dev.type')}>
                    <Select
                      optionFilterProp="label"
                      mode="multiple"
                      style={{ width: 260 }}
                      value={src.types ?? []}
                      onChange={(ts) => setSource({ types: ts })}
                      options={(types ?? []).map((ty) => ({ value: ty.id, label: n(ty.name) }))}
                      data-testid="indicator-types"
                    />
                  </Form.Item>
                  <Form.Item label={t('ind.attr')}>
                    <Select
                      style={{ width: 180 }}
                      value={src.attr || null}
                      onChange={(attr) => setSource({ attr })}
                      options={[...attrs, ...DERIVED].map((a) => ({ value: a, label: a }))}
                      data-testid="indicator-attr"
                    />
                  </Form.Item>
                  <Form.Item label={t('ind.agg')}>
                    <Select
                      style={{ width: 130 }}
                      value={src.agg}
                      onChange={(agg) => setSource({ agg })}
                      options={(['avg', 'max', 'min', 'sum', 'count_over', 'share_over'] as const).map((a) => ({ value: a, label: t(`ind.agg.${a}`) }))}
                      data-testid="indicator-agg"
                    />
                  </Form.Item>
                  <Form.Item label={t('ind.threshold')}>
                    <InputNumber
                      value={typeof src.threshold === 'number' ? src.threshold : null}
                      onChange={(v) => setSource({ threshold: v ?? undefined })}
                      data-testid="indicator-threshold"
                    />
                  </Form.Item>
                </>
              ) : (
                <Form.Item label={t('ind.measure')}>
                  <Select
                    style={{ width: 200 }}
                    value={src.measure}
                    onChange={(measure) => setSource({ measure })}
                    options={(MEASURES[src.kind] ?? []).map((m) => ({ value: m, label: m }))}
                  />
                </Form.Item>
              )}
            </Space>
          </Card>
          <Space wrap style={{ marginTop: 12 }}>
            <Form.Item label={t('ind.worse')}>
              <Select
                style={{ width: 140 }}
                allowClear
                value={def.status?.direction ?? null}
                onChange={(dir) =>
                  setDef((d) => ({ ...d, status: dir ? { direction: dir, warn: d.status?.warn ?? 1, alarm: d.status?.alarm ?? 2 } : undefined }))
                }
                options={[
                  { value: 'up', label: t('ind.up') },
                  { value: 'down', label: t('ind.down') },
                ]}
              />
            </Form.Item>
            {def.status && (
              <>
                <Form.Item label={t('ind.warn')}>
                  <InputNumber
                    value={def.status.warn}
                    onChange={(v) => setDef((d) => ({ ...d, status: { ...d.status!, warn: v ?? 0 } }))}
                    data-testid="indicator-warn"
                  />
                </Form.Item>
                <Form.Item label={t('ind.alarm')}>
                  <InputNumber
                    value={def.status.alarm}
                    onChange={(v) => setDef((d) => ({ ...d, status: { ...d.status!, alarm: v ?? 0 } }))}
                    data-testid="indicator-alarm"
                  />
                </Form.Item>
              </>
            )}
            {indicator && (
              <Form.Item label={t('ind.enabled')}>
                <Switch checked={enabled} onChange={setEnabled} />
              </Form.Item>
            )}
          </Space>
        </Form>
      </Space>
    </Drawer>
  );
}

/** The indicator form's own fields, for naming where a problem lies. */
const INDICATOR_PARTS = {
  source: { zh: '数据来源', en: 'Source' },
  agg: { zh: '汇总方式', en: 'Aggregate' },
  measure: { zh: '度量', en: 'Measure' },
  status: { zh: '状态阈值', en: 'Status' },
  direction: { zh: '状态方向', en: 'Worse when' },
  warn: { zh: '黄色阈值', en: 'Yellow at' },
  alarm: { zh: '红色阈值', en: 'Red at' },
  domain: { zh: '领域', en: 'Domain' },
  breakdown: { zh: '分解方式', en: 'Breakdown' },
  freshMinutes: { zh: '数据时效', en: 'Fresh within' },
  decimals: { zh: '小数位数', en: 'Decimals' },
  scale: { zh: '换算系数', en: 'Scale' },
};
