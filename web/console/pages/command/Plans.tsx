/**
 * The plan library (应急预案库) and its editor: a plan's owner, kind, subkinds, review date and
 * source, and per response level the lead unit, each unit's task templates (what, time to accept,
 * deadline, reporting interval), resources to mobilise, and when to raise, lower or end. The
 * server checks the draft as it is edited; saving sends the version loaded (409 if someone saved
 * since) with a note of what changed, prefilled with a review's lessons when opened from one.
 */
import { App, Button, Card, Collapse, Drawer, Empty, Form, Input, InputNumber, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api, type Me, problemText } from '../../../shared/api';
import { useApi, useServerCheck } from '../../../shared/hooks';
import { FieldErrorList } from '../fields';
import { useI18n } from '../../../shared/i18n';
import { Code } from '../../../shared/labels';
import { fmtTime, type Label, LEVEL_ROMAN, RESOURCE_TYPE_NAMES, useCatalog, useUnitNames } from './common';

interface TaskTemplate {
  key: string;
  title: Label;
  acceptMinutes: number;
  deadlineMinutes: number;
  reportEveryMinutes: number;
}
interface LevelPlan {
  level: number;
  lead: string;
  units: { unit: string; tasks: TaskTemplate[] }[];
  resources: { type: string; quantity: number; unit?: string }[];
  raiseWhen?: Label;
  lowerWhen?: Label;
  endWhen: Label;
}
interface PlanDefinition {
  title: Label;
  kind: string;
  subkinds: string[];
  owner: string;
  reviewBy: string;
  source: string;
  levels: LevelPlan[];
}
interface Plan extends PlanDefinition {
  id: string;
  version: number;
  status: string;
  updatedAt: number;
}
interface Version {
  version: number;
  status: string;
  changedBy: string | null;
  changedAt: number;
  note: string | null;
}

const DISTRICT_UNIT = '$district';

export function PlansPage({ user }: { user: Me }) {
  const { t, n } = useI18n();
  const catalog = useCatalog();
  const unitName = useUnitNames();
  const { data, loading, reload } = useApi<Plan[]>('/api/command/plans');
  const [params, setParams] = useSearchParams();
  const [editing, setEditing] = useState<{ plan: Plan | null; note?: string } | null>(null);
  const canManage = user.permissions.includes('command.manage');
  const today = new Date().toISOString().slice(0, 10);

  // Opened from a review: the plan to revise, with the review's lessons as the note.
  useEffect(() => {
    const id = params.get('edit');
    if (!id || !data) return;
    const plan = data.find((p) => p.id === id);
    const from = params.get('from');
    setParams({}, { replace: true });
    if (!plan) return;
    if (!from) return setEditing({ plan });
    api<{ lessons: string | null }>('GET', `/api/command/incidents/${encodeURIComponent(from)}/review`)
      .then((r) => setEditing({ plan, note: r.lessons ? `复盘 ${from}: ${r.lessons}` : '' }))
      .catch(() => setEditing({ plan }));
  }, [params, data, setParams]);

  return (
    <Card
      title={t('nav.plans')}
      extra={
        canManage && (
          <Button type="primary" onClick={() => setEditing({ plan: null })} data-testid="new-plan">
            {t('cmd.newPlan')}
          </Button>
        )
      }
    >
      <Table
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={data ?? []}
        data-testid="plans-table"
        pagination={{ pageSize: 20 }}
        onRow={(p) => ({ onClick: () => setEditing({ plan: p }), style: { cursor: 'pointer' } })}
        columns={[
          {
            title: t('col.name'),
            render: (_, p) => (
              <Space direction="vertical" size={0}>
                <Typography.Text strong>{n(p.title)}</Typography.Text>
                <Code>{p.id}</Code>
              </Space>
            ),
          },
          { title: t('col.kind'), render: (_, p) => (catalog?.planKinds[p.kind] ? n(catalog.planKinds[p.kind]!) : p.kind), width: 110 },
          {
            title: t('cmd.subkind'),
            render: (_, p) => (
              <Space size={2} wrap>
                {p.subkinds.map((s) => (
                  <Tag key={s}>{catalog?.subkinds[s] ? n(catalog.subkinds[s]!) : s}</Tag>
                ))}
              </Space>
            ),
          },
          { title: t('cmd.owner'), render: (_, p) => unitName(p.owner), width: 150 },
          { title: t('cmd.levels'), render: (_, p) => p.levels.map((l) => LEVEL_ROMAN[l.level]).join(' '), width: 90 },
          { title: t('cmd.version'), dataIndex: 'version', width: 70 },
          {
            title: t('cmd.reviewBy'),
            width: 120,
            render: (_, p) => <Typography.Text type={p.reviewBy < today ? 'danger' : undefined}>{p.reviewBy}</Typography.Text>,
          },
          {
            title: t('col.status'),
            render: (_, p) => <Tag color={p.status === 'active' ? 'green' : 'default'}>{t(`cmd.plan.${p.status}` as 'cmd.plan.active')}</Tag>,
            width: 90,
          },
        ]}
      />
      {editing && (
        <PlanEditor
          plan={editing.plan}
          note={editing.note ?? ''}
          canManage={canManage}
          defaultOwner={user.department}
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

const blankTask = (): TaskTemplate => ({ key: '', title: { zh: '', en: '' }, acceptMinutes: 15, deadlineMinutes: 120, reportEveryMinutes: 30 });
const blankLevel = (level: number, lead: string): LevelPlan => ({
  level,
  lead,
  units: [{ unit: lead, tasks: [blankTask()] }],
  resources: [],
  endWhen: { zh: '', en: '' },
});

function PlanEditor({
  plan,
  note: initialNote,
  canManage,
  defaultOwner,
  onClose,
  onSaved,
}: {
  plan: Plan | null;
  note: string;
  canManage: boolean;
  defaultOwner: string | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, n, lang } = useI18n();
  const { message } = App.useApp();
  const catalog = useCatalog();
  const departments = useApi<{ code: string; name: Label }[]>('/api/departments').data;
  const versions = useApi<Version[]>(plan ? `/api/command/plans/${plan.id}/versions` : null).data;
  const [id, setId] = useState('');
  const [note, setNote] = useState(initialNote);
  const [def, setDef] = useState<PlanDefinition>(() =>
    plan
      ? {
          title: plan.title,
          kind: plan.kind,
          subkinds: plan.subkinds,
          owner: plan.owner,
          reviewBy: plan.reviewBy,
          source: plan.source,
          levels: plan.levels,
        }
      : {
          title: { zh: '', en: '' },
          kind: 'special',
          subkinds: [],
          owner: defaultOwner ?? '',
          reviewBy: new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10),
          source: '',
          levels: [blankLevel(4, defaultOwner ?? '')],
        },
  );
  // The server's own check, as the draft changes.
  const errors = useServerCheck('/api/command/plans/validate', def) ?? [];
  // A new plan's problems show once the person has changed something, not on the empty form.
  const [pristine] = useState(def);
  const showErrors = !!plan || def !== pristine;
  const [saving, setSaving] = useState(false);
  const [tab, setTab] = useState(String(def.levels[0]?.level ?? 4));

  const errAt = (pointer: string) => errors.filter((e) => e.pointer === `/body${pointer}`).map((e) => e.detail);
  const status = (pointer: string) => (errAt(pointer).length ? ('error' as const) : undefined);
  const unitOptions = useMemo(
    () => [{ value: DISTRICT_UNIT, label: t('cmd.districtGov') }, ...(departments ?? []).map((d) => ({ value: d.code, label: `${n(d.name)} (${d.code})` }))],
    [departments, n, t],
  );
  const setLevel = (li: number, f: (l: LevelPlan) => LevelPlan) => setDef((d) => ({ ...d, levels: d.levels.map((l, i) => (i === li ? f(l) : l)) }));

  const save = async () => {
    setSaving(true);
    try {
      if (plan) await api('PUT', `/api/command/plans/${plan.id}`, { ...def, version: plan.version, ...(note.trim() ? { note } : {}) });
      else await api('POST', '/api/command/plans', { id, ...def });
      message.success(t('common.saved'));
      onSaved();
    } catch (e) {
      message.error(problemText(e));
    } finally {
      setSaving(false);
    }
  };

  const missing = [1, 2, 3, 4].filter((l) => !def.levels.some((x) => x.level === l));
  const readOnly = !canManage;
  return (
    <Drawer
      open
      width={1080}
      onClose={onClose}
      title={plan ? `${n(plan.title)} · v${plan.version}` : t('cmd.newPlan')}
      data-testid="plan-editor"
      extra={
        !readOnly && (
          <Button type="primary" onClick={save} loading={saving} disabled={errors.length > 0 || (!plan && !id)} data-testid="save-plan">
            {t('warn.savePolicy')}
          </Button>
        )
      }
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <FieldErrorList errors={showErrors ? errors : null} title={t('cmd.planErrors')} testId="plan-errors" parts={PLAN_PARTS} />
        <Form layout="vertical" disabled={readOnly}>
          <Space wrap align="start">
            {!plan && (
              <Form.Item label="ID" required help={t('cmd.planIdHelp')}>
                <Input value={id} onChange={(e) => setId(e.target.value)} style={{ width: 200 }} data-testid="plan-id" />
              </Form.Item>
            )}
            <Form.Item label={`${t('col.name')} (中文)`} validateStatus={status('/title')} help={errAt('/title')[0]}>
              <Input
                value={def.title.zh}
                onChange={(e) => setDef({ ...def, title: { ...def.title, zh: e.target.value } })}
                style={{ width: 300 }}
                data-testid="plan-title-zh"
              />
            </Form.Item>
            <Form.Item label={`${t('col.name')} (English)`}>
              <Input
                value={def.title.en}
                onChange={(e) => setDef({ ...def, title: { ...def.title, en: e.target.value } })}
                style={{ width: 300 }}
                data-testid="plan-title-en"
              />
            </Form.Item>
          </Space>
          <Space wrap align="start">
            <Form.Item label={t('col.kind')} validateStatus={status('/kind')}>
              <Select
                value={def.kind}
                onChange={(kind) => setDef({ ...def, kind })}
                style={{ width: 160 }}
                options={Object.entries(catalog?.planKinds ?? {}).map(([k, l]) => ({ value: k, label: n(l) }))}
              />
            </Form.Item>
            <Form.Item label={t('cmd.subkind')} validateStatus={status('/subkinds')} help={errAt('/subkinds')[0]}>
              <Select
                optionFilterProp="label"
                mode="multiple"
                value={def.subkinds}
                onChange={(subkinds) => setDef({ ...def, subkinds })}
                style={{ width: 320 }}
                data-testid="plan-subkinds"
                options={Object.entries(catalog?.subkinds ?? {}).map(([k, l]) => ({ value: k, label: n(l) }))}
              />
            </Form.Item>
            <Form.Item label={t('cmd.owner')} validateStatus={status('/owner')} help={errAt('/owner')[0]}>
              <Select
                showSearch
                optionFilterProp="label"
                value={def.owner || null}
                onChange={(owner) => setDef({ ...def, owner })}
                style={{ width: 220 }}
                options={unitOptions.filter((o) => o.value !== DISTRICT_UNIT)}
              />
            </Form.Item>
            <Form.Item label={t('cmd.reviewBy')} validateStatus={status('/reviewBy')} help={errAt('/reviewBy')[0]}>
              <Input type="date" value={def.reviewBy} onChange={(e) => setDef({ ...def, reviewBy: e.target.value })} style={{ width: 160 }} />
            </Form.Item>
          </Space>
          <Form.Item label={t('cmd.source')} validateStatus={status('/source')} help={errAt('/source')[0]}>
            <Input value={def.source} onChange={(e) => setDef({ ...def, source: e.target.value })} />
          </Form.Item>
        </Form>

        <Tabs
          activeKey={tab}
          onChange={setTab}
          type={readOnly ? 'card' : 'editable-card'}
          onEdit={(key, action) => {
            if (action === 'add') {
              const level = missing[0];
              if (!level) return;
              // A new level starts as a copy of the nearest one the plan has.
              const near = [...def.levels].sort((a, b) => Math.abs(a.level - level) - Math.abs(b.level - level))[0];
              const copy = near ? { ...structuredClone(near), level } : blankLevel(level, def.owner);
              setDef({ ...def, levels: [...def.levels, copy].sort((a, b) => b.level - a.level) });
              setTab(String(level));
            } else if (typeof key === 'string') {
              setDef({ ...def, levels: def.levels.filter((l) => String(l.level) !== key) });
              setTab(String(def.levels.find((l) => String(l.level) !== key)?.level ?? 4));
            }
          }}
          hideAdd={missing.length === 0}
          items={def.levels.map((l, li) => ({
            key: String(l.level),
            label: (
              <span data-testid={`level-tab-${l.level}`} style={errors.some((e) => e.pointer.startsWith(`/body/levels/${li}/`)) ? { color: '#cf1322' } : {}}>
                {LEVEL_ROMAN[l.level]} {t('cmd.levelResponse')}
              </span>
            ),
            children: <LevelEditor l={l} li={li} readOnly={readOnly} unitOptions={unitOptions} errAt={errAt} onChange={(f) => setLevel(li, f)} />,
          }))}
        />
        {plan && !readOnly && (
          <Card size="small" title={t('cmd.changeNote')}>
            <Input.TextArea rows={2} value={note} onChange={(e) => setNote(e.target.value)} data-testid="plan-note" placeholder={t('cmd.changeNoteHint')} />
          </Card>
        )}
        {plan && (
          <Collapse
            items={[
              {
                key: 'versions',
                label: `${t('cmd.versions')} (${versions?.length ?? '…'})`,
                children: (
                  <Table
                    size="small"
                    rowKey="version"
                    pagination={false}
                    dataSource={versions ?? []}
                    columns={[
                      { title: t('cmd.version'), dataIndex: 'version', width: 70 },
                      { title: t('col.time'), render: (_, v) => fmtTime(v.changedAt, lang), width: 130 },
                      { title: t('col.actor'), dataIndex: 'changedBy', width: 130, render: (v: string | null) => (v ? <Code>{v}</Code> : '—') },
                      { title: t('cmd.changeNote'), dataIndex: 'note' },
                    ]}
                  />
                ),
              },
            ]}
          />
        )}
      </Space>
    </Drawer>
  );
}

function LevelEditor({
  l,
  li,
  readOnly,
  unitOptions,
  errAt,
  onChange,
}: {
  l: LevelPlan;
  li: number;
  readOnly: boolean;
  unitOptions: { value: string; label: string }[];
  errAt: (pointer: string) => string[];
  onChange: (f: (l: LevelPlan) => LevelPlan) => void;
}) {
  const { t, n } = useI18n();
  const at = `/levels/${li}`;
  const setUnit = (ui: number, f: (u: LevelPlan['units'][number]) => LevelPlan['units'][number]) =>
    onChange((x) => ({ ...x, units: x.units.map((u, i) => (i === ui ? f(u) : u)) }));
  const setTask = (ui: number, ti: number, patch: Partial<TaskTemplate>) =>
    setUnit(ui, (u) => ({ ...u, tasks: u.tasks.map((tk, i) => (i === ti ? { ...tk, ...patch } : tk)) }));
  const label = (k: 'raiseWhen' | 'lowerWhen' | 'endWhen') => (
    <Space.Compact style={{ width: '100%' }}>
      <Input
        addonBefore={t(`cmd.${k}` as 'cmd.endWhen')}
        disabled={readOnly}
        value={l[k]?.zh ?? ''}
        status={errAt(`${at}/${k}`).length ? 'error' : undefined}
        placeholder="中文"
        onChange={(e) => onChange((x) => ({ ...x, [k]: { zh: e.target.value, en: x[k]?.en ?? '' } }))}
      />
      <Input
        disabled={readOnly}
        value={l[k]?.en ?? ''}
        placeholder="English"
        onChange={(e) => onChange((x) => ({ ...x, [k]: { zh: x[k]?.zh ?? '', en: e.target.value } }))}
      />
    </Space.Compact>
  );
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        <Typography.Text>{t('cmd.lead')}</Typography.Text>
        <Select
          showSearch
          optionFilterProp="label"
          disabled={readOnly}
          value={l.lead || null}
          status={errAt(`${at}/lead`).length ? 'error' : undefined}
          onChange={(lead) => onChange((x) => ({ ...x, lead }))}
          style={{ width: 260 }}
          options={unitOptions.filter((o) => l.units.some((u) => u.unit === o.value))}
        />
      </Space>
      {l.units.map((u, ui) => (
        <Card
          // biome-ignore lint/suspicious/noArrayIndexKey: units are edited in place by position
          key={ui}
          size="small"
          title={
            <Select
              showSearch
              optionFilterProp="label"
              disabled={readOnly}
              value={u.unit || null}
              status={errAt(`${at}/units/${ui}/unit`).length ? 'error' : undefined}
              onChange={(unit) => setUnit(ui, (x) => ({ ...x, unit }))}
              style={{ width: 300 }}
              options={unitOptions}
              data-testid={`unit-${ui}`}
            />
          }
          extra={
            !readOnly && (
              <Button size="small" danger onClick={() => onChange((x) => ({ ...x, units: x.units.filter((_, i) => i !== ui) }))}>
                {t('cmd.remove')}
              </Button>
            )
          }
        >
          <Table
            size="small"
            pagination={false}
            rowKey={(_, i) => String(i)}
            dataSource={u.tasks}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('cmd.noTasks')} /> }}
            columns={[
              {
                title: t('cmd.taskKey'),
                width: 130,
                render: (_, tk, ti) => (
                  <Input
                    disabled={readOnly}
                    value={tk.key}
                    status={errAt(`${at}/units/${ui}/tasks/${ti}/key`).length ? 'error' : undefined}
                    onChange={(e) => setTask(ui, ti, { key: e.target.value })}
                  />
                ),
              },
              {
                title: t('col.task'),
                render: (_, tk, ti) => (
                  <Space.Compact style={{ width: '100%' }}>
                    <Input
                      disabled={readOnly}
                      value={tk.title.zh}
                      placeholder="中文"
                      status={errAt(`${at}/units/${ui}/tasks/${ti}/title`).length ? 'error' : undefined}
                      onChange={(e) => setTask(ui, ti, { title: { ...tk.title, zh: e.target.value } })}
                    />
                    <Input
                      disabled={readOnly}
                      value={tk.title.en}
                      placeholder="English"
                      onChange={(e) => setTask(ui, ti, { title: { ...tk.title, en: e.target.value } })}
                    />
                  </Space.Compact>
                ),
              },
              ...(['acceptMinutes', 'deadlineMinutes', 'reportEveryMinutes'] as const).map((k) => ({
                title: t(`cmd.${k}` as 'cmd.acceptMinutes'),
                width: 110,
                render: (_: unknown, tk: TaskTemplate, ti: number) => {
                  const errs = errAt(`${at}/units/${ui}/tasks/${ti}/${k}`);
                  return (
                    <InputNumber
                      disabled={readOnly}
                      min={1}
                      value={tk[k]}
                      status={errs.length ? 'error' : undefined}
                      title={errs.join('; ')}
                      data-testid={`task-${ui}-${ti}-${k}`}
                      onChange={(v) => setTask(ui, ti, { [k]: v ?? 0 })}
                    />
                  );
                },
              })),
              ...(readOnly
                ? []
                : [
                    {
                      title: '',
                      width: 40,
                      render: (_: unknown, _tk: TaskTemplate, ti: number) => (
                        <Button size="small" type="text" danger onClick={() => setUnit(ui, (x) => ({ ...x, tasks: x.tasks.filter((_, i) => i !== ti) }))}>
                          ×
                        </Button>
                      ),
                    },
                  ]),
            ]}
          />
          {!readOnly && (
            <Button size="small" type="dashed" style={{ marginTop: 6 }} onClick={() => setUnit(ui, (x) => ({ ...x, tasks: [...x.tasks, blankTask()] }))}>
              + {t('col.task')}
            </Button>
          )}
        </Card>
      ))}
      {!readOnly && (
        <Button type="dashed" onClick={() => onChange((x) => ({ ...x, units: [...x.units, { unit: '', tasks: [blankTask()] }] }))} data-testid="add-unit">
          + {t('cmd.unit')}
        </Button>
      )}
      <Card size="small" title={t('cmd.resourcesToMobilise')}>
        <Space direction="vertical">
          {l.resources.map((r, ri) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: resources are edited in place by position
            <Space key={ri}>
              <Input
                disabled={readOnly}
                value={r.type}
                placeholder={t('cmd.resourceType')}
                aria-label={t('cmd.resourceType')}
                suffix={RESOURCE_TYPE_NAMES[r.type] ? n(RESOURCE_TYPE_NAMES[r.type]!) : undefined}
                status={errAt(`${at}/resources/${ri}/type`).length ? 'error' : undefined}
                onChange={(e) => onChange((x) => ({ ...x, resources: x.resources.map((y, i) => (i === ri ? { ...y, type: e.target.value } : y)) }))}
              />
              <InputNumber
                disabled={readOnly}
                min={1}
                value={r.quantity}
                onChange={(v) => onChange((x) => ({ ...x, resources: x.resources.map((y, i) => (i === ri ? { ...y, quantity: v ?? 0 } : y)) }))}
              />
              <Input
                disabled={readOnly}
                value={r.unit ?? ''}
                placeholder={t('cmd.unitOfMeasure')}
                style={{ width: 80 }}
                onChange={(e) =>
                  onChange((x) => ({
                    ...x,
                    resources: x.resources.map((y, i) => (i === ri ? { ...y, ...(e.target.value ? { unit: e.target.value } : { unit: undefined }) } : y)),
                  }))
                }
              />
              {!readOnly && (
                <Button size="small" type="text" danger onClick={() => onChange((x) => ({ ...x, resources: x.resources.filter((_, i) => i !== ri) }))}>
                  ×
                </Button>
              )}
            </Space>
          ))}
          {!readOnly && (
            <Button size="small" type="dashed" onClick={() => onChange((x) => ({ ...x, resources: [...x.resources, { type: '', quantity: 1 }] }))}>
              + {t('cmd.resources')}
            </Button>
          )}
        </Space>
      </Card>
      {l.level > 1 && label('raiseWhen')}
      {l.level < 4 && label('lowerWhen')}
      {label('endWhen')}
    </Space>
  );
}

/** The plan editor's own fields, for naming where a problem lies. */
const PLAN_PARTS = {
  levels: { zh: '响应级别', en: 'Level' },
  source: { zh: '依据', en: 'Source' },
  raiseWhen: { zh: '升级条件', en: 'Raise when' },
  lowerWhen: { zh: '降级条件', en: 'Lower when' },
  key: { zh: '任务代码', en: 'Task key' },
};
