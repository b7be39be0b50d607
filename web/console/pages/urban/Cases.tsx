/**
 * City-management cases (城管案件) in the console. What a person sees depends on who they are:
 * - the command centre (监督指挥中心): incoming reports and duplicates to file, the dispatch board,
 *   cases being handled, overdue ones, extension and hang-up requests, closed cases;
 * - a unit (责任单位): its cases by deadline, to handle, return, extend, hang up, report back;
 * - an inspector: the verification tasks given to them and the cases of their districts;
 * - a district government: the cases in its district, read-only.
 * A case opens in a drawer with its photos, timeline, notices and the actions the server offers.
 */
import { App, Badge, Button, Checkbox, Descriptions, Drawer, Input, InputNumber, Rate, Select, Space, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import type { Classification } from '../../../../modules/urban/index';
import { api, type Me, problemText } from '../../../shared/api';
import { Field } from '../../../shared/Field';
import { useApi } from '../../../shared/hooks';
import { type StringKey, useI18n } from '../../../shared/i18n';
import { Code, Name, useDeptName, useOnce } from '../../../shared/labels';
import { AuthImage, MAX_PHOTO_BYTES, type Uploaded, uploadPhoto } from '../../../shared/photos';

type Text = { zh: string; en: string };
interface Photo {
  id: string;
  name: string;
  url: string;
}
export interface CaseView {
  id: string;
  state: string;
  stateLabel: Text;
  source: string;
  subcategory: string;
  subcategoryName: Text;
  urgent: boolean;
  district: string;
  grid: string;
  address: string | null;
  description: string;
  photos: Photo[];
  resultPhotos: Photo[];
  reporter: { name: string | null; phone: string | null };
  unit: string | null;
  duplicateOf: string | null;
  mergedInto: string | null;
  reportedAt: number;
  dueAt: number | null;
  closedAt: number | null;
  overdue: boolean;
  returns: number;
  reworks: number;
  extensions: number;
  rating: number | null;
  rev: number;
}
interface CaseDetail extends CaseView {
  classification: { version: number; limit: Record<string, number>; filing: Text; closing: Text; major: Text } | null;
  actions: string[];
  timeline: { at: number; action: string; from: string | null; to: string | null; actor: string | null; comment: string | null }[];
  requests: { id: string; kind: string; reason: string; hours: number | null; status: string; requestedAt: number }[];
  notices: { kind: string; text: Text; at: number; to: string | null }[];
}
interface RequestRow {
  id: string;
  case_id: string;
  kind: string;
  unit: string;
  reason: string;
  hours: number | null;
  requested_at: number;
}

const STATE_COLOUR: Record<string, string> = {
  reported: 'blue',
  filed: 'cyan',
  handling: 'gold',
  returned: 'purple',
  hung: 'default',
  verifying: 'geekblue',
  closed: 'green',
  rejected: 'default',
  merged: 'default',
};

const SOURCE: Record<string, StringKey> = {
  inspector: 'um.src.inspector',
  citizen: 'um.src.citizen',
  hotline: 'um.src.hotline',
  video: 'um.src.video',
  alert: 'um.src.alert',
  open311: 'um.src.open311',
  staff: 'um.src.staff',
};

const ACTION: Record<string, StringKey> = {
  file: 'um.act.file',
  reject: 'um.act.reject',
  merge: 'um.act.merge',
  dispatch: 'um.act.dispatch',
  resume: 'um.act.resume',
  return: 'um.act.return',
  request_extension: 'um.act.extension',
  request_hang: 'um.act.hang',
  report_back: 'um.act.reportBack',
  close: 'um.act.close',
  rework: 'um.act.rework',
  rate: 'um.act.rate',
};

const STEP: Record<string, StringKey> = {
  created: 'um.step.created',
  'deadline.reminded': 'um.step.reminded',
  'deadline.passed': 'um.step.overdue',
  'deadline.escalated': 'um.step.escalated',
};

const time = (at: number | null) => (at === null ? '—' : dayjs(at).format('YYYY-MM-DD HH:mm'));

/** Whether the signed-in person works at the command centre (the server decides the same way). */
export function isCentre(user: Me, cls: Classification | null): boolean {
  if (user.scope.departments.includes('*')) return true;
  return !!cls && user.department === cls.settings.centre && user.roles.some((r) => r === 'dept_staff' || r === 'dept_leader');
}

export function CasesPage({ user }: { user: Me }) {
  const { t } = useI18n();
  const cls = useOnce<Classification>('/api/urban/classification');
  const centre = isCentre(user, cls);
  const inspector = user.roles.includes('grid_inspector');
  const governs = !!user.view && user.view.cityLevel === false;
  const tabs: { key: string; label: StringKey; query: string }[] = centre
    ? [
        { key: 'incoming', label: 'um.tab.incoming', query: 'state=reported' },
        { key: 'duplicates', label: 'um.tab.duplicates', query: 'duplicates=true' },
        { key: 'dispatch', label: 'um.tab.dispatch', query: 'state=filed,returned' },
        { key: 'handling', label: 'um.tab.handling', query: 'state=handling,hung,verifying' },
        { key: 'overdue', label: 'um.tab.overdue', query: 'overdue=true&open=true' },
        { key: 'requests', label: 'um.tab.requests', query: '' },
        { key: 'closed', label: 'um.tab.closed', query: 'open=false' },
      ]
    : inspector
      ? [
          { key: 'verify', label: 'um.tab.verify', query: 'mine=true&state=verifying' },
          { key: 'district', label: 'um.tab.district', query: 'open=true' },
          { key: 'closed', label: 'um.tab.closed', query: 'open=false' },
        ]
      : [
          { key: 'mine', label: governs ? 'um.tab.district' : 'um.tab.mine', query: 'open=true' },
          { key: 'closed', label: 'um.tab.closed', query: 'open=false' },
        ];
  const [tab, setTab] = useState<string | null>(null);
  const current = tabs.find((x) => x.key === tab) ?? tabs[0]!;
  const [open, setOpen] = useState<string | null>(null);
  return (
    <>
      <Typography.Title level={3}>{t('nav.cases')}</Typography.Title>
      <Typography.Paragraph type="secondary">
        {t(centre ? 'um.intro.centre' : inspector ? 'um.intro.inspector' : governs ? 'um.intro.district' : 'um.intro.unit')}
      </Typography.Paragraph>
      <Tabs activeKey={current.key} onChange={setTab} items={tabs.map((x) => ({ key: x.key, label: t(x.label) }))} />
      {current.key === 'requests' ? <RequestsTable onOpen={setOpen} /> : <CaseTable key={current.key} query={current.query} onOpen={setOpen} />}
      <Drawer open={open !== null} onClose={() => setOpen(null)} width={720} title={t('um.case')} destroyOnHidden>
        {open && <CaseDrawer id={open} user={user} cls={cls} onChanged={() => undefined} />}
      </Drawer>
    </>
  );
}

function CaseTable({ query, onOpen }: { query: string; onOpen: (id: string) => void }) {
  const { t, n } = useI18n();
  const dept = useDeptName();
  const list = useApi<CaseView[]>(`/api/urban/cases?${query}${query ? '&' : ''}limit=200`);
  return (
    <Table<CaseView>
      rowKey="id"
      size="small"
      loading={list.loading}
      dataSource={list.data ?? []}
      onRow={(r) => ({ onClick: () => onOpen(r.id), style: { cursor: 'pointer' } })}
      pagination={{ pageSize: 20 }}
      columns={[
        { title: t('um.col.case'), dataIndex: 'id', render: (v: string) => <Code>{v.slice(-8)}</Code> },
        {
          title: t('um.col.category'),
          render: (_: unknown, r) => (
            <Space size={4}>
              {n(r.subcategoryName)}
              {r.urgent && <Tag color="red">{t('um.urgent')}</Tag>}
              {r.duplicateOf && <Tag color="orange">{t('um.duplicate')}</Tag>}
            </Space>
          ),
        },
        { title: t('um.col.source'), dataIndex: 'source', render: (v: string) => t(SOURCE[v] ?? 'um.src.staff') },
        { title: t('um.col.place'), render: (_: unknown, r) => <Name>{r.address ?? r.grid}</Name> },
        { title: t('um.col.unit'), dataIndex: 'unit', render: (v: string | null) => dept(v) },
        {
          title: t('um.col.state'),
          render: (_: unknown, r) => (
            <Space size={4}>
              <Tag color={STATE_COLOUR[r.state]}>{n(r.stateLabel)}</Tag>
              {r.overdue && r.closedAt === null && <Tag color="red">{t('um.overdue')}</Tag>}
            </Space>
          ),
        },
        { title: t('um.col.due'), dataIndex: 'dueAt', render: (v: number | null) => time(v) },
        { title: t('um.col.reported'), dataIndex: 'reportedAt', render: (v: number) => time(v) },
      ]}
    />
  );
}

function RequestsTable({ onOpen }: { onOpen: (id: string) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const dept = useDeptName();
  const list = useApi<RequestRow[]>('/api/urban/requests');
  const decide = async (id: string, approve: boolean) => {
    try {
      await api('POST', `/api/urban/requests/${id}/decision`, { approve });
      message.success(t(approve ? 'um.approved' : 'um.refused'));
      list.reload();
    } catch (e) {
      message.error(problemText(e));
    }
  };
  return (
    <Table<RequestRow>
      rowKey="id"
      size="small"
      loading={list.loading}
      dataSource={list.data ?? []}
      columns={[
        {
          title: t('um.col.case'),
          dataIndex: 'case_id',
          render: (v: string) => (
            <Button type="link" size="small" onClick={() => onOpen(v)}>
              <Code>{v.slice(-8)}</Code>
            </Button>
          ),
        },
        { title: t('um.col.kind'), dataIndex: 'kind', render: (v: string) => t(v === 'extension' ? 'um.act.extension' : 'um.act.hang') },
        { title: t('um.col.unit'), dataIndex: 'unit', render: (v: string) => dept(v) },
        { title: t('um.col.reason'), dataIndex: 'reason', render: (v: string) => <Name>{v}</Name> },
        { title: t('um.col.hours'), dataIndex: 'hours', render: (v: number | null) => (v === null ? '—' : v) },
        { title: t('um.col.reported'), dataIndex: 'requested_at', render: (v: number) => time(Number(v)) },
        {
          title: '',
          render: (_: unknown, r) => (
            <Space>
              <Button size="small" type="primary" onClick={() => decide(r.id, true)}>
                {t('um.approve')}
              </Button>
              <Button size="small" onClick={() => decide(r.id, false)}>
                {t('um.refuse')}
              </Button>
            </Space>
          ),
        },
      ]}
    />
  );
}

export function CaseDrawer({ id, user, cls, onChanged }: { id: string; user: Me; cls: Classification | null; onChanged: () => void }) {
  const { t, n, lang } = useI18n();
  const dept = useDeptName();
  const detail = useApi<CaseDetail>(`/api/urban/cases/${id}`);
  const c = detail.data;
  if (!c) return detail.error ? <Typography.Text type="danger">{detail.error}</Typography.Text> : null;
  const sub = cls?.subcategories.find((s) => s.code === c.subcategory);
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label={t('um.col.case')} span={2}>
          <Code>{c.id}</Code>
        </Descriptions.Item>
        <Descriptions.Item label={t('um.col.category')}>
          {n(c.subcategoryName)} <Code>{c.subcategory}</Code>
        </Descriptions.Item>
        <Descriptions.Item label={t('um.col.state')}>
          <Tag color={STATE_COLOUR[c.state]}>{n(c.stateLabel)}</Tag>
          {c.overdue && c.closedAt === null && <Tag color="red">{t('um.overdue')}</Tag>}
        </Descriptions.Item>
        <Descriptions.Item label={t('um.col.source')}>{t(SOURCE[c.source] ?? 'um.src.staff')}</Descriptions.Item>
        <Descriptions.Item label={t('um.col.unit')}>{dept(c.unit)}</Descriptions.Item>
        <Descriptions.Item label={t('um.col.grid')}>
          <Code>{c.grid}</Code>
        </Descriptions.Item>
        <Descriptions.Item label={t('um.col.place')}>
          <Name>{c.address ?? '—'}</Name>
        </Descriptions.Item>
        <Descriptions.Item label={t('um.col.reported')}>{time(c.reportedAt)}</Descriptions.Item>
        <Descriptions.Item label={t('um.col.due')}>{time(c.dueAt)}</Descriptions.Item>
        <Descriptions.Item label={t('um.col.reporter')}>
          <Name>{[c.reporter.name, c.reporter.phone].filter(Boolean).join(' ') || '—'}</Name>
        </Descriptions.Item>
        <Descriptions.Item label={t('um.col.counts')}>
          {t('um.returns')} {c.returns} · {t('um.reworks')} {c.reworks} · {t('um.extensions')} {c.extensions}
        </Descriptions.Item>
        <Descriptions.Item label={t('um.col.description')} span={2}>
          <Name>{c.description}</Name>
        </Descriptions.Item>
        {c.classification && (
          <>
            <Descriptions.Item label={t('um.col.filing')} span={2}>
              {n(c.classification.filing)}
            </Descriptions.Item>
            <Descriptions.Item label={t('um.col.closing')} span={2}>
              {n(c.classification.closing)}
            </Descriptions.Item>
          </>
        )}
      </Descriptions>
      {c.duplicateOf && (
        <Typography.Text type="warning">
          {t('um.duplicateOf')} <Code>{c.duplicateOf}</Code>
        </Typography.Text>
      )}
      <Space wrap>
        {c.photos.map((p) => (
          <AuthImage key={p.id} url={p.url} alt={p.name} />
        ))}
        {c.resultPhotos.length > 0 && <Typography.Text type="secondary">{t('um.result')}</Typography.Text>}
        {c.resultPhotos.map((p) => (
          <AuthImage key={p.id} url={p.url} alt={p.name} />
        ))}
      </Space>
      {c.actions.length > 0 && (
        <Actions
          // A new revision offers new actions: the form starts again with the first of them.
          key={c.rev}
          c={c}
          user={user}
          // The district's own unit first: the one dispatch picks unless the centre chooses another.
          units={
            sub
              ? [...new Set([sub.districtUnits?.[c.district] ?? sub.unit, sub.unit, ...Object.values(sub.districtUnits ?? {}), ...(sub.alsoUnits ?? [])])]
              : []
          }
          limitInDays={!!sub && 'workingDays' in sub.limits.normal}
          onDone={() => {
            detail.reload();
            onChanged();
          }}
        />
      )}
      <Typography.Title level={5}>{t('um.timeline')}</Typography.Title>
      <Timeline
        items={c.timeline.map((s) => ({
          children: (
            <>
              <div>
                {time(s.at)} ·{' '}
                {ACTION[s.action] ? (
                  t(ACTION[s.action]!)
                ) : STEP[s.action] ? (
                  t(STEP[s.action]!)
                ) : s.action === 'extend' ? (
                  t('um.act.extension')
                ) : s.action === 'hang' ? (
                  t('um.act.hang')
                ) : (
                  <Code>{s.action}</Code>
                )}
                {s.actor && (
                  <>
                    {' '}
                    · <Name>{s.actor}</Name>
                  </>
                )}
              </div>
              {s.comment && (
                <Typography.Text type="secondary">
                  <Name>{s.comment}</Name>
                </Typography.Text>
              )}
            </>
          ),
        }))}
      />
      {c.notices.length > 0 && (
        <>
          <Typography.Title level={5}>{t('um.notices')}</Typography.Title>
          {c.notices.map((x) => (
            <Typography.Paragraph key={`${x.at}-${x.kind}`}>
              {time(x.at)} {x.to && <Code>{x.to}</Code>} · {x.text[lang]}
            </Typography.Paragraph>
          ))}
        </>
      )}
    </Space>
  );
}

function Actions({ c, user, units, limitInDays, onDone }: { c: CaseDetail; user: Me; units: string[]; limitInDays: boolean; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const dept = useDeptName();
  const [action, setAction] = useState<string>(c.actions[0]!);
  const [comment, setComment] = useState('');
  const [unit, setUnit] = useState<string | null>(c.unit ?? units[0] ?? null);
  const [urgent, setUrgent] = useState(c.urgent);
  const [amount, setAmount] = useState<number | null>(1);
  const [score, setScore] = useState(5);
  const [photos, setPhotos] = useState<Uploaded[]>([]);
  const [busy, setBusy] = useState(false);
  const needsComment = ['reject', 'return', 'request_extension', 'request_hang', 'report_back', 'rework'].includes(action);
  const needsPhotos = action === 'report_back';
  const add = async (list: FileList | null) => {
    for (const f of Array.from(list ?? [])) {
      if (f.size > MAX_PHOTO_BYTES) {
        message.error(t('um.photoTooLarge'));
        continue;
      }
      try {
        const up = await uploadPhoto(f);
        setPhotos((p) => [...p, up]);
      } catch (e) {
        message.error(problemText(e));
      }
    }
  };
  const submit = async () => {
    const base = `/api/urban/cases/${c.id}`;
    const call: Record<string, [string, object]> = {
      file: ['file', { rev: c.rev, urgent, ...(comment ? { comment } : {}) }],
      reject: ['reject', { rev: c.rev, comment }],
      merge: ['merge', { rev: c.rev }],
      dispatch: ['dispatch', { rev: c.rev, ...(unit ? { unit } : {}), ...(comment ? { comment } : {}) }],
      resume: ['resume', { rev: c.rev }],
      return: ['return', { rev: c.rev, comment }],
      request_extension: ['requests', { kind: 'extension', reason: comment, ...(limitInDays ? { days: amount ?? 1 } : { hours: amount ?? 1 }) }],
      request_hang: ['requests', { kind: 'hang', reason: comment }],
      report_back: ['report-back', { rev: c.rev, comment, photos: photos.map((p) => p.id) }],
      close: ['verify', { rev: c.rev, ok: true, ...(comment ? { comment } : {}), photos: photos.map((p) => p.id) }],
      rework: ['verify', { rev: c.rev, ok: false, comment, photos: photos.map((p) => p.id) }],
      rate: ['rating', { score, ...(comment ? { comment } : {}) }],
    };
    const [path, body] = call[action]!;
    setBusy(true);
    try {
      await api('POST', `${base}/${path}`, body);
      message.success(t('um.done'));
      setComment('');
      setPhotos([]);
      onDone();
    } catch (e) {
      message.error(problemText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid="case-actions" style={{ background: '#fafafa', padding: 12, borderRadius: 6 }}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space wrap>
          {c.actions.map((a) => (
            <Button key={a} type={a === action ? 'primary' : 'default'} onClick={() => setAction(a)} data-action={a}>
              {t(ACTION[a] ?? 'um.act.file')}
            </Button>
          ))}
        </Space>
        {action === 'dispatch' && (
          <Field>
            {t('um.col.unit')} <Select style={{ minWidth: 280 }} value={unit} onChange={setUnit} options={units.map((u) => ({ value: u, label: dept(u) }))} />
          </Field>
        )}
        {action === 'file' && (
          <Checkbox checked={urgent} onChange={(e) => setUrgent(e.target.checked)}>
            {t('um.urgent')}
          </Checkbox>
        )}
        {action === 'request_extension' && (
          <Field>
            {t(limitInDays ? 'um.extendDays' : 'um.extendHours')} <InputNumber min={1} max={limitInDays ? 60 : 480} value={amount} onChange={setAmount} />
          </Field>
        )}
        {action === 'rate' && <Rate value={score} onChange={setScore} />}
        {action !== 'merge' && action !== 'resume' && (
          <Field block>
            {t(needsComment ? 'um.commentRequired' : 'um.comment')}
            <Input.TextArea rows={2} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} />
          </Field>
        )}
        {(needsPhotos || action === 'close' || action === 'rework') && (
          <Space wrap>
            <Field>
              {t(needsPhotos ? 'um.resultPhotos' : 'um.photos')}{' '}
              <input type="file" accept="image/jpeg,image/png,image/webp" multiple onChange={(e) => add(e.target.files)} data-testid="action-photo" />
            </Field>
            {photos.map((p) => (
              <Badge key={p.id} count={<Tag>{p.name}</Tag>} />
            ))}
          </Space>
        )}
        <Button
          type="primary"
          loading={busy}
          disabled={(needsComment && !comment.trim()) || (needsPhotos && photos.length === 0)}
          onClick={submit}
          data-testid="action-submit"
        >
          {t('um.submit')}
        </Button>
        {user.view?.cityLevel === false && <Typography.Text type="secondary">{t('um.readOnly')}</Typography.Text>}
      </Space>
    </div>
  );
}
