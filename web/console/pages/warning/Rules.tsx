/** The rule list: each department's rules, their state and faults, and the editor. */
import { App, Button, Card, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, problemText } from '../../../shared/api';
import { useApi } from '../../../shared/hooks';
import { useI18n } from '../../../shared/i18n';
import type { Rule } from './common';
import { RuleEditor } from './RuleEditor';

export function RulesPage({ canManage }: { canManage: boolean }) {
  const { t, n } = useI18n();
  const { message } = App.useApp();
  const { data, reload, loading } = useApi<Rule[]>('/api/warning/rules');
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);
  return (
    <Card
      title={t('nav.rules')}
      extra={
        canManage && (
          <Button type="primary" onClick={() => setEditing('new')} data-testid="new-rule">
            {t('warn.newRule')}
          </Button>
        )
      }
    >
      <Table
        size="small"
        rowKey="id"
        loading={loading}
        data-testid="rules-table"
        dataSource={data ?? []}
        pagination={{ pageSize: 20 }}
        columns={[
          {
            title: t('warn.rule'),
            render: (_, r) => (
              <Space direction="vertical" size={0}>
                <Typography.Text strong>{n(r.name)}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {r.id} · v{r.version}
                </Typography.Text>
              </Space>
            ),
          },
          { title: t('warn.owner'), dataIndex: 'owner', width: 90 },
          { title: t('warn.task'), dataIndex: 'task', width: 110 },
          {
            title: t('warn.levels'),
            render: (_, r) =>
              r.levels.map((l) => (
                <Tag key={l.level} color={['', '#e8363b', '#f08c1a', '#f5c518', '#2f7fe0'][l.level]}>
                  {['', 'Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ'][l.level]} {l.condition.kind}
                </Tag>
              )),
          },
          {
            title: t('warn.status'),
            width: 160,
            render: (_, r) => (
              <Space direction="vertical" size={0}>
                {r.status === 'suspended' ? (
                  <Tag color="red" title={r.suspendedReason ?? ''}>
                    {t('warn.suspended')}
                  </Tag>
                ) : (
                  <Tag color={r.enabled ? 'green' : 'default'}>{r.enabled ? t('warn.enabled') : '—'}</Tag>
                )}
                {r.faults.length > 0 && (
                  <Typography.Text type="danger" style={{ fontSize: 12 }} title={r.faults.map((f) => f.fault).join('\n')}>
                    {t('warn.faults')}: {r.faults.length}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          { title: t('warn.source'), dataIndex: 'source', ellipsis: true },
          {
            title: '',
            width: 150,
            render: (_, r) =>
              canManage && (
                <Space>
                  <Button size="small" onClick={() => setEditing(r)} data-testid={`edit-${r.id}`}>
                    {t('warn.edit')}
                  </Button>
                  {r.status === 'suspended' && (
                    <Button
                      size="small"
                      onClick={async () => {
                        try {
                          await api('POST', `/api/warning/rules/${encodeURIComponent(r.id)}/resume`);
                          reload();
                        } catch (e) {
                          message.error(problemText(e));
                        }
                      }}
                    >
                      {t('warn.resume')}
                    </Button>
                  )}
                </Space>
              ),
          },
        ]}
      />
      {editing && (
        <RuleEditor
          rule={editing === 'new' ? null : editing}
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
