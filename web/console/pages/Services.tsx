/**
 * 政务服务 for departments: the inbox (办件箱) with an application's form, materials, consents and
 * signature, and the decisions its state allows (受理, 不予受理, 补正告知 once listing what is missing,
 * 审核, 办结 or 不予批准); the follow-ups of bad ratings (差评整改); and the 好差评 statistics.
 */
import { Button, Card, Checkbox, Descriptions, Drawer, Input, Select, Space, Table, Tabs, Tag, Typography, message } from 'antd';
import { useState } from 'react';
import { api, problemText } from '../../shared/api';
import { Field } from '../../shared/Field';
import { useApi } from '../../shared/hooks';
import { type StringKey, useI18n } from '../../shared/i18n';

type Names = { zh: string; en: string };
interface AppRow {
  id: string;
  item: { code: string; version: number; name: Names };
  applicant: { kind: string; name: string; id: string };
  agent: boolean;
  state: string;
  stateLabel: Names;
  step: { key: string; name: Names; role: string; index: number; of: number } | null;
  submittedAt: number;
  dueAt: number | null;
  supplement: { keys: string[]; note: string | null } | null;
  decisionNote: string | null;
  fee: number;
  rev: number;
}
interface Detail extends AppRow {
  form: Record<string, string | number | boolean>;
  materials: { key: string; source: string; ref: string[] }[];
  consents: { material: string; source: string; ref: string; purpose: string; at: number }[];
  timeline: { at: number; label: Names; comment: string | null; actor: string | null }[];
}

const time = (ms: number | null) => (ms === null ? '—' : new Date(ms).toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' }));
const STATES = ['submitted', 'supplement', 'handling', 'approved', 'refused', 'rejected', 'withdrawn'] as const;

function Decide({ a, onDone }: { a: Detail; onDone: () => void }) {
  const { t, n } = useI18n();
  const item = useApi<{ fields: { key: string; name: Names }[]; materials: { key: string; name: Names }[] }>(
    `/api/services/items/${a.item.code}?version=${a.item.version}`,
  );
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const act = async (action: string, body: object = {}) => {
    setBusy(true);
    try {
      await api('POST', `/api/services/applications/${a.id}/${action}`, { rev: a.rev, ...(comment.trim() ? { comment: comment.trim() } : {}), ...body });
      message.success(t('gs.c.done'));
      setComment('');
      setMissing([]);
      onDone();
    } catch (e) {
      message.error(problemText(e));
    } finally {
      setBusy(false);
    }
  };
  const lastStep = a.step !== null && a.step.index === a.step.of - 1;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Field block>
        {t('um.comment')}
        <Input.TextArea rows={2} value={comment} onChange={(e) => setComment(e.target.value)} data-testid="gs-comment" />
      </Field>
      {a.state === 'submitted' && (
        <>
          <Space wrap>
            <Button type="primary" loading={busy} onClick={() => act('accept')} data-testid="gs-accept">
              {t('gs.c.accept')}
            </Button>
            <Button danger disabled={!comment.trim()} loading={busy} onClick={() => act('reject')} data-testid="gs-reject">
              {t('gs.c.reject')}
            </Button>
          </Space>
          {a.supplement === null && (
            <Card size="small" title={t('gs.c.askTitle')}>
              <Checkbox.Group
                value={missing}
                onChange={(v) => setMissing(v as string[])}
                options={[...(item.data?.materials ?? []), ...(item.data?.fields ?? [])].map((x) => ({ value: x.key, label: n(x.name) }))}
                data-testid="gs-missing"
              />
              <Button
                style={{ marginTop: 8 }}
                disabled={missing.length === 0 || !comment.trim()}
                loading={busy}
                onClick={() => act('ask-supplement', { missing })}
                data-testid="gs-ask"
              >
                {t('gs.c.ask')}
              </Button>
            </Card>
          )}
        </>
      )}
      {a.state === 'handling' && (
        <Space wrap>
          {!lastStep && (
            <Button type="primary" loading={busy} onClick={() => act('review')} data-testid="gs-review">
              {t('gs.c.review')}
            </Button>
          )}
          {lastStep && (
            <Button type="primary" loading={busy} onClick={() => act('approve')} data-testid="gs-approve">
              {t('gs.c.approve')}
            </Button>
          )}
          <Button danger disabled={!comment.trim()} loading={busy} onClick={() => act('refuse')} data-testid="gs-refuse">
            {t('gs.c.refuse')}
          </Button>
        </Space>
      )}
    </Space>
  );
}

function ApplicationDrawer({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const { t, n } = useI18n();
  const d = useApi<Detail>(`/api/services/applications/${id}`);
  const def = useApi<{ fields: { key: string; name: Names; options?: { value: string; name: Names }[] }[]; materials: { key: string; name: Names }[] }>(
    d.data ? `/api/services/items/${d.data.item.code}?version=${d.data.item.version}` : null,
  );
  const fieldName = (k: string) => {
    const f = def.data?.fields.find((x) => x.key === k);
    return f ? n(f.name) : k;
  };
  const fieldValue = (k: string, v: unknown) => {
    const o = def.data?.fields.find((x) => x.key === k)?.options?.find((x) => x.value === String(v));
    return o ? n(o.name) : String(v);
  };
  const materialName = (k: string) => {
    const m = def.data?.materials.find((x) => x.key === k);
    return m ? n(m.name) : k;
  };
  const refText = (source: string, ref: string) =>
    source === 'record' ? `${t(ref.startsWith('population/') ? 'gs.c.db.population' : 'gs.c.db.entities')}（${ref.split('/')[1]}）` : ref;
  const sig = useApi<{ valid: boolean }>(`/api/services/applications/${id}/signature`);
  const a = d.data;
  return (
    <Drawer open width={720} onClose={onClose} title={a ? n(a.item.name) : t('common.loading')} data-testid="gs-drawer">
      {a && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('gs.c.state')}>
              <Tag color="blue" data-testid="gs-c-state">
                {n(a.stateLabel)}
              </Tag>
              {a.step ? ` ${n(a.step.name)}（${a.step.index + 1}/${a.step.of}）` : ''}
            </Descriptions.Item>
            <Descriptions.Item label={t('gs.c.applicant')}>
              <span translate="no">{a.applicant.name}</span>
              {a.agent ? ` · ${t('gs.c.agent')}` : ''}
            </Descriptions.Item>
            <Descriptions.Item label={t('gs.c.submitted')}>{time(a.submittedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('gs.c.due')}>{time(a.dueAt)}</Descriptions.Item>
            <Descriptions.Item label={t('gs.c.signature')}>
              {sig.data ? <Tag color={sig.data.valid ? 'green' : 'red'}>{t(sig.data.valid ? 'gs.c.sigValid' : 'gs.c.sigInvalid')}</Tag> : '…'}
            </Descriptions.Item>
            <Descriptions.Item label={t('gs.fee')}>{a.fee ? `${a.fee.toFixed(2)} ${t('gs.yuan')}` : '—'}</Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5}>{t('gs.form')}</Typography.Title>
          <Descriptions size="small" column={1} bordered>
            {Object.entries(a.form).map(([k, v]) => (
              <Descriptions.Item key={k} label={fieldName(k)}>
                <span translate="no">{fieldValue(k, v)}</span>
              </Descriptions.Item>
            ))}
          </Descriptions>
          <Typography.Title level={5}>{t('gs.materials')}</Typography.Title>
          <Table
            size="small"
            rowKey="key"
            pagination={false}
            dataSource={a.materials}
            columns={[
              { title: t('gs.c.material'), render: (_, m) => materialName(m.key) },
              { title: t('gs.c.source'), render: (_, m) => t(`gs.c.src.${m.source}` as StringKey) },
              {
                title: t('gs.c.ref'),
                render: (_, m) =>
                  m.source === 'files' ? (
                    m.ref.map((f) => (
                      <a key={f} href={`/api/files/${f}`} target="_blank" rel="noreferrer" translate="no">
                        {f.slice(-8)}{' '}
                      </a>
                    ))
                  ) : (
                    <span translate="no">{m.ref.map((r) => refText(m.source, r)).join('，')}</span>
                  ),
              },
            ]}
          />
          {a.supplement && (
            <Typography.Paragraph type="warning">
              {t('gs.supplement')}：{a.supplement.keys.map((k) => (materialName(k) === k ? fieldName(k) : materialName(k))).join('、')}（{a.supplement.note}）
            </Typography.Paragraph>
          )}
          <Decide
            a={a}
            onDone={() => {
              d.reload();
              onChanged();
            }}
          />
          <Typography.Title level={5}>{t('gs.progress')}</Typography.Title>
          <Table
            size="small"
            rowKey={(s) => `${s.at}-${n(s.label)}`}
            pagination={false}
            dataSource={a.timeline}
            columns={[
              { title: t('gs.c.when'), render: (_, s) => time(s.at), width: 170 },
              { title: t('gs.c.what'), render: (_, s) => n(s.label), width: 120 },
              { title: t('um.comment'), render: (_, s) => <span translate="no">{s.comment ?? ''}</span> },
            ]}
          />
        </Space>
      )}
    </Drawer>
  );
}

function Inbox() {
  const { t, n } = useI18n();
  const [state, setState] = useState<string>('submitted');
  const list = useApi<AppRow[]>(`/api/services/inbox?limit=200${state ? `&state=${state}` : ''}`);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <>
      <Field>
        {t('gs.c.state')}{' '}
        <Select
          style={{ width: 160 }}
          value={state}
          onChange={setState}
          options={STATES.map((s) => ({ value: s, label: t(`gs.c.s.${s}` as StringKey) }))}
          data-testid="gs-state-filter"
        />
      </Field>
      <Table
        rowKey="id"
        size="small"
        style={{ marginTop: 12 }}
        loading={list.loading}
        dataSource={list.data ?? []}
        onRow={(r) => ({ onClick: () => setOpen(r.id), style: { cursor: 'pointer' } })}
        data-testid="gs-inbox"
        columns={[
          { title: t('gs.c.no'), render: (_, r) => <span translate="no">{r.id.slice(-8)}</span>, width: 100 },
          { title: t('gs.c.item'), render: (_, r) => n(r.item.name) },
          { title: t('gs.c.applicant'), render: (_, r) => <span translate="no">{r.applicant.name}</span> },
          { title: t('gs.c.state'), render: (_, r) => <Tag>{n(r.stateLabel)}</Tag> },
          { title: t('gs.c.submitted'), render: (_, r) => time(r.submittedAt) },
          { title: t('gs.c.due'), render: (_, r) => (r.dueAt && r.dueAt < Date.now() ? <Tag color="red">{time(r.dueAt)}</Tag> : time(r.dueAt)) },
        ]}
      />
      {open && <ApplicationDrawer id={open} onClose={() => setOpen(null)} onChanged={list.reload} />}
    </>
  );
}

function Followups() {
  const { t, n } = useI18n();
  const list =
    useApi<
      {
        id: string;
        state: string;
        overdue: boolean;
        dueAt: number;
        rating: { levelName: Names; reasons: string[]; comment: string | null; item: string | null };
        result: string | null;
        note: string | null;
      }[]
    >('/api/services/followups?limit=200');
  const [note, setNote] = useState<Record<string, string>>({});
  const close = async (id: string, result: 'rectified' | 'explained') => {
    try {
      await api('POST', `/api/services/followups/${id}/close`, { result, note: note[id] ?? '' });
      list.reload();
    } catch (e) {
      message.error(problemText(e));
    }
  };
  return (
    <Table
      rowKey="id"
      size="small"
      dataSource={list.data ?? []}
      loading={list.loading}
      data-testid="gs-followups"
      columns={[
        { title: t('gs.c.item'), render: (_, f) => <span translate="no">{f.rating.item ?? '—'}</span> },
        { title: t('gs.c.rating'), render: (_, f) => <Tag color="red">{n(f.rating.levelName)}</Tag> },
        { title: t('gs.c.reasons'), render: (_, f) => f.rating.reasons.map((r) => t(`gs.reason.${r}` as StringKey)).join('、') },
        { title: t('um.comment'), render: (_, f) => <span translate="no">{f.rating.comment ?? ''}</span> },
        { title: t('gs.c.due'), render: (_, f) => (f.overdue ? <Tag color="red">{time(f.dueAt)}</Tag> : time(f.dueAt)) },
        {
          title: t('gs.c.followUp'),
          render: (_, f) =>
            f.state === 'done' ? (
              <span>
                {t(`gs.c.result.${f.result}` as StringKey)}：<span translate="no">{f.note}</span>
              </span>
            ) : (
              <Space direction="vertical">
                <Field>
                  {t('gs.c.found')}
                  <Input.TextArea rows={2} value={note[f.id] ?? ''} onChange={(e) => setNote({ ...note, [f.id]: e.target.value })} />
                </Field>
                <Space>
                  <Button size="small" type="primary" disabled={!note[f.id]?.trim()} onClick={() => close(f.id, 'rectified')}>
                    {t('gs.c.result.rectified')}
                  </Button>
                  <Button size="small" disabled={!note[f.id]?.trim()} onClick={() => close(f.id, 'explained')}>
                    {t('gs.c.result.explained')}
                  </Button>
                </Space>
              </Space>
            ),
        },
      ]}
    />
  );
}

function Stats() {
  const { t } = useI18n();
  const [by, setBy] = useState<'department' | 'item' | 'window'>('department');
  const list = useApi<{ key: string; ratings: number; satisfaction: number | null; bad: number; followUp: number | null; rectification: number | null }[]>(
    `/api/services/ratings/stats?by=${by}`,
  );
  const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
  return (
    <>
      <Field>
        {t('gs.c.by')}{' '}
        <Select
          style={{ width: 140 }}
          value={by}
          onChange={setBy}
          options={(['department', 'item', 'window'] as const).map((b) => ({ value: b, label: t(`gs.c.by.${b}` as StringKey) }))}
        />
      </Field>
      <Table
        rowKey="key"
        size="small"
        style={{ marginTop: 12 }}
        dataSource={list.data ?? []}
        data-testid="gs-stats"
        columns={[
          { title: t('gs.c.key'), dataIndex: 'key', render: (k: string) => <span translate="no">{k}</span> },
          { title: t('gs.c.ratings'), dataIndex: 'ratings' },
          { title: t('gs.c.satisfaction'), render: (_, r) => pct(r.satisfaction) },
          { title: t('gs.c.bad'), dataIndex: 'bad' },
          { title: t('gs.c.followRate'), render: (_, r) => pct(r.followUp) },
          { title: t('gs.c.rectRate'), render: (_, r) => pct(r.rectification) },
        ]}
      />
    </>
  );
}

interface ItemFull {
  code: string;
  name: Names;
  department: string;
  departmentName: Names;
  kindName: Names;
  legalDays: number;
  promisedDays: number;
  fee: { amount: number; basis: Names } | null;
  channels: string[];
  conditions: Names;
  version: number;
  [k: string]: unknown;
}

/** The item editor: the common properties in fields, the whole item as JSON; every save a version. */
function ItemEditor({ code, onClose, onSaved }: { code: string; onClose: () => void; onSaved: () => void }) {
  const { t, n } = useI18n();
  const item = useApi<ItemFull>(`/api/services/items/${code}`);
  const versions = useApi<{ version: number; note: string | null; createdAt: number }[]>(`/api/services/items/${code}/versions`);
  const [draft, setDraft] = useState<Record<string, unknown> | null>(null);
  const [text, setText] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<{ pointer: string; detail: string }[]>([]);
  if (!item.data) return null;
  const { version, departmentName: _d, kindName: _k, channelNames: _c, updatedAt: _u, ...body } = item.data;
  const d = draft ?? body;
  const set = (patch: Record<string, unknown>) => {
    const next = { ...d, ...patch };
    setDraft(next);
    setText(JSON.stringify(next, null, 2));
  };
  const save = async () => {
    setErrors([]);
    let value: unknown = d;
    if (text !== null) {
      try {
        value = JSON.parse(text);
      } catch {
        setErrors([{ pointer: '/body/item', detail: t('gs.c.badJson') }]);
        return;
      }
    }
    try {
      await api('PUT', `/api/services/items/${code}`, { item: value, version, ...(note.trim() ? { note: note.trim() } : {}) });
      message.success(t('gs.c.saved'));
      setDraft(null);
      setText(null);
      setNote('');
      item.reload();
      versions.reload();
      onSaved();
    } catch (e) {
      setErrors((e as { problem?: { errors?: { pointer: string; detail: string }[] } }).problem?.errors ?? [{ pointer: '', detail: problemText(e) }]);
    }
  };
  return (
    <Drawer
      open
      width={760}
      onClose={onClose}
      title={
        <span>
          {n(item.data.name)}（<span translate="no">{code}</span>）
        </span>
      }
      data-testid="gs-item-editor"
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">
          {n(item.data.departmentName)} · {n(item.data.kindName)} · {t('gs.c.version')} {version}
        </Typography.Text>
        <Space wrap>
          <Field>
            {t('gs.c.legalDays')}
            <Input
              type="number"
              style={{ width: 90 }}
              value={String(d.legalDays ?? '')}
              onChange={(e) => set({ legalDays: Number(e.target.value) })}
              data-testid="gs-legal"
            />
          </Field>
          <Field>
            {t('gs.c.promisedDays')}
            <Input
              type="number"
              style={{ width: 90 }}
              value={String(d.promisedDays ?? '')}
              onChange={(e) => set({ promisedDays: Number(e.target.value) })}
              data-testid="gs-promised"
            />
          </Field>
        </Space>
        <Field block>
          {t('gs.c.itemJson')}
          <Input.TextArea
            rows={14}
            value={text ?? JSON.stringify(d, null, 2)}
            onChange={(e) => setText(e.target.value)}
            style={{ fontFamily: 'monospace' }}
            translate="no"
            data-testid="gs-json"
          />
        </Field>
        <Field block>
          {t('gs.c.note')}
          <Input value={note} onChange={(e) => setNote(e.target.value)} data-testid="gs-note-input" />
        </Field>
        {errors.map((e) => (
          <Typography.Text key={`${e.pointer}-${e.detail}`} type="danger" data-testid="gs-item-error">
            <span translate="no">{e.pointer.replace('/body/item', '') || '/'}</span> {e.detail}
          </Typography.Text>
        ))}
        <Button type="primary" onClick={save} data-testid="gs-item-save">
          {t('gs.c.saveVersion')}
        </Button>
        <Typography.Title level={5}>{t('gs.c.versions')}</Typography.Title>
        <Table
          size="small"
          rowKey="version"
          pagination={false}
          dataSource={versions.data ?? []}
          columns={[
            { title: t('gs.c.version'), dataIndex: 'version', width: 80 },
            { title: t('gs.c.when'), render: (_, v) => time(v.createdAt), width: 180 },
            { title: t('gs.c.note'), render: (_, v) => <span translate="no">{v.note ?? ''}</span> },
          ]}
        />
      </Space>
    </Drawer>
  );
}

function Catalogue() {
  const { t, n } = useI18n();
  const [q, setQ] = useState('');
  const list = useApi<
    {
      code: string;
      name: Names;
      departmentName: Names;
      kindName: Names;
      promisedDays: number;
      legalDays: number;
      fee: { amount: number } | null;
      version: number;
    }[]
  >(`/api/services/items?limit=200${q ? `&q=${encodeURIComponent(q)}` : ''}`);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <>
      <Field>
        {t('gs.c.searchItems')} <Input.Search allowClear style={{ width: 260 }} onSearch={setQ} />
      </Field>
      <Table
        rowKey="code"
        size="small"
        style={{ marginTop: 12 }}
        dataSource={list.data ?? []}
        loading={list.loading}
        onRow={(r) => ({ onClick: () => setOpen(r.code), style: { cursor: 'pointer' } })}
        data-testid="gs-items"
        columns={[
          { title: t('gs.c.code'), dataIndex: 'code', render: (c: string) => <span translate="no">{c}</span>, width: 130 },
          { title: t('gs.c.item'), render: (_, r) => n(r.name) },
          { title: t('gs.c.department'), render: (_, r) => n(r.departmentName) },
          { title: t('gs.c.kind'), render: (_, r) => n(r.kindName) },
          { title: t('gs.c.limits'), render: (_, r) => `${r.promisedDays} / ${r.legalDays}` },
          { title: t('gs.fee'), render: (_, r) => (r.fee?.amount ? `${r.fee.amount} ${t('gs.yuan')}` : '—') },
          { title: t('gs.c.version'), dataIndex: 'version', width: 70 },
        ]}
      />
      {open && <ItemEditor code={open} onClose={() => setOpen(null)} onSaved={list.reload} />}
    </>
  );
}

export function ServicesInboxPage() {
  const { t } = useI18n();
  return (
    <Card title={t('nav.services')} data-testid="gs-console">
      <Typography.Paragraph type="secondary">{t('gs.c.intro')}</Typography.Paragraph>
      <Tabs
        items={[
          { key: 'inbox', label: t('gs.c.inbox'), children: <Inbox /> },
          { key: 'followups', label: t('gs.c.followups'), children: <Followups /> },
          { key: 'stats', label: t('gs.c.stats'), children: <Stats /> },
          { key: 'catalogue', label: t('gs.c.catalogue'), children: <Catalogue /> },
        ]}
      />
    </Card>
  );
}
