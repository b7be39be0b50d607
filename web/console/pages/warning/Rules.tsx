/** The rule list: each department's rules, their state and faults, and the editor. */
import { App, Button, Card, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { api, problemText } from '../../../shared/api';
import { useApi } from '../../../shared/hooks';
import { useI18n } from '../../../shared/i18n';
import type { Label, Rule } from './common';
import { KIND_LABEL, RuleEditor } from './RuleEditor';
import { Code, useDeptName } from '../../../shared/labels';
import { LEVEL_COLOUR } from '../../../shared/levels';

export function RulesPage({ canManage, departments }: { canManage: boolean; departments: string[] }) {
  const { t, n } = useI18n();
  const deptName = useDeptName();
  const tasks = useApi<{ id: string; names: Label }[]>('/api/plan-tasks').data;
  const taskName = (id: string) => {
    const x = tasks?.find((k) => k.id === id);
    return x ? n(x.names) : <Code>{id}</Code>;
  };
  // A department's staff edit their department's rules; the operations centre edits every rule.
  const mayEdit = (r: Rule) => departments.includes('*') || departments.includes(r.owner);
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
                  <Code>{r.id}</Code> · {t('cmd.version')} {r.version}
                </Typography.Text>
              </Space>
            ),
          },
          { title: t('warn.owner'), dataIndex: 'owner', width: 130, render: (v: string) => deptName(v) },
          { title: t('warn.task'), dataIndex: 'task', width: 130, render: (v: string) => taskName(v) },
          {
            title: t('warn.levels'),
            render: (_, r) =>
              r.levels.map((l) => (
                <Tag key={l.level} color={LEVEL_COLOUR[l.level]}>
                  {['', 'Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ'][l.level]} {KIND_LABEL[l.condition.kind] ? n(KIND_LABEL[l.condition.kind]!).split('（')[0] : l.condition.kind}
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
          {
            title: t('warn.source'),
            dataIndex: 'source',
            ellipsis: { showTitle: false },
            render: (v: string) => (
              <span translate="no" title={v}>
                {v}
              </span>
            ),
          },
          {
            title: '',
            width: 150,
            render: (_, r) =>
              canManage && (
                <Space>
                  <Tooltip title={mayEdit(r) ? '' : t('warn.notYours')}>
                    <Button size="small" disabled={!mayEdit(r)} onClick={() => setEditing(r)} data-testid={`edit-${r.id}`}>
                      {t('warn.edit')}
                    </Button>
                  </Tooltip>
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
