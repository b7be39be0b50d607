import { Alert, Card, Col, List, Row, Statistic } from 'antd';
import { useState } from 'react';
import { CityMap, useDistricts } from '../../shared/CityMap';
import { useApi } from '../../shared/hooks';
import { useI18n } from '../../shared/i18n';
import { Code } from '../../shared/labels';
import type { City, Department } from './types';

export function OverviewPage() {
  const { t, n } = useI18n();
  const city = useApi<City>('/api/city');
  const depts = useApi<Department[]>('/api/departments');
  const { districts, error } = useDistricts(true);
  const [selected, setSelected] = useState<string | null>(null);
  const sel = districts?.find((d) => d.adcode === selected);
  return (
    <div>
      {(city.error || error) && <Alert type="error" message={city.error ?? error} />}
      <h1 style={{ marginTop: 0 }} data-testid="city-name">
        {city.data ? n(city.data.name) : ''}{' '}
        <small style={{ fontSize: 14, color: '#666' }}>
          <Code>{city.data?.adcode}</Code>
        </small>
      </h1>
      <Row gutter={16}>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title={t('city.districts')} value={districts?.filter((d) => d.kind !== 'special_zone').length ?? 0} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title={t('city.departments')} value={city.data?.departments ?? 0} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title={t('city.tasks')} value={city.data?.tasks ?? 0} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title={t('city.population')} value={city.data?.population ?? 0} />
          </Card>
        </Col>
      </Row>
      <Row gutter={16} style={{ marginTop: 16 }}>
        <Col xs={24} lg={16}>
          <Card title={t('nav.districts')}>{districts && <CityMap districts={districts} selected={selected} onSelect={setSelected} />}</Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card title={sel ? n(sel.name) : t('city.districts')}>
            {sel ? (
              <List
                size="small"
                dataSource={(depts.data ?? []).filter((d) => d.district === sel.adcode)}
                renderItem={(d) => <List.Item>{n(d.name)}</List.Item>}
              />
            ) : (
              <List
                size="small"
                data-testid="district-list"
                dataSource={districts ?? []}
                renderItem={(d) => (
                  <List.Item onClick={() => setSelected(d.adcode)} style={{ cursor: 'pointer' }}>
                    <span>{n(d.name)}</span> <Code>{d.adcode}</Code>
                  </List.Item>
                )}
              />
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
