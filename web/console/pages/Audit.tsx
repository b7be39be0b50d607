import { Alert, Button, Card, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { api } from '../../shared/api';
import { useApi } from '../../shared/hooks';
import { useI18n } from '../../shared/i18n';
import { Code, useVocabulary } from '../../shared/labels';

interface Rec {
  seq: number;
  at: string;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: string;
  ip: string | null;
  details: unknown;
}

export function AuditPage() {
  const { t, lang } = useI18n();
  const vocab = useVocabulary();
  const [action, setAction] = useState('');
  const [outcome, setOutcome] = useState<string | undefined>();
  const params = new URLSearchParams({ limit: '200', ...(action ? { action } : {}), ...(outcome ? { outcome } : {}) });
  const list = useApi<{ items: Rec[] }>(`/api/audit?${params}`);
  const [verify, setVerify] = useState<{ ok: boolean; checked: number; problems: { seq: number; reason: string }[] } | null>(null);
  return (
    <Card
      title={t('nav.audit')}
      extra={
        <Space>
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            aria-label={t('col.action')}
            placeholder={t('col.action')}
            value={action || undefined}
            onChange={(v) => setAction(v ?? '')}
            style={{ width: 200 }}
            options={Object.entries(vocab?.auditActions ?? {}).map(([value, names]) => ({ value, label: names[lang] }))}
            data-testid="audit-action"
          />
          <Select
            allowClear
            placeholder={t('col.outcome')}
            aria-label={t('col.outcome')}
            value={outcome}
            onChange={setOutcome}
            style={{ width: 120 }}
            options={['success', 'failure', 'denied'].map((v) => ({ value: v, label: vocab?.auditOutcomes[v]?.[lang] ?? v }))}
          />
          <Button onClick={() => api<typeof verify>('GET', '/api/audit/verify').then(setVerify)}>{t('action.verify')}</Button>
        </Space>
      }
    >
      {verify && (
        <Alert
          style={{ marginBottom: 12 }}
          type={verify.ok ? 'success' : 'error'}
          message={`${verify.ok ? t('audit.ok') : t('audit.broken')} (${verify.checked})`}
          description={
            verify.problems
              .slice(0, 10)
              .map((p) => `#${p.seq}: ${p.reason}`)
              .join('\n') || undefined
          }
        />
      )}
      <Table
        rowKey="seq"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 50 }}
        expandable={{
          expandedRowRender: (r) => (
            <pre style={{ margin: 0 }} translate="no">
              {JSON.stringify(r.details, null, 2)}
            </pre>
          ),
        }}
        columns={[
          { title: '#', dataIndex: 'seq', width: 70 },
          { title: t('col.time'), render: (_, r) => new Date(r.at).toLocaleString(), width: 180 },
          { title: t('col.actor'), dataIndex: 'actorName', render: (v: string | null) => (v ? <Code>{v}</Code> : '—') },
          { title: t('col.action'), dataIndex: 'action', render: (v: string) => vocab?.auditActions[v]?.[lang] ?? <Code>{v}</Code> },
          {
            title: t('col.target'),
            render: (_, r) => (
              <>
                {r.targetType ? (vocab?.auditTargets[r.targetType]?.[lang] ?? <Code>{r.targetType}</Code>) : ''} {r.targetId && <Code>{r.targetId}</Code>}
              </>
            ),
          },
          {
            title: t('col.outcome'),
            render: (_, r) => (
              <Tag color={r.outcome === 'success' ? 'green' : r.outcome === 'denied' ? 'orange' : 'red'}>
                {vocab?.auditOutcomes[r.outcome]?.[lang] ?? r.outcome}
              </Tag>
            ),
          },
          { title: t('col.ip'), dataIndex: 'ip', render: (v: string | null) => (v ? <Code>{v}</Code> : '—') },
        ]}
      />
    </Card>
  );
}
