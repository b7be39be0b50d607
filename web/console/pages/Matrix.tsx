import { Card, Table, Tag } from 'antd';
import { useApi } from '../../shared/hooks';
import { useI18n } from '../../shared/i18n';
import { Code } from '../../shared/labels';
import type { Department, PlanTask } from './types';

export function MatrixPage() {
  const { t, n } = useI18n();
  const tasks = useApi<PlanTask[]>('/api/plan-tasks');
  const depts = useApi<Department[]>('/api/departments');
  const name = (code: string) => {
    if (code === 'ALL_CITY_DEPARTMENTS') return t('common.all');
    const d = depts.data?.find((x) => x.code === code);
    return d ? n(d.name) : code;
  };
  return (
    <Card title={t('nav.matrix')}>
      <Table
        rowKey="id"
        loading={tasks.loading}
        dataSource={tasks.data ?? []}
        pagination={false}
        columns={[
          {
            title: t('col.task'),
            render: (_, x) => (
              <>
                {n(x.names)} <Code>{x.id}</Code>
              </>
            ),
          },
          {
            title: t('col.leadUnits'),
            render: (_, x) =>
              x.lead.map((c) => (
                <Tag key={c} color="gold">
                  {name(c)}
                </Tag>
              )),
          },
          { title: t('col.responsibleUnits'), render: (_, x) => x.responsible.map((c) => <Tag key={c}>{name(c)}</Tag>) },
        ]}
      />
    </Card>
  );
}
