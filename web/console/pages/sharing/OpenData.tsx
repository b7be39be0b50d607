/**
 * 开放数据 for the catalogue's keepers: publish an entry (or chosen items, or counts by items) on
 * the open data portal, where items graded personal cannot be chosen; see the department's
 * datasets with their downloads and withdraw one; decide applications for conditionally open data.
 */
import { Alert, App, Button, Card, Checkbox, Input, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { DatasetView } from '../../../../modules/opendata/index';
import type { DataItem, Resource } from '../../../../modules/sharing/index';
import { api, type Me, problemText } from '../../../shared/api';
import { Field } from '../../../shared/Field';
import { useApi } from '../../../shared/hooks';
import { useI18n } from '../../../shared/i18n';
import { Code, Name, useDeptName, useOnce } from '../../../shared/labels';

type Names = { zh: string; en: string };
interface Application {
  id: string;
  dataset: string;
  title: Names;
  provider: string;
  applicant: { id: string; name: string };
  organisation: string;
  purpose: string;
  contact: string;
  status: 'pending' | 'approved' | 'refused';
  reason: string | null;
  createdAt: number;
}

/** Whether an item may be opened as it is (the server's rule): general data, unmasked, not sensitive. */
const publishable = (i: DataItem) => i.grade === 'general' && i.mask === 'none' && !i.sensitive;

const APP_COLOUR: Record<string, string> = { pending: 'blue', approved: 'green', refused: 'red' };

function Publish({ onPublished, manages }: { onPublished: () => void; manages: (provider: string) => boolean }) {
  const { t, n } = useI18n();
  const { message } = App.useApp();
  const vocab = useOnce<{ themes: { key: string; name: Names }[] }>('/api/open/vocabulary');
  const catalogue = useApi<{ items: Resource[] }>('/api/sharing/catalogue?status=published&limit=500');
  const resources = (catalogue.data?.items ?? []).filter((r) => r.openType !== 'closed' && manages(r.provider));
  const [code, setCode] = useState<string | null>(null);
  const [items, setItems] = useState<string[]>([]);
  const [aggregate, setAggregate] = useState(false);
  const [themes, setThemes] = useState<string[]>([]);
  const [keywords, setKeywords] = useState('');
  const [busy, setBusy] = useState(false);
  const resource = resources.find((r) => r.code === code) ?? null;
  const submit = async () => {
    if (!resource) return;
    setBusy(true);
    try {
      await api('POST', '/api/open/datasets', {
        resource: resource.code,
        items,
        themes,
        aggregate,
        keywords: keywords
          .split(/[,，、\s]+/)
          .map((k) => k.trim())
          .filter(Boolean),
        ...(aggregate ? { name: `${resource.code.replace('/', '-')}-counts-${items.join('-').toLowerCase()}`.slice(0, 100) } : {}),
      });
      message.success(t('od.published'));
      setCode(null);
      setItems([]);
      setThemes([]);
      setKeywords('');
      setAggregate(false);
      onPublished();
    } catch (e) {
      message.error(problemText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('od.publish')} size="small">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Field>
          {t('od.resource')}{' '}
          <Select
            style={{ width: 420 }}
            value={code}
            showSearch
            optionFilterProp="label"
            placeholder={t('od.resourceHint')}
            onChange={(v) => {
              setCode(v);
              setItems([]);
            }}
            options={resources.map((r) => ({ value: r.code, label: `${n(r.name)}（${r.code}）` }))}
            data-testid="od-resource"
          />
        </Field>
        {resource && (
          <>
            <Typography.Text type="secondary">{resource.openType === 'open' ? t('od.openResource') : t('od.conditionalResource')}</Typography.Text>
            <Field>
              <Switch checked={aggregate} onChange={setAggregate} disabled={!resource.dataset} data-testid="od-aggregate" /> {t('od.aggregate')}
            </Field>
            <Typography.Text>{aggregate ? t('od.groupBy') : t('od.items')}</Typography.Text>
            <Space direction="vertical" data-testid="od-items">
              {resource.items.map((i) => (
                <Checkbox
                  key={i.key}
                  disabled={!publishable(i)}
                  checked={items.includes(i.key)}
                  onChange={(e) => setItems(e.target.checked ? [...items, i.key] : items.filter((k) => k !== i.key))}
                >
                  {n(i.name)} <Code>{i.key}</Code>{' '}
                  {!publishable(i) && (
                    <Tag color="red" title={t('od.personalWhy')}>
                      {t('od.personal')}
                    </Tag>
                  )}
                </Checkbox>
              ))}
            </Space>
            <Field>
              {t('od.themes')}{' '}
              <Select
                mode="multiple"
                style={{ width: 420 }}
                value={themes}
                maxCount={5}
                optionFilterProp="label"
                onChange={setThemes}
                options={(vocab?.themes ?? []).map((x) => ({ value: x.key, label: n(x.name) }))}
                data-testid="od-themes"
              />
            </Field>
            <Field>
              {t('od.keywords')} <Input value={keywords} maxLength={300} style={{ width: 420 }} onChange={(e) => setKeywords(e.target.value)} />
            </Field>
            <Button type="primary" loading={busy} disabled={items.length === 0 || themes.length === 0} onClick={submit} data-testid="od-submit">
              {t('od.publishButton')}
            </Button>
          </>
        )}
      </Space>
    </Card>
  );
}

export function OpenDataPage({ user }: { user: Me }) {
  const { t, n, lang } = useI18n();
  const { message } = App.useApp();
  const deptName = useDeptName();
  const authority = useOnce<{ authority: string }>('/api/sharing/vocabulary')?.authority;
  const all = user.scope.departments.includes('*') || (authority !== undefined && user.department === authority);
  const manages = (provider: string) => all || user.scope.departments.includes(provider);
  const datasets = useApi<{ items: DatasetView[] }>(`/api/open/datasets?limit=100${all || !user.department ? '' : `&provider=${user.department}`}`);
  const applications = useApi<Application[]>('/api/open/applications');
  const [withdrawing, setWithdrawing] = useState<string | null>(null);
  const [refusing, setRefusing] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const decide = async (id: string, approve: boolean, why?: string) => {
    try {
      await api('POST', `/api/open/applications/${id}/decision`, { approve, ...(why ? { reason: why } : {}) });
      message.success(t('od.decided'));
      applications.reload();
    } catch (e) {
      message.error(problemText(e));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4}>{t('nav.opendata')}</Typography.Title>
      <Alert type="info" showIcon message={t('od.rule')} />
      <Card title={t('od.applications')} size="small">
        <Table
          rowKey="id"
          size="small"
          dataSource={applications.data ?? []}
          loading={applications.loading}
          data-testid="od-applications"
          columns={[
            { title: t('od.dataset'), render: (_, a) => n(a.title) },
            { title: t('od.applicant'), render: (_, a) => <Name>{`${a.organisation} · ${a.applicant.name}`}</Name> },
            { title: t('od.purpose'), render: (_, a) => <Name>{a.purpose}</Name> },
            { title: t('od.contact'), render: (_, a) => <Name>{a.contact}</Name> },
            { title: t('od.applied'), render: (_, a) => new Date(a.createdAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en') },
            { title: t('od.state'), render: (_, a) => <Tag color={APP_COLOUR[a.status]}>{t(`od.app.${a.status}` as 'od.app.pending')}</Tag> },
            {
              title: t('od.actions'),
              render: (_, a) =>
                a.status === 'pending' && manages(a.provider) ? (
                  <Space>
                    <Button size="small" type="primary" onClick={() => decide(a.id, true)} data-testid="od-approve">
                      {t('od.approve')}
                    </Button>
                    <Button size="small" danger onClick={() => setRefusing(a.id)}>
                      {t('od.refuse')}
                    </Button>
                  </Space>
                ) : a.reason ? (
                  <Name>{a.reason}</Name>
                ) : null,
            },
          ]}
        />
      </Card>
      <Card title={all ? t('od.allDatasets') : t('od.ourDatasets')} size="small">
        <Table
          rowKey="id"
          size="small"
          dataSource={datasets.data?.items ?? []}
          loading={datasets.loading}
          data-testid="od-datasets"
          columns={[
            {
              title: t('od.dataset'),
              render: (_, d) => (
                <a href={`/open/dataset/${encodeURIComponent(d.name)}`} target="_blank" rel="noreferrer">
                  {n(d.title.en ? d.title : { zh: d.title.zh, en: d.title.zh })}
                </a>
              ),
            },
            { title: t('od.provider'), render: (_, d) => deptName(d.provider) },
            {
              title: t('od.access'),
              render: (_, d) => <Tag color={d.openType === 'open' ? 'green' : 'orange'}>{t(`od.open.${d.openType}` as 'od.open.open')}</Tag>,
            },
            { title: t('od.rows'), render: (_, d) => (d.aggregate ? t('od.counts') : (d.rows ?? '—')) },
            { title: t('od.downloads'), dataIndex: 'downloads' },
            {
              title: t('od.actions'),
              render: (_, d) =>
                manages(d.provider) ? (
                  <Button size="small" danger onClick={() => setWithdrawing(d.name)}>
                    {t('od.withdraw')}
                  </Button>
                ) : null,
            },
          ]}
        />
      </Card>
      <Publish onPublished={datasets.reload} manages={manages} />
      <Modal
        open={withdrawing !== null || refusing !== null}
        title={withdrawing ? t('od.withdraw') : t('od.refuse')}
        okText={t('lic.confirm')}
        cancelText={t('lic.cancel')}
        okButtonProps={{ disabled: reason.trim().length < 2, danger: true }}
        onCancel={() => {
          setWithdrawing(null);
          setRefusing(null);
        }}
        onOk={async () => {
          if (withdrawing) {
            try {
              await api('POST', `/api/open/datasets/${encodeURIComponent(withdrawing)}/withdraw`, { reason: reason.trim() });
              message.success(t('od.withdrawn'));
              datasets.reload();
            } catch (e) {
              message.error(problemText(e));
            }
          }
          if (refusing) await decide(refusing, false, reason.trim());
          setWithdrawing(null);
          setRefusing(null);
          setReason('');
        }}
      >
        <Field block>
          {t('lic.reason')} ({reason.length}/500)
          <Input.TextArea value={reason} maxLength={500} rows={3} onChange={(e) => setReason(e.target.value)} />
        </Field>
      </Modal>
    </Space>
  );
}
