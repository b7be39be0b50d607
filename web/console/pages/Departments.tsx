import { Card, Input, Table, Tag } from 'antd';
import { useState } from 'react';
import { useApi } from '../../shared/hooks';
import { useI18n } from '../../shared/i18n';
import type { Department } from './types';

export function DepartmentsPage() {
  const { t, n } = useI18n();
  const { data, loading } = useApi<Department[]>('/api/departments');
  const [q, setQ] = useState('');
  const rows = (data ?? []).filter(
    (d) => !q || d.code.toLowerCase().includes(q.toLowerCase()) || d.name.zh.includes(q) || d.name.en.toLowerCase().includes(q.toLowerCase()),
  );
  return (
    <Card
      title={t('nav.departments')}
      extra={<Input.Search allowClear placeholder={t('action.search')} onChange={(e) => setQ(e.target.value)} style={{ width: 240 }} />}
    >
      <Table
        rowKey="code"
        loading={loading}
        dataSource={rows}
        pagination={{ pageSize: 50 }}
        columns={[
          { title: t('col.code'), dataIndex: 'code', width: 120 },
          { title: t('col.name'), render: (_, d) => n(d.name) },
          { title: t('col.district'), render: (_, d) => d.district ?? t('common.cityLevel'), width: 130 },
          {
            title: t('col.lead'),
            render: (_, d) =>
              d.tasks.lead.map((x) => (
                <Tag key={x} color="gold">
                  {x}
                </Tag>
              )),
          },
          { title: t('col.responsible'), render: (_, d) => d.tasks.responsible.length },
        ]}
      />
    </Card>
  );
}
