/**
 * The exchange gateway (共享交换网关) for a department: its systems' credentials (registered here,
 * the secret shown once), the use of its data and its calls (per resource, consumer and provider,
 * answered and refused), and, for the data authority, a person's or an enterprise's data-use
 * record (数据使用记录).
 */
import { Alert, App, Button, Card, Empty, Input, Modal, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, type Me, problemText } from '../../../shared/api';
import { useApi } from '../../../shared/hooks';
import { Field } from '../../../shared/Field';
import { useI18n } from '../../../shared/i18n';
import { Code, Name, useDeptName, useOnce } from '../../../shared/labels';

interface Client {
  id: string;
  consumer: string;
  name: string;
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}
interface UsageRow {
  resource: string | null;
  consumer: string | null;
  provider: string | null;
  outcome: 'ok' | 'refused';
  calls: number;
  records: number;
  lastAt: number | null;
}
interface UseEntry {
  at: number;
  consumer: string | null;
  provider: string | null;
  resource: string | null;
  purpose: string | null;
  operation: string;
  itemsClear: string[];
  itemsMasked: string[];
}

const when = (t: number | null, lang: 'zh' | 'en') => (t ? new Date(t).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en') : '—');

function Clients({ user }: { user: Me }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const deptName = useDeptName();
  const { data, reload, loading } = useApi<Client[]>('/api/sharing/clients');
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<{ id: string; secret: string } | null>(null);
  const manage = user.permissions.includes('sharing.manage');
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">{t('gw.help')}</Typography.Paragraph>
      {manage && (
        <Space>
          <Field>
            {t('gw.systemName')}{' '}
            <Input value={name} maxLength={200} onChange={(e) => setName(e.target.value)} style={{ width: 260 }} data-testid="client-name" />
          </Field>
          <Button
            type="primary"
            disabled={!name.trim()}
            data-testid="client-create"
            onClick={async () => {
              try {
                const r = await api<{ client: Client; secret: string }>('POST', '/api/sharing/clients', { name: name.trim() });
                setSecret({ id: r.client.id, secret: r.secret });
                setName('');
                reload();
              } catch (e) {
                message.error(problemText(e));
              }
            }}
          >
            {t('gw.register')}
          </Button>
        </Space>
      )}
      <Table
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={data ?? []}
        data-testid="clients-table"
        columns={[
          { title: t('gw.systemName'), render: (_, c) => <Name>{c.name}</Name> },
          { title: t('req.consumer'), render: (_, c) => deptName(c.consumer) },
          { title: t('gw.clientId'), render: (_, c) => <Code>{c.id}</Code> },
          { title: t('gw.keyStart'), render: (_, c) => <Code>{c.prefix}…</Code> },
          { title: t('gw.lastUsed'), render: (_, c) => when(c.lastUsedAt, lang) },
          {
            title: t('share.status'),
            render: (_, c) => (c.revokedAt ? <Tag color="red">{t('gw.revoked')}</Tag> : <Tag color="green">{t('gw.inUse')}</Tag>),
          },
          {
            title: '',
            render: (_, c) =>
              manage &&
              !c.revokedAt && (
                <Button
                  size="small"
                  danger
                  onClick={async () => {
                    try {
                      await api('DELETE', `/api/sharing/clients/${c.id}`);
                      reload();
                    } catch (e) {
                      message.error(problemText(e));
                    }
                  }}
                >
                  {t('gw.revoke')}
                </Button>
              ),
          },
        ]}
      />
      {secret && (
        <Modal
          open
          title={t('gw.secretTitle')}
          onOk={() => setSecret(null)}
          onCancel={() => setSecret(null)}
          okText={t('gw.secretSaved')}
          cancelButtonProps={{ style: { display: 'none' } }}
        >
          <Alert type="warning" message={t('gw.secretOnce')} />
          <p>
            {t('gw.clientId')}：<Code>{secret.id}</Code>
          </p>
          <p>
            {t('gw.secret')}：
            <Typography.Text copyable code translate="no" data-testid="client-secret">
              {secret.secret}
            </Typography.Text>
          </p>
        </Modal>
      )}
    </Space>
  );
}

function Usage() {
  const { t, lang } = useI18n();
  const deptName = useDeptName();
  const today = new Date().toISOString().slice(0, 10);
  const [from, setFrom] = useState(`${today.slice(0, 8)}01`);
  const [to, setTo] = useState(today);
  const { data, loading } = useApi<{ rows: UsageRow[] }>(`/api/sharing/usage?from=${from}&to=${to}`);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        <Field>
          {t('req.periodFrom')} <Input type="date" value={from} onChange={(e) => setFrom(e.target.value)} style={{ width: 170 }} />
        </Field>
        <Field>
          {t('req.periodTo')} <Input type="date" value={to} onChange={(e) => setTo(e.target.value)} style={{ width: 170 }} />
        </Field>
      </Space>
      <Table
        rowKey={(r) => `${r.resource}|${r.consumer}|${r.provider}|${r.outcome}`}
        size="small"
        loading={loading}
        dataSource={data?.rows ?? []}
        data-testid="usage-table"
        columns={[
          { title: t('share.code'), render: (_, r) => (r.resource ? <Code>{r.resource}</Code> : '—') },
          { title: t('req.consumer'), render: (_, r) => deptName(r.consumer) },
          { title: t('share.provider'), render: (_, r) => deptName(r.provider) },
          {
            title: t('gw.outcome'),
            render: (_, r) => (r.outcome === 'ok' ? <Tag color="green">{t('gw.answered')}</Tag> : <Tag color="red">{t('gw.refused')}</Tag>),
          },
          { title: t('gw.calls'), dataIndex: 'calls' },
          { title: t('gw.records'), dataIndex: 'records' },
          { title: t('gw.lastCall'), render: (_, r) => when(r.lastAt, lang) },
        ]}
      />
    </Space>
  );
}

function DataUse() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const deptName = useDeptName();
  const [subject, setSubject] = useState('');
  const [entries, setEntries] = useState<UseEntry[] | null>(null);
  const OP: Record<string, { zh: string; en: string }> = {
    lookup: { zh: '按主键查询', en: 'Lookup' },
    query: { zh: '条件查询', en: 'Query' },
    extract: { zh: '批量导出', en: 'Extract' },
    changes: { zh: '变更订阅', en: 'Change feed' },
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">{t('gw.dataUseHelp')}</Typography.Paragraph>
      <Space>
        <Field>
          {t('gw.subject')}{' '}
          <Input value={subject} maxLength={18} onChange={(e) => setSubject(e.target.value)} style={{ width: 240 }} data-testid="data-use-subject" />
        </Field>
        <Button
          type="primary"
          disabled={subject.trim().length < 6}
          data-testid="data-use-search"
          onClick={async () => {
            try {
              const r = await api<{ entries: UseEntry[] }>('GET', `/api/sharing/data-use?subject=${encodeURIComponent(subject.trim())}`);
              setEntries(r.entries);
            } catch (e) {
              message.error(problemText(e));
            }
          }}
        >
          {t('gw.lookUp')}
        </Button>
      </Space>
      {entries &&
        (entries.length === 0 ? (
          <Empty description={t('gw.noUse')} />
        ) : (
          <Table
            rowKey={(e) => `${e.at}-${e.consumer}-${e.operation}`}
            size="small"
            dataSource={entries}
            data-testid="data-use-table"
            columns={[
              { title: t('col.time'), render: (_, e) => when(e.at, lang) },
              { title: t('req.consumer'), render: (_, e) => deptName(e.consumer) },
              { title: t('req.purpose'), render: (_, e) => <Name>{e.purpose ?? '—'}</Name> },
              { title: t('share.code'), render: (_, e) => (e.resource ? <Code>{e.resource}</Code> : '—') },
              { title: t('gw.operation'), render: (_, e) => OP[e.operation]?.[lang] ?? e.operation },
              { title: t('gw.itemsClear'), render: (_, e) => e.itemsClear.length },
              { title: t('gw.itemsMasked'), render: (_, e) => e.itemsMasked.length },
            ]}
          />
        ))}
    </Space>
  );
}

export function ExchangePage({ user }: { user: Me }) {
  const { t } = useI18n();
  const authority = useOnce<{ authority: string }>('/api/sharing/vocabulary')?.authority;
  const isAuthority = user.roles.includes('platform_admin') || (authority !== undefined && user.department === authority);
  return (
    <Card title={t('nav.gateway')}>
      <Tabs
        items={[
          { key: 'clients', label: t('gw.clients'), children: <Clients user={user} /> },
          { key: 'usage', label: t('gw.usage'), children: <Usage /> },
          ...(isAuthority ? [{ key: 'data-use', label: t('gw.dataUse'), children: <DataUse /> }] : []),
        ]}
      />
    </Card>
  );
}
