import { Card, Table } from 'antd';
import { useState } from 'react';
import { CityMap, useDistricts } from '../../shared/CityMap';
import { useI18n } from '../../shared/i18n';
import { Code, useVocabulary } from '../../shared/labels';

export function DistrictsPage() {
  const { t, n, lang } = useI18n();
  const vocab = useVocabulary();
  const { districts } = useDistricts(true);
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <Card title={t('nav.districts')}>
      {districts && <CityMap districts={districts} selected={selected} onSelect={setSelected} height={360} />}
      <Table
        rowKey="adcode"
        size="small"
        dataSource={districts ?? []}
        pagination={false}
        onRow={(d) => ({ onClick: () => setSelected(d.adcode) })}
        rowClassName={(d) => (d.adcode === selected ? 'ant-table-row-selected' : '')}
        columns={[
          { title: t('col.code'), dataIndex: 'adcode', width: 120, render: (v: string) => <Code>{v}</Code> },
          { title: t('col.name'), render: (_, d) => n(d.name) },
          { title: t('col.kind'), dataIndex: 'kind', render: (k: string) => vocab?.districtKinds[k]?.[lang] ?? k },
          { title: t('col.center'), render: (_, d) => (d.center ? d.center.map((x) => x.toFixed(4)).join(', ') : '—') },
        ]}
      />
    </Card>
  );
}
