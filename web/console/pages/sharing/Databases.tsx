/**
 * The seven base databases (七大基础数据库): their providers and record counts; for their keepers
 * (the provider, the data authority), loading from a file, the load jobs with their refused rows
 * by line and field, and a record with its history of changes. Generated demo records are marked
 * synthetic (合成数据).
 */
import { Alert, App, Button, Card, Descriptions, Drawer, Input, Space, Table, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import type { LoadJob } from '../../../../modules/sharing/index';
import { api, type Me, problemText } from '../../../shared/api';
import { useApi } from '../../../shared/hooks';
import { Field } from '../../../shared/Field';
import { useI18n } from '../../../shared/i18n';
import { Code, Name, useDeptName, useOnce } from '../../../shared/labels';

interface Database {
  key: string;
  name: { zh: string; en: string };
  provider: string | null;
  fields: { key: string; name: { zh: string; en: string }; kind: string; required: boolean }[] | null;
  records: number | null;
}
interface RecordView {
  dataset: string;
  key: string;
  values: Record<string, unknown>;
  synthetic: boolean;
  version: number;
  updatedAt: number;
  history: {
    version: number;
    op: string;
    before: Record<string, unknown> | null;
    after: Record<string, unknown>;
    actor: { name: string | null };
    at: number;
  }[];
}

const when = (t: number | null, lang: 'zh' | 'en') => (t ? new Date(t).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en') : '—');

function Jobs({ db, keeper }: { db: Database; keeper: boolean }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const { data, reload, loading } = useApi<LoadJob[]>(keeper ? `/api/sharing/databases/${db.key}/loads` : null);
  const [busy, setBusy] = useState(false);
  const STATUS: Record<string, string> = { running: 'blue', done: 'green', failed: 'red' };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <label htmlFor="load-file">
        {t('db.loadFile')}{' '}
        <input
          id="load-file"
          type="file"
          accept=".csv,.json,.ndjson"
          disabled={busy}
          data-testid="load-file"
          onChange={async (e) => {
            const f = e.target.files?.[0];
            if (!f) return;
            setBusy(true);
            try {
              const content = await f.text();
              const format = /\.(json|ndjson)$/i.test(f.name) ? 'json' : 'csv';
              const job = await api<LoadJob>('POST', `/api/sharing/databases/${db.key}/loads`, { format, content, source: f.name });
              message.success(
                t('db.loaded')
                  .replace('{n}', String(job.inserted + job.updated))
                  .replace('{refused}', String(job.refused)),
              );
              reload();
            } catch (err) {
              message.error(problemText(err));
            } finally {
              setBusy(false);
              e.target.value = '';
            }
          }}
        />
      </label>
      <Typography.Text type="secondary">
        {t('db.columns')}：
        {(db.fields ?? [])
          .filter((f) => f.kind !== 'derived')
          .map((f) => (
            <Tag key={f.key}>
              <Code>{f.key}</Code> {f.name[lang]}
              {f.required ? ' *' : ''}
            </Tag>
          ))}
      </Typography.Text>
      <Table
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={data ?? []}
        data-testid="load-jobs"
        expandable={{
          rowExpandable: (j) => j.errors.length > 0,
          expandedRowRender: (j) => (
            <Table
              size="small"
              rowKey={(e) => `${e.at}-${e.field}`}
              pagination={{ pageSize: 20 }}
              dataSource={j.errors}
              columns={[
                { title: t('share.line'), dataIndex: 'at', width: 80 },
                { title: t('db.field'), render: (_, e) => (e.field ? <Code>{e.field}</Code> : '—'), width: 160 },
                { title: t('share.problems'), render: (_, e) => e.detail[lang] },
              ]}
            />
          ),
        }}
        columns={[
          { title: t('db.source'), render: (_, j) => <Name>{j.source}</Name> },
          { title: t('share.status'), render: (_, j) => <Tag color={STATUS[j.status]}>{t(`db.status.${j.status}` as 'db.status.done')}</Tag> },
          { title: t('db.read'), dataIndex: 'rowsRead' },
          { title: t('db.inserted'), dataIndex: 'inserted' },
          { title: t('db.updated'), dataIndex: 'updated' },
          { title: t('db.unchanged'), dataIndex: 'unchanged' },
          { title: t('db.refused'), render: (_, j) => (j.refused ? <Typography.Text type="danger">{j.refused}</Typography.Text> : 0) },
          { title: t('db.by'), render: (_, j) => <Name>{j.actor.name ?? t('share.system')}</Name> },
          { title: t('db.started'), render: (_, j) => when(j.startedAt, lang) },
        ]}
      />
    </Space>
  );
}

function RecordLookup({ db }: { db: Database }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [key, setKey] = useState('');
  const [rec, setRec] = useState<RecordView | null>(null);
  const label = (k: string) => db.fields?.find((f) => f.key === k)?.name[lang] ?? k;
  const colLabel = (c: string) => db.fields?.find((f) => f.key === c || f.key === c.replace(/_([a-z])/g, (_m, x: string) => x.toUpperCase()))?.name[lang] ?? c;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        <Field>
          {t('db.recordKey')} <Input value={key} onChange={(e) => setKey(e.target.value)} style={{ width: 280 }} data-testid="record-key" />
        </Field>
        <Button
          disabled={!key.trim()}
          data-testid="record-open"
          onClick={async () => {
            try {
              setRec(await api<RecordView>('GET', `/api/sharing/databases/${db.key}/records/${encodeURIComponent(key.trim())}`));
            } catch (e) {
              setRec(null);
              message.error(problemText(e));
            }
          }}
        >
          {t('db.open')}
        </Button>
      </Space>
      {rec && (
        <>
          {rec.synthetic && <Alert type="info" showIcon message={t('db.synthetic')} data-testid="record-synthetic" />}
          <Descriptions size="small" bordered column={2} data-testid="record-values">
            {Object.entries(rec.values).map(([k, v]) => (
              <Descriptions.Item key={k} label={label(k)}>
                <Name>{v === null || v === undefined || v === '' ? '—' : String(v)}</Name>
              </Descriptions.Item>
            ))}
          </Descriptions>
          <Typography.Title level={5}>{t('share.history')}</Typography.Title>
          <Timeline
            items={rec.history.map((h) => ({
              children: (
                <div>
                  <Typography.Text strong>
                    {t('share.version')} {h.version}
                  </Typography.Text>{' '}
                  <Typography.Text type="secondary">
                    {when(h.at, lang)} · <Name>{h.actor.name ?? t('share.system')}</Name>
                  </Typography.Text>
                  {Object.keys(h.after).map((c) => (
                    <div key={c}>
                      {colLabel(c)}：<Name>{String(h.before?.[c] ?? '—')}</Name> → <Name>{String(h.after[c] ?? '—')}</Name>
                    </div>
                  ))}
                </div>
              ),
            }))}
          />
          {rec.history.length === 0 && <Typography.Text type="secondary">{t('db.noChanges')}</Typography.Text>}
        </>
      )}
    </Space>
  );
}

export function DatabasesPage({ user }: { user: Me }) {
  const { t, n } = useI18n();
  const deptName = useDeptName();
  const authority = useOnce<{ authority: string }>('/api/sharing/vocabulary')?.authority;
  const { data } = useApi<Database[]>('/api/sharing/databases');
  const [open, setOpen] = useState<Database | null>(null);
  const keeper = (db: Database) =>
    user.permissions.includes('sharing.manage') &&
    (user.roles.includes('platform_admin') || user.department === authority || (db.provider !== null && user.department === db.provider));
  return (
    <Card title={t('nav.databases')}>
      <Table
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={data ?? []}
        data-testid="databases-table"
        onRow={(r) => ({ onClick: () => setOpen(r), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('share.dataset'), render: (_, d) => n(d.name) },
          { title: t('share.provider'), render: (_, d) => deptName(d.provider) },
          { title: t('db.records'), render: (_, d) => d.records?.toLocaleString() ?? '—' },
          { title: '', render: (_, d) => (keeper(d) ? <Tag color="blue">{t('db.youKeep')}</Tag> : null) },
        ]}
      />
      {open && (
        <Drawer open width={1000} title={n(open.name)} onClose={() => setOpen(null)} data-testid="database-drawer">
          {keeper(open) ? (
            <Space direction="vertical" style={{ width: '100%' }} size="large">
              <Jobs db={open} keeper />
              <RecordLookup db={open} />
            </Space>
          ) : (
            <Alert type="info" message={t('db.notKeeper')} />
          )}
        </Drawer>
      )}
    </Card>
  );
}
