import { Card, Table, Tag } from 'antd';
import { useApi } from '../../shared/hooks';
import { useI18n } from '../../shared/i18n';

interface RoleRow {
  role: string;
  label: { zh: string; en: string };
  permissions: string[];
}

export function RolesPage() {
  const { t, n } = useI18n();
  const { data, loading } = useApi<RoleRow[]>('/api/roles');
  return (
    <Card title={t('nav.roles')}>
      <Table
        rowKey="role"
        loading={loading}
        dataSource={data ?? []}
        pagination={false}
        columns={[
          { title: t('col.code'), dataIndex: 'role', width: 160 },
          { title: t('col.name'), render: (_, r) => n(r.label), width: 200 },
          { title: t('col.permissions'), render: (_, r) => r.permissions.map((p) => <Tag key={p}>{p}</Tag>) },
        ]}
      />
    </Card>
  );
}
