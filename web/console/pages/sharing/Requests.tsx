/**
 * Sharing requests (共享申请) and approvals (共享授权): the inbox (what waits for the department as
 * provider or data authority), the outbox (what it asked), each request's deadline, whose turn it
 * is and its steps; answering as the rules say (compliance check, approval narrowed to some items,
 * a shorter period or a lower rate and quota, refusal with a reason, dispute, referral, decision);
 * applying for a resource's items; revoking an approval.
 */
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Drawer,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { ApprovalView, RequestView, Resource } from '../../../../modules/sharing/index';
import { api, type Me, problemText } from '../../../shared/api';
import { useApi } from '../../../shared/hooks';
import { Field } from '../../../shared/Field';
import { type StringKey, useI18n } from '../../../shared/i18n';
import { Code, Name, useDeptName, useOnce } from '../../../shared/labels';

type Named = { code: string; name: { zh: string; en: string } };
type Timed = RequestView & {
  approval: ApprovalView | null;
  timeline: { seq: number; at: number; action: string; actor: { name: string | null }; comment: string | null }[];
};

const STATE_COLOUR: Record<string, string> = {
  compliance_review: 'blue',
  provider_review: 'gold',
  provider_refused: 'orange',
  negotiation: 'purple',
  arbitration: 'magenta',
  approved: 'green',
  refused: 'red',
  withdrawn: 'default',
};
/** Actions that need a reason in words. */
const NEEDS_COMMENT = new Set(['fail_compliance', 'refuse', 'dispute', 'decide_approve', 'decide_refuse']);
/** Actions that end in an approval (its scope can be narrowed). */
const GRANTS = new Set(['approve', 'decide_approve']);
const STEP: Record<string, { zh: string; en: string }> = {
  created: { zh: '提出申请', en: 'Applied' },
  'deadline.reminded': { zh: '临近时限提醒', en: 'Deadline reminder' },
  'deadline.passed': { zh: '超过办理时限', en: 'Deadline passed' },
  'deadline.escalated': { zh: '超时督办', en: 'Escalated' },
};

const when = (t: number, lang: 'zh' | 'en') => new Date(t).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en');

function useRequestNames() {
  const { lang } = useI18n();
  const v = useOnce<{ states: Named[]; actions: Named[] }>('/api/sharing/requests/vocabulary');
  const find = (list: Named[] | undefined, code: string) => list?.find((x) => x.code === code)?.name[lang] ?? null;
  return {
    state: (code: string) => find(v?.states, code) ?? code,
    action: (code: string) => find(v?.actions, code) ?? STEP[code]?.[lang] ?? code,
  };
}

function Deadline({ r }: { r: RequestView }) {
  const { t, lang } = useI18n();
  if (!r.open || r.deadlineAt === null) return null;
  const late = r.deadlineAt < Date.now();
  return (
    <Space size={4} data-testid="request-deadline">
      <Typography.Text type={late ? 'danger' : undefined}>{when(r.deadlineAt, lang)}</Typography.Text>
      {late && <Tag color="red">{t('req.overdue')}</Tag>}
      {r.escalatedAt && <Tag color="volcano">{t('req.escalated')}</Tag>}
    </Space>
  );
}

function ItemNames({ resource, keys }: { resource: Resource | null; keys: string[] }) {
  const { n } = useI18n();
  return (
    <Space wrap size={4}>
      {keys.map((k) => {
        const it = resource?.items.find((i) => i.key === k);
        return <Tag key={k}>{it ? n(it.name) : <Code>{k}</Code>}</Tag>;
      })}
    </Space>
  );
}

function ActionDialog({
  r,
  action,
  resource,
  onClose,
  onDone,
}: {
  r: RequestView;
  action: string;
  resource: Resource | null;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t, n } = useI18n();
  const { message } = App.useApp();
  const names = useRequestNames();
  const [comment, setComment] = useState('');
  const [items, setItems] = useState<string[]>(r.items);
  const [periodTo, setPeriodTo] = useState(r.periodTo);
  const [rate, setRate] = useState<number | null>(r.ratePerMinute);
  const [quota, setQuota] = useState<number | null>(r.quotaPerDay);
  const [busy, setBusy] = useState(false);
  const grants = GRANTS.has(action);
  const needsComment = NEEDS_COMMENT.has(action);
  const submit = async () => {
    setBusy(true);
    try {
      const narrowed =
        grants && (items.length !== r.items.length || periodTo !== r.periodTo || rate !== r.ratePerMinute || quota !== r.quotaPerDay)
          ? {
              scope: {
                items,
                periodTo,
                ...(rate ? { ratePerMinute: rate } : {}),
                ...(quota ? { quotaPerDay: quota } : {}),
              },
            }
          : {};
      await api('POST', `/api/sharing/requests/${r.id}/actions`, { action, rev: r.rev, ...(comment.trim() ? { comment: comment.trim() } : {}), ...narrowed });
      message.success(t('req.done'));
      onDone();
    } catch (e) {
      message.error(problemText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={names.action(action)}
      onCancel={onClose}
      onOk={submit}
      okText={t('req.confirm')}
      cancelText={t('req.cancel')}
      okButtonProps={
        { disabled: (needsComment && !comment.trim()) || (grants && items.length === 0), loading: busy, 'data-testid': 'action-confirm' } as {
          disabled: boolean;
        }
      }
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        {grants && (
          <>
            <Typography.Text strong>{t('req.scope')}</Typography.Text>
            <Checkbox.Group value={items} onChange={(v) => setItems(v as string[])} aria-label={t('req.items')} data-testid="scope-items">
              <Space wrap>
                {r.items.map((k) => {
                  const it = resource?.items.find((i) => i.key === k);
                  return (
                    <Checkbox key={k} value={k}>
                      {it ? n(it.name) : k}
                    </Checkbox>
                  );
                })}
              </Space>
            </Checkbox.Group>
            <Field>
              {t('req.periodTo')}{' '}
              <Input type="date" value={periodTo} min={r.periodFrom} max={r.periodTo} onChange={(e) => setPeriodTo(e.target.value)} style={{ width: 180 }} />
            </Field>
            <Space>
              <Field>
                {t('req.rate')} <InputNumber min={1} max={r.ratePerMinute} value={rate} onChange={setRate} />
              </Field>
              <Field>
                {t('req.quota')} <InputNumber min={1} max={r.quotaPerDay} value={quota} onChange={setQuota} />
              </Field>
            </Space>
          </>
        )}
        <Field block>
          {needsComment ? t('req.reasonRequired') : t('req.comment')}
          <Input.TextArea rows={3} maxLength={2000} showCount value={comment} onChange={(e) => setComment(e.target.value)} data-testid="action-comment" />
        </Field>
      </Space>
    </Modal>
  );
}

function RequestDrawer({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const { t, lang, n } = useI18n();
  const deptName = useDeptName();
  const names = useRequestNames();
  const { data: r, reload } = useApi<Timed>(`/api/sharing/requests/${id}`);
  const resource = useApi<Resource>(r ? `/api/sharing/catalogue/${encodeURIComponent(r.resource.code)}` : null).data;
  const [acting, setActing] = useState<string | null>(null);
  return (
    <Drawer open width={860} title={r ? n(r.resource.name) : t('nav.requests')} onClose={onClose} data-testid="request-drawer">
      {r && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <Tag color={STATE_COLOUR[r.state]} data-testid="request-state">
              {names.state(r.state)}
            </Tag>
            {r.turn.length > 0 && (
              <Typography.Text type="secondary">
                {t('req.turn')}：{r.turn.map((p) => t(`req.party.${p}` as StringKey)).join('、')}
              </Typography.Text>
            )}
            <Deadline r={r} />
          </Space>
          {r.actions.length > 0 && (
            <Space wrap data-testid="request-actions">
              {r.actions.map((a) => (
                <Button
                  key={a}
                  type={GRANTS.has(a) || a === 'pass_compliance' ? 'primary' : 'default'}
                  danger={a === 'refuse' || a === 'fail_compliance' || a === 'decide_refuse'}
                  onClick={() => setActing(a)}
                  data-testid={`action-${a}`}
                >
                  {names.action(a)}
                </Button>
              ))}
            </Space>
          )}
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('share.name')} span={2}>
              {n(r.resource.name)} <Code>{r.resource.code}</Code>
            </Descriptions.Item>
            <Descriptions.Item label={t('req.consumer')}>{deptName(r.consumer)}</Descriptions.Item>
            <Descriptions.Item label={t('share.provider')}>{deptName(r.provider)}</Descriptions.Item>
            <Descriptions.Item label={t('req.items')} span={2}>
              <ItemNames resource={resource} keys={r.items} />
            </Descriptions.Item>
            <Descriptions.Item label={t('req.purpose')} span={2}>
              <Name>{r.purpose}</Name>
            </Descriptions.Item>
            <Descriptions.Item label={t('req.basis')} span={2}>
              <Name>{r.legalBasis || '—'}</Name>
            </Descriptions.Item>
            <Descriptions.Item label={t('req.useScope')} span={2}>
              <Name>{r.useScope}</Name>
            </Descriptions.Item>
            <Descriptions.Item label={t('req.period')}>
              {r.periodFrom} ~ {r.periodTo}
            </Descriptions.Item>
            <Descriptions.Item label={t('req.system')}>
              <Name>{r.systemName ?? '—'}</Name>
            </Descriptions.Item>
            <Descriptions.Item label={t('req.rate')}>{r.ratePerMinute}</Descriptions.Item>
            <Descriptions.Item label={t('req.quota')}>{r.quotaPerDay}</Descriptions.Item>
            <Descriptions.Item label={t('req.applicant')}>
              <Name>{r.applicant.name ?? '—'}</Name>
            </Descriptions.Item>
            <Descriptions.Item label={t('req.applied')}>{when(r.createdAt, lang)}</Descriptions.Item>
          </Descriptions>
          {r.approval && (
            <Alert
              type={r.approval.status === 'active' ? 'success' : 'warning'}
              data-testid="request-approval"
              message={
                <Space direction="vertical" size={4}>
                  <span>
                    {t('req.approvedItems')}：<ItemNames resource={resource} keys={r.approval.items} />
                  </span>
                  <span>
                    {t('req.validTo')} {when(r.approval.validTo, lang)} · {t('req.rate')} {r.approval.ratePerMinute} · {t('req.quota')} {r.approval.quotaPerDay}{' '}
                    · {t(r.approval.status === 'active' ? 'req.active' : r.approval.status === 'revoked' ? 'req.revoked' : 'req.expired')}
                  </span>
                  {r.approval.revokeReason && <Name>{r.approval.revokeReason}</Name>}
                </Space>
              }
            />
          )}
          {r.decision?.comment && (
            <Alert
              type={r.state === 'refused' || r.state === 'provider_refused' ? 'warning' : 'info'}
              message={
                <span>
                  {names.action(r.decision.action)}：<Name>{r.decision.comment}</Name>
                </span>
              }
            />
          )}
          <Typography.Title level={5}>{t('req.steps')}</Typography.Title>
          <Timeline
            data-testid="request-timeline"
            items={r.timeline.map((s) => ({
              color: s.action.startsWith('deadline.') ? 'red' : 'blue',
              children: (
                <div>
                  <Typography.Text strong>{names.action(s.action)}</Typography.Text>{' '}
                  <Typography.Text type="secondary">
                    {when(s.at, lang)} · <Name>{s.actor.name === 'system' || !s.actor.name ? t('share.system') : s.actor.name}</Name>
                  </Typography.Text>
                  {s.comment && !s.action.startsWith('deadline.') && s.action !== 'grant_unconditional' && (
                    <div>
                      <Name>{s.comment}</Name>
                    </div>
                  )}
                </div>
              ),
            }))}
          />
        </Space>
      )}
      {r && acting && (
        <ActionDialog
          r={r}
          action={acting}
          resource={resource}
          onClose={() => setActing(null)}
          onDone={() => {
            setActing(null);
            reload();
            onChanged();
          }}
        />
      )}
    </Drawer>
  );
}

function NewRequest({ user, onClose, onDone }: { user: Me; onClose: () => void; onDone: (id: string) => void }) {
  const { t, n } = useI18n();
  const { message } = App.useApp();
  const deptName = useDeptName();
  const today = new Date().toISOString().slice(0, 10);
  const nextYear = `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`;
  const [q, setQ] = useState('');
  const list = useApi<{ items: Resource[] }>(`/api/sharing/catalogue?status=published&limit=50${q ? `&q=${encodeURIComponent(q)}` : ''}`).data;
  const [code, setCode] = useState<string | undefined>();
  const resource = list?.items.find((r) => r.code === code) ?? null;
  const [items, setItems] = useState<string[]>([]);
  const [purpose, setPurpose] = useState('');
  const [basis, setBasis] = useState('');
  const [scope, setScope] = useState('');
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(nextYear);
  const [rate, setRate] = useState<number | null>(60);
  const [quota, setQuota] = useState<number | null>(10_000);
  const [system, setSystem] = useState('');
  const [busy, setBusy] = useState(false);
  const options = useMemo(
    () => (list?.items ?? []).filter((r) => r.provider !== user.department).map((r) => ({ value: r.code, label: `${n(r.name)}（${r.code}）` })),
    [list, user.department, n],
  );
  const submit = async () => {
    setBusy(true);
    try {
      const r = await api<RequestView>('POST', '/api/sharing/requests', {
        resource: code,
        items,
        purpose,
        ...(basis.trim() ? { legalBasis: basis.trim() } : {}),
        useScope: scope,
        periodFrom: from,
        periodTo: to,
        ...(rate ? { ratePerMinute: rate } : {}),
        ...(quota ? { quotaPerDay: quota } : {}),
        ...(system.trim() ? { systemName: system.trim() } : {}),
      });
      message.success(r.state === 'approved' ? t('req.grantedAtOnce') : t('req.sent'));
      onDone(r.id);
    } catch (e) {
      message.error(problemText(e));
    } finally {
      setBusy(false);
    }
  };
  const ready = code && items.length > 0 && purpose.trim() && scope.trim() && from && to;
  return (
    <Modal
      open
      width={760}
      title={t('req.new')}
      onCancel={onClose}
      onOk={submit}
      okText={t('req.submit')}
      cancelText={t('req.cancel')}
      okButtonProps={{ disabled: !ready, loading: busy, 'data-testid': 'request-submit' } as { disabled: boolean }}
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Field block>
          {t('share.name')}
          <Select
            showSearch
            filterOption={false}
            onSearch={setQ}
            style={{ width: '100%' }}
            value={code}
            onChange={(c) => {
              setCode(c);
              setItems([]);
            }}
            options={options}
            placeholder={t('req.pickResource')}
            aria-label={t('share.name')}
            data-testid="request-resource"
          />
        </Field>
        {resource && (
          <>
            <Typography.Text type="secondary">
              {t('share.provider')}：{deptName(resource.provider)}
              {resource.sharingCondition ? ` · ${t('share.condition')}：${resource.sharingCondition}` : ''}
            </Typography.Text>
            <Checkbox.Group value={items} onChange={(v) => setItems(v as string[])} aria-label={t('req.items')} data-testid="request-items">
              <Space wrap>
                {resource.items.map((i) => (
                  <Checkbox key={i.key} value={i.key} data-testid={`item-${i.key}`}>
                    {n(i.name)}
                    {i.sharing === 'none' && <Tag color="red">{t('req.notShared')}</Tag>}
                  </Checkbox>
                ))}
              </Space>
            </Checkbox.Group>
          </>
        )}
        <Field block>
          {t('req.purpose')}
          <Input.TextArea rows={2} maxLength={2000} value={purpose} onChange={(e) => setPurpose(e.target.value)} data-testid="request-purpose" />
        </Field>
        <Field block>
          {t('req.basis')}
          <Input maxLength={2000} value={basis} onChange={(e) => setBasis(e.target.value)} placeholder={t('req.basisHint')} data-testid="request-basis" />
        </Field>
        <Field block>
          {t('req.useScope')}
          <Input maxLength={2000} value={scope} onChange={(e) => setScope(e.target.value)} data-testid="request-scope" />
        </Field>
        <Space wrap>
          <Field>
            {t('req.periodFrom')} <Input type="date" value={from} onChange={(e) => setFrom(e.target.value)} style={{ width: 170 }} />
          </Field>
          <Field>
            {t('req.periodTo')} <Input type="date" value={to} onChange={(e) => setTo(e.target.value)} style={{ width: 170 }} />
          </Field>
        </Space>
        <Space wrap>
          <Field>
            {t('req.rate')} <InputNumber min={1} max={600000} value={rate} onChange={setRate} />
          </Field>
          <Field>
            {t('req.quota')} <InputNumber min={1} max={10000000} value={quota} onChange={setQuota} />
          </Field>
          <Field>
            {t('req.system')} <Input maxLength={200} value={system} onChange={(e) => setSystem(e.target.value)} style={{ width: 220 }} />
          </Field>
        </Space>
      </Space>
    </Modal>
  );
}

function Approvals({ user }: { user: Me }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const deptName = useDeptName();
  const { data, reload, loading } = useApi<{ items: ApprovalView[]; total: number }>('/api/sharing/approvals?limit=200');
  const authority = useOnce<{ authority: string }>('/api/sharing/vocabulary')?.authority;
  const [revoking, setRevoking] = useState<ApprovalView | null>(null);
  const [reason, setReason] = useState('');
  const mayRevoke = (a: ApprovalView) =>
    user.permissions.includes('sharing.manage') &&
    a.status === 'active' &&
    (user.department === a.provider || user.department === authority || user.roles.includes('platform_admin'));
  const STATUS: Record<string, [string, StringKey]> = { active: ['green', 'req.active'], revoked: ['red', 'req.revoked'], expired: ['default', 'req.expired'] };
  return (
    <>
      <Table
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        data-testid="approvals-table"
        columns={[
          { title: t('share.code'), render: (_, a) => <Code>{a.resource}</Code> },
          { title: t('req.consumer'), render: (_, a) => deptName(a.consumer) },
          { title: t('share.provider'), render: (_, a) => deptName(a.provider) },
          { title: t('req.items'), render: (_, a) => a.items.length },
          { title: t('req.validTo'), render: (_, a) => when(a.validTo, lang) },
          { title: t('req.rate'), dataIndex: 'ratePerMinute' },
          { title: t('req.quota'), dataIndex: 'quotaPerDay' },
          {
            title: t('share.status'),
            render: (_, a) => <Tag color={STATUS[a.status]![0]}>{t(STATUS[a.status]![1])}</Tag>,
          },
          {
            title: '',
            render: (_, a) =>
              mayRevoke(a) && (
                <Button size="small" danger onClick={() => setRevoking(a)} data-testid={`revoke-${a.id}`}>
                  {t('req.revoke')}
                </Button>
              ),
          },
        ]}
      />
      {revoking && (
        <Modal
          open
          title={t('req.revoke')}
          onCancel={() => setRevoking(null)}
          okText={t('req.confirm')}
          cancelText={t('req.cancel')}
          okButtonProps={{ danger: true, disabled: !reason.trim() }}
          onOk={async () => {
            try {
              await api('POST', `/api/sharing/approvals/${revoking.id}/revoke`, { reason: reason.trim() });
              setRevoking(null);
              setReason('');
              reload();
            } catch (e) {
              message.error(problemText(e));
            }
          }}
        >
          <Field block>
            {t('req.reasonRequired')}
            <Input.TextArea rows={3} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
        </Modal>
      )}
    </>
  );
}

export function RequestsPage({ user }: { user: Me }) {
  const { t, n, lang } = useI18n();
  const deptName = useDeptName();
  const names = useRequestNames();
  const [box, setBox] = useState<'inbox' | 'outbox' | 'all' | 'approvals'>('inbox');
  // Opened from the to-do list (?request=…).
  const [params] = useSearchParams();
  const [open, setOpen] = useState<string | null>(params.get('request'));
  const [creating, setCreating] = useState(false);
  const list = useApi<{ items: RequestView[]; total: number }>(box === 'approvals' ? null : `/api/sharing/requests?box=${box}&limit=200`);
  const table = (
    <Table
      rowKey="id"
      size="small"
      loading={list.loading}
      dataSource={list.data?.items ?? []}
      data-testid="requests-table"
      onRow={(r) => ({ onClick: () => setOpen(r.id), style: { cursor: 'pointer' } })}
      columns={[
        { title: t('share.name'), render: (_, r) => n(r.resource.name) },
        { title: t('req.consumer'), render: (_, r) => deptName(r.consumer) },
        { title: t('share.provider'), render: (_, r) => deptName(r.provider) },
        { title: t('req.items'), render: (_, r) => r.items.length, width: 70 },
        { title: t('share.status'), render: (_, r) => <Tag color={STATE_COLOUR[r.state]}>{names.state(r.state)}</Tag> },
        { title: t('req.turn'), render: (_, r) => r.turn.map((p) => t(`req.party.${p}` as StringKey)).join('、') || '—' },
        { title: t('req.deadline'), render: (_, r) => (r.open && r.deadlineAt !== null ? <Deadline r={r} /> : '—') },
        { title: t('req.applied'), render: (_, r) => when(r.createdAt, lang) },
      ]}
    />
  );
  return (
    <Card
      title={t('nav.requests')}
      extra={
        user.permissions.includes('sharing.manage') && (
          <Button type="primary" onClick={() => setCreating(true)} data-testid="new-request">
            {t('req.new')}
          </Button>
        )
      }
    >
      <Tabs
        activeKey={box}
        onChange={(k) => setBox(k as typeof box)}
        items={[
          { key: 'inbox', label: t('req.inbox'), children: box === 'inbox' && table },
          { key: 'outbox', label: t('req.outbox'), children: box === 'outbox' && table },
          { key: 'all', label: t('req.all'), children: box === 'all' && table },
          { key: 'approvals', label: t('req.approvals'), children: box === 'approvals' && <Approvals user={user} /> },
        ]}
      />
      {open && <RequestDrawer id={open} onClose={() => setOpen(null)} onChanged={list.reload} />}
      {creating && (
        <NewRequest
          user={user}
          onClose={() => setCreating(false)}
          onDone={(id) => {
            setCreating(false);
            setBox('outbox');
            list.reload();
            setOpen(id);
          }}
        />
      )}
    </Card>
  );
}
