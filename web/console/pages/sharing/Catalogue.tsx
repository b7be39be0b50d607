/**
 * The government data resource catalogue (政务数据资源目录): search and browse what every
 * department holds, open an entry's data items and history, export the catalogue, and (for its
 * keepers) load entries from a file with a check first.
 */
import { Alert, App, Button, Card, Descriptions, Drawer, Input, Modal, Select, Space, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import { useMemo, useState } from 'react';
import type { ImportReport, Resource, ResourceVersion } from '../../../../modules/sharing/index';
import { api, fetchBlob, type Me, problemText } from '../../../shared/api';
import { useApi } from '../../../shared/hooks';
import { useI18n } from '../../../shared/i18n';
import { Code, fieldPath, Name, useDeptName, useOnce } from '../../../shared/labels';

type Named = { code: string; name: { zh: string; en: string } };
interface Vocabulary {
  sharingTypes: Named[];
  openTypes: Named[];
  kinds: Named[];
  formats: Named[];
  methods: Named[];
  updateCycles: Named[];
  grades: Named[];
  masks: Named[];
  statuses: Named[];
  datasets: Named[];
  authority: string;
}

const SHARING_COLOUR: Record<string, string> = { unconditional: 'green', conditional: 'gold', none: 'red' };
const ITEM_TYPE: Record<string, { zh: string; en: string }> = {
  string: { zh: '字符', en: 'Text' },
  integer: { zh: '整数', en: 'Integer' },
  number: { zh: '数值', en: 'Number' },
  date: { zh: '日期', en: 'Date' },
  datetime: { zh: '日期时间', en: 'Date and time' },
  boolean: { zh: '是否', en: 'Yes/no' },
  code: { zh: '代码', en: 'Code' },
};
const CHANGE: Record<string, { zh: string; en: string }> = {
  created: { zh: '登记', en: 'Registered' },
  name: { zh: '名称', en: 'Name' },
  abstract: { zh: '摘要', en: 'Abstract' },
  provider: { zh: '提供部门', en: 'Provider' },
  sharingType: { zh: '共享类型', en: 'Sharing' },
  sharingCondition: { zh: '共享条件', en: 'Condition' },
  legalBasis: { zh: '不予共享依据', en: 'Legal basis' },
  sharingMethods: { zh: '共享方式', en: 'Methods' },
  openType: { zh: '开放属性', en: 'Open attribute' },
  updateCycle: { zh: '更新周期', en: 'Update cycle' },
  publishedAt: { zh: '发布日期', en: 'Publish date' },
  status: { zh: '状态', en: 'Status' },
  keywords: { zh: '关键词', en: 'Keywords' },
  related: { zh: '关联资源', en: 'Related' },
  format: { zh: '资源格式', en: 'Format' },
  dataset: { zh: '基础库', en: 'Base database' },
  kind: { zh: '目录类别', en: 'Kind' },
};

function useNames() {
  const { lang } = useI18n();
  const v = useOnce<Vocabulary>('/api/sharing/vocabulary');
  const name = (list: keyof Omit<Vocabulary, 'authority'>, code: string | undefined | null) => {
    if (!code) return '—';
    const found = v?.[list]?.find((x) => x.code === code);
    return found ? found.name[lang] : code;
  };
  return { v, name };
}

function ResourceDetail({ code, onClose }: { code: string; onClose: () => void }) {
  const { t, lang, n } = useI18n();
  const deptName = useDeptName();
  const { name } = useNames();
  const { data } = useApi<Resource>(`/api/sharing/catalogue/${encodeURIComponent(code)}`);
  const history = useApi<ResourceVersion[]>(`/api/sharing/catalogue/${encodeURIComponent(code)}/history`).data;
  const change = (c: string) => {
    const m = /^items\.(.+?)([+-]?)$/.exec(c);
    if (m) {
      const what = m[2] === '+' ? t('share.itemAdded') : m[2] === '-' ? t('share.itemRemoved') : t('share.itemChanged');
      return (
        <span key={c}>
          {what} <Code>{m[1]}</Code>
        </span>
      );
    }
    return <span key={c}>{CHANGE[c]?.[lang] ?? c}</span>;
  };
  return (
    <Drawer open width={900} title={data ? n(data.name) : code} onClose={onClose} data-testid="resource-drawer">
      {data && (
        <Tabs
          items={[
            {
              key: 'entry',
              label: t('share.entry'),
              children: (
                <Space direction="vertical" style={{ width: '100%' }}>
                  <Descriptions size="small" column={2} bordered>
                    <Descriptions.Item label={t('share.code')}>
                      <Code>{data.code}</Code>
                    </Descriptions.Item>
                    <Descriptions.Item label={t('share.classCode')}>
                      <Code>{data.classCode}</Code> · {name('kinds', data.kind)}
                    </Descriptions.Item>
                    <Descriptions.Item label={t('share.provider')}>{deptName(data.provider)}</Descriptions.Item>
                    <Descriptions.Item label={t('share.sharingType')}>
                      <Tag color={SHARING_COLOUR[data.sharingType]}>{name('sharingTypes', data.sharingType)}</Tag>
                    </Descriptions.Item>
                    {data.sharingCondition && (
                      <Descriptions.Item label={t('share.condition')} span={2}>
                        {data.sharingCondition}
                      </Descriptions.Item>
                    )}
                    {data.legalBasis && (
                      <Descriptions.Item label={t('share.legalBasis')} span={2}>
                        {data.legalBasis}
                      </Descriptions.Item>
                    )}
                    <Descriptions.Item label={t('share.methods')}>{data.sharingMethods.map((m) => name('methods', m)).join('、') || '—'}</Descriptions.Item>
                    <Descriptions.Item label={t('share.openType')}>{name('openTypes', data.openType)}</Descriptions.Item>
                    <Descriptions.Item label={t('share.format')}>{name('formats', data.format)}</Descriptions.Item>
                    <Descriptions.Item label={t('share.cycle')}>{name('updateCycles', data.updateCycle)}</Descriptions.Item>
                    <Descriptions.Item label={t('share.publishedAt')}>{data.publishedAt ?? '—'}</Descriptions.Item>
                    <Descriptions.Item label={t('share.dataset')}>{data.dataset ? name('datasets', data.dataset) : '—'}</Descriptions.Item>
                    <Descriptions.Item label={t('share.abstract')} span={2}>
                      {data.abstract}
                    </Descriptions.Item>
                  </Descriptions>
                  <Table
                    size="small"
                    rowKey="key"
                    pagination={false}
                    title={() => t('share.items')}
                    dataSource={data.items}
                    data-testid="resource-items"
                    columns={[
                      { title: t('share.itemName'), render: (_, i) => n(i.name) },
                      { title: t('share.itemKey'), render: (_, i) => <Code>{i.key}</Code> },
                      { title: t('share.itemType'), render: (_, i) => `${ITEM_TYPE[i.type]?.[lang] ?? i.type}${i.length ? `（${i.length}）` : ''}` },
                      { title: t('share.sharingType'), render: (_, i) => <Tag color={SHARING_COLOUR[i.sharing]}>{name('sharingTypes', i.sharing)}</Tag> },
                      {
                        title: t('share.grade'),
                        render: (_, i) => (
                          <Space size={4}>
                            {name('grades', i.grade)}
                            {i.level ? t('share.level').replace('{n}', String(i.level)) : ''}
                            {i.sensitive && <Tag color="volcano">{t('share.sensitive')}</Tag>}
                          </Space>
                        ),
                      },
                      { title: t('share.mask'), render: (_, i) => name('masks', i.mask) },
                    ]}
                  />
                </Space>
              ),
            },
            {
              key: 'history',
              label: t('share.history'),
              children: (
                <Timeline
                  data-testid="resource-history"
                  items={(history ?? []).map((h) => ({
                    children: (
                      <div>
                        <Typography.Text strong>
                          {t('share.version')} {h.version}
                        </Typography.Text>{' '}
                        <Typography.Text type="secondary">
                          {new Date(h.changedAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en')} · <Name>{h.changedBy.name ?? t('share.system')}</Name>
                        </Typography.Text>
                        <div>
                          <Space wrap size={4}>
                            {h.changes.map(change)}
                          </Space>
                        </div>
                      </div>
                    ),
                  }))}
                />
              ),
            },
          ]}
        />
      )}
    </Drawer>
  );
}

function ImportDialog({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [file, setFile] = useState<{ name: string; content: string; format: 'csv' | 'json' } | null>(null);
  const [report, setReport] = useState<(ImportReport & { dryRun: boolean }) | null>(null);
  const run = async (dryRun: boolean) => {
    if (!file) return;
    try {
      const r = await api<ImportReport>('POST', '/api/sharing/catalogue/import', { format: file.format, content: file.content, dryRun });
      setReport({ ...r, dryRun });
      if (!dryRun) onDone();
    } catch (e) {
      message.error(problemText(e));
    }
  };
  return (
    <Modal open title={t('share.import')} width={820} onCancel={onClose} footer={null}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary">{t('share.importHelp')}</Typography.Paragraph>
        <label>
          {t('share.chooseFile')}{' '}
          <input
            type="file"
            accept=".csv,.json"
            data-testid="import-file"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              setReport(null);
              if (f) setFile({ name: f.name, content: await f.text(), format: f.name.toLowerCase().endsWith('.json') ? 'json' : 'csv' });
            }}
          />
        </label>
        <Space>
          <Button disabled={!file} onClick={() => run(true)} data-testid="import-check">
            {t('share.check')}
          </Button>
          <Button type="primary" disabled={!report?.dryRun || report.created + report.updated === 0} onClick={() => run(false)} data-testid="import-apply">
            {t('share.apply')}
          </Button>
        </Space>
        {report && (
          <>
            <Alert
              type={report.failed ? 'warning' : 'success'}
              data-testid="import-summary"
              message={t(report.dryRun ? 'share.reportDry' : 'share.reportDone')
                .replace('{created}', String(report.created))
                .replace('{updated}', String(report.updated))
                .replace('{unchanged}', String(report.unchanged))
                .replace('{failed}', String(report.failed))}
            />
            <Table
              size="small"
              rowKey={(r) => `${r.at}`}
              pagination={false}
              dataSource={report.results.filter((r) => r.outcome !== 'unchanged')}
              columns={[
                { title: t('share.line'), dataIndex: 'at', width: 70 },
                { title: t('share.code'), render: (_, r) => (r.code ? <Code>{r.code}</Code> : '—') },
                { title: t('share.outcome'), render: (_, r) => t(`share.outcome.${r.outcome}` as 'share.outcome.created') },
                {
                  title: t('share.problems'),
                  render: (_, r) =>
                    (r.errors ?? []).map((e) => (
                      <div key={e.pointer}>
                        {fieldPath(e.pointer, lang)}：{typeof e.detail === 'string' ? e.detail : e.detail[lang]}
                      </div>
                    )),
                },
              ]}
            />
          </>
        )}
      </Space>
    </Modal>
  );
}

export function CataloguePage({ user }: { user: Me }) {
  const { t, n } = useI18n();
  const deptName = useDeptName();
  const { v, name } = useNames();
  const { message } = App.useApp();
  const [q, setQ] = useState('');
  const [provider, setProvider] = useState<string | undefined>();
  const [kind, setKind] = useState<string | undefined>();
  const [sharingType, setSharingType] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  const departments = useOnce<{ code: string; name: { zh: string; en: string } }[]>('/api/departments');
  const query = new URLSearchParams({
    limit: '20',
    offset: String((page - 1) * 20),
    ...(q ? { q } : {}),
    ...(provider ? { provider } : {}),
    ...(kind ? { kind } : {}),
    ...(sharingType ? { sharingType } : {}),
  });
  const { data, loading, reload } = useApi<{ items: Resource[]; total: number }>(`/api/sharing/catalogue?${query}`);
  const canManage = user.permissions.includes('sharing.manage');
  const exportAs = async (format: 'csv' | 'json') => {
    try {
      const blob = await fetchBlob(`/api/sharing/catalogue/export?format=${format}${provider ? `&provider=${provider}` : ''}`);
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `catalogue.${format}`;
      a.click();
      URL.revokeObjectURL(a.href);
    } catch (e) {
      message.error(problemText(e));
    }
  };
  const providers = useMemo(() => (departments ?? []).map((d) => ({ value: d.code, label: n(d.name) })), [departments, n]);
  const pick = (list: Named[] | undefined) => (list ?? []).map((x) => ({ value: x.code, label: n(x.name) }));
  return (
    <Card
      title={t('nav.catalogue')}
      extra={
        <Space>
          <Button onClick={() => exportAs('csv')}>{t('share.exportCsv')}</Button>
          <Button onClick={() => exportAs('json')}>{t('share.exportJson')}</Button>
          {canManage && (
            <Button type="primary" onClick={() => setImporting(true)} data-testid="open-import">
              {t('share.import')}
            </Button>
          )}
        </Space>
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={t('share.search')}
          aria-label={t('share.search')}
          style={{ width: 260 }}
          onSearch={(s) => {
            setQ(s);
            setPage(1);
          }}
          data-testid="catalogue-search"
        />
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder={t('share.provider')}
          aria-label={t('share.provider')}
          style={{ width: 220 }}
          value={provider}
          onChange={(x) => {
            setProvider(x);
            setPage(1);
          }}
          options={providers}
        />
        <Select
          allowClear
          placeholder={t('share.kind')}
          aria-label={t('share.kind')}
          style={{ width: 160 }}
          value={kind}
          onChange={setKind}
          options={pick(v?.kinds)}
        />
        <Select
          allowClear
          placeholder={t('share.sharingType')}
          aria-label={t('share.sharingType')}
          style={{ width: 150 }}
          value={sharingType}
          onChange={setSharingType}
          options={pick(v?.sharingTypes)}
        />
      </Space>
      <Table
        rowKey="code"
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        data-testid="catalogue-table"
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage }}
        onRow={(r) => ({ onClick: () => setSelected(r.code), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('share.code'), dataIndex: 'code', render: (c: string) => <Code>{c}</Code>, width: 150 },
          { title: t('share.name'), render: (_, r) => n(r.name) },
          { title: t('share.provider'), render: (_, r) => deptName(r.provider) },
          { title: t('share.kind'), render: (_, r) => name('kinds', r.kind) },
          { title: t('share.sharingType'), render: (_, r) => <Tag color={SHARING_COLOUR[r.sharingType]}>{name('sharingTypes', r.sharingType)}</Tag> },
          { title: t('share.openType'), render: (_, r) => name('openTypes', r.openType) },
          { title: t('share.items'), render: (_, r) => r.items.length, width: 80 },
          { title: t('share.status'), render: (_, r) => (r.status === 'published' ? name('statuses', r.status) : <Tag>{name('statuses', r.status)}</Tag>) },
        ]}
      />
      {selected && <ResourceDetail code={selected} onClose={() => setSelected(null)} />}
      {importing && <ImportDialog onClose={() => setImporting(false)} onDone={reload} />}
    </Card>
  );
}
