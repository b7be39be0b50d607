import { Card, Table, Tag } from 'antd';
import { useApi } from '../../shared/hooks';
import { useI18n } from '../../shared/i18n';
import { Code, useVocabulary } from '../../shared/labels';

interface RoleRow {
  role: string;
  label: { zh: string; en: string };
  permissions: string[];
}

export function RolesPage() {
  const { t, n, lang } = useI18n();
  const vocab = useVocabulary();
  const { data, loading } = useApi<RoleRow[]>('/api/roles');
  return (
    <Card title={t('nav.roles')}>
      <Table
        rowKey="role"
        loading={loading}
        dataSource={data ?? []}
        pagination={false}
        columns={[
          { title: t('col.code'), dataIndex: 'role', width: 160, render: (v: string) => <Code>{v}</Code> },
          { title: t('col.name'), render: (_, r) => n(r.label), width: 200 },
          {
            title: t('col.permissions'),
            render: (_, r) => r.permissions.map((p) => <Tag key={p}>{vocab?.permissions[p]?.[lang] ?? p}</Tag>),
          },
        ]}
      />
    </Card>
  );
}
