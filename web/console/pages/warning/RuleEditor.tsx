/** The rule form: conditions of every kind, levels, scope and routing, with a live check and a backtest. */
import { Alert, App, Button, Card, Drawer, Form, Input, InputNumber, Select, Space, Switch, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { api, problemText } from '../../../shared/api';
import { useDistricts } from '../../../shared/CityMap';
import { useApi, useServerCheck } from '../../../shared/hooks';
import { useI18n } from '../../../shared/i18n';
import { fieldPath } from '../../../shared/labels';
import type { DeviceTypeInfo } from '../Devices';
import type { Cond, Label, Rule, RuleDef } from './common';
import { LEVEL_COLOUR } from '../../../shared/levels';

export const SIMPLE_KINDS = ['threshold', 'rate', 'absence', 'stuck', 'baseline', 'predict'] as const;
export const KIND_LABEL: Record<string, Label> = {
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
export function SimpleCondition({ c, onChange, attrs, path }: { c: Cond; onChange: (c: Cond) => void; attrs: string[]; path: string }) {
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
            optionFilterProp="label"
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
export function ConditionEditor({ c, onChange, attrs, path }: { c: Cond; onChange: (c: Cond) => void; attrs: string[]; path: string }) {
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

export function RuleEditor({ rule, onClose, onSaved }: { rule: Rule | null; onClose: () => void; onSaved: () => void }) {
  const { t, n, lang } = useI18n();
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
  // Live check as the form changes: a new rule's id is checked too, as saving would.
  const draft = useMemo(() => (rule ? def : { id, ...def }), [rule, id, def]);
  const errors = useServerCheck('/api/warning/rules/validate', draft);
  // A field's error shows once the person has changed it (or tried to save), not on an empty form.
  const [touched, setTouched] = useState<Set<string>>(() => new Set(rule ? ['*'] : []));
  const touch = (k: string) => setTouched((s) => (s.has(k) ? s : new Set(s).add(k)));
  const shown = (pointer: string) => pointer === '/body' || touched.has('*') || touched.has(pointer.replace('/body/', '').split('/')[0]!);
  const visibleErrors = errors?.filter((e) => shown(e.pointer)) ?? null;
  const [backtest, setBacktest] = useState<{ periods: { subject: string; level: number; from: number; to: number | null }[]; devices: number } | null>(null);
  const [days, setDays] = useState(1);
  const attrs = useMemo(() => {
    const chosen = (types ?? []).filter((x) => def.scope.types?.includes(x.id));
    const keys = new Set<string>();
    for (const ty of chosen.length ? chosen : (types ?? [])) for (const a of ty.attributes) keys.add(a.key);
    return [...keys].sort().concat((derived ?? []).map((d) => d.key));
  }, [types, def.scope.types, derived]);

  const set = <K extends keyof RuleDef>(k: K, v: RuleDef[K]) => {
    touch(k);
    setDef({ ...def, [k]: v });
  };
  const save = async () => {
    setTouched(new Set(['*']));
    if (!errors || errors.length > 0) return;
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
  const err = (prefix: string) => visibleErrors?.filter((e) => e.pointer.startsWith(`/body${prefix}`)).map((e) => e.detail);
  const help = (prefix: string) => {
    const list = err(prefix);
    return list?.length ? { validateStatus: 'error' as const, help: list.join('; ') } : {};
  };
  return (
    <Drawer open width={920} title={rule ? `${t('warn.edit')} · ${rule.id} · v${rule.version}` : t('warn.newRule')} onClose={onClose} data-testid="rule-editor">
      <Form layout="vertical">
        <Space wrap>
          {!rule && (
            <Form.Item label={t('warn.id')} required {...help('/id')}>
              <Input
                value={id}
                onChange={(e) => {
                  touch('id');
                  setId(e.target.value);
                }}
                maxLength={64}
                showCount
                style={{ width: 220 }}
                data-testid="rule-id"
              />
            </Form.Item>
          )}
          <Form.Item label={t('warn.nameZh')} required {...help('/name/zh')}>
            <Input
              value={def.name.zh}
              onChange={(e) => set('name', { ...def.name, zh: e.target.value })}
              maxLength={60}
              showCount
              style={{ width: 260 }}
              data-testid="rule-name-zh"
            />
          </Form.Item>
          <Form.Item label={t('warn.nameEn')} required {...help('/name/en')}>
            <Input
              value={def.name.en}
              onChange={(e) => set('name', { ...def.name, en: e.target.value })}
              maxLength={120}
              showCount
              style={{ width: 260 }}
              data-testid="rule-name-en"
            />
          </Form.Item>
          <Form.Item label={t('warn.enabled')}>
            <Switch checked={enabled} onChange={setEnabled} />
          </Form.Item>
        </Space>
        <Form.Item label={t('warn.source')} required {...help('/source')}>
          <Input value={def.source} onChange={(e) => set('source', e.target.value)} maxLength={1000} showCount data-testid="rule-source" />
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
                optionFilterProp="label"
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
                optionFilterProp="label"
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
              style={{ marginBottom: 8, borderLeft: `4px solid ${LEVEL_COLOUR[l.level]}` }}
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
          {visibleErrors && visibleErrors.length > 0 && (
            <Alert
              type="warning"
              showIcon
              message={visibleErrors.map((e) => (
                <div key={e.pointer + e.detail}>
                  {fieldPath(e.pointer, lang)}
                  {lang === 'zh' ? '：' : ': '}
                  {e.detail}
                </div>
              ))}
            />
          )}
        </div>
        <Space style={{ marginTop: 12 }}>
          <Button type="primary" onClick={save} disabled={!errors || (errors.length > 0 && touched.has('*'))} data-testid="rule-save">
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
              { title: t('warn.firedFrom'), dataIndex: 'from', render: (v: number) => new Date(v).toLocaleString() },
              { title: t('warn.firedTo'), dataIndex: 'to', render: (v: number | null) => (v ? new Date(v).toLocaleString() : t('warn.stillOn')) },
            ]}
          />
        )}
      </Form>
    </Drawer>
  );
}
