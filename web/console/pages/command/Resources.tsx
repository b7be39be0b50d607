/**
 * The resource registry (应急资源): rescue teams, experts, supplies in stores, shelters with their
 * capacity, vehicles; what is available now (held less what is out on incidents); each department
 * registers and updates its own; the nearest available of a type from a point.
 */
import { App, AutoComplete, Button, Card, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, type Me, problemText } from '../../../shared/api';
import { useDistricts } from '../../../shared/CityMap';
import { useApi } from '../../../shared/hooks';
import { useI18n } from '../../../shared/i18n';
import { Code, unitIn } from '../../../shared/labels';
import { RESOURCE_TYPE_NAMES, type Resource, useUnitNames } from './common';

const KINDS = ['team', 'expert', 'supply', 'shelter', 'vehicle'] as const;

export function ResourcesPage({ user }: { user: Me }) {
  const { t, n, lang } = useI18n();
  const { districts } = useDistricts(false);
  const unitName = useUnitNames();
  const [kind, setKind] = useState<string | null>(null);
  const { data, loading, reload } = useApi<Resource[]>(`/api/command/resources${kind ? `?kind=${kind}` : ''}`);
  const [editing, setEditing] = useState<Resource | 'new' | null>(null);
  const [near, setNear] = useState<{ type: string; lon: number; lat: number } | null>(null);
  const nearest = useApi<(Resource & { distanceM: number })[]>(
    near ? `/api/command/resources/nearest?type=${near.type}&lon=${near.lon}&lat=${near.lat}&limit=5` : null,
  );
  const canManage = user.permissions.includes('command.manage');
  const types = [...new Set((data ?? []).map((r) => r.type))].sort();
  const districtName = (code: string | null) => (code ? n(districts?.find((d) => d.adcode === code)?.name ?? { zh: code, en: code }) : '—');
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card
        title={t('nav.resources')}
        extra={
          <Space>
            <Select
              allowClear
              placeholder={t('col.kind')}
              style={{ width: 160 }}
              value={kind}
              onChange={(v) => setKind(v ?? null)}
              options={KINDS.map((k) => ({ value: k, label: t(`cmd.kind.${k}` as 'cmd.kind.team') }))}
            />
            {canManage && (
              <Button type="primary" onClick={() => setEditing('new')} data-testid="new-resource">
                {t('cmd.newResource')}
              </Button>
            )}
          </Space>
        }
      >
        <Table
          size="small"
          rowKey="id"
          loading={loading}
          dataSource={data ?? []}
          data-testid="resources-table"
          pagination={{ pageSize: 20 }}
          onRow={(r) => ({ onClick: () => canManage && setEditing(r), style: { cursor: canManage ? 'pointer' : 'default' } })}
          columns={[
            { title: t('col.kind'), render: (_, r) => <Tag>{n(r.kindLabel)}</Tag>, width: 100 },
            {
              title: t('col.name'),
              render: (_, r) => (
                <Space direction="vertical" size={0}>
                  <Typography.Text strong translate="no">
                    {r.name}
                  </Typography.Text>
                  <Typography.Text type="secondary">{RESOURCE_TYPE_NAMES[r.type] ? n(RESOURCE_TYPE_NAMES[r.type]!) : <Code>{r.type}</Code>}</Typography.Text>
                </Space>
              ),
            },
            { title: t('dev.department'), render: (_, r) => unitName(r.department), width: 150 },
            { title: t('dev.district'), render: (_, r) => districtName(r.district), width: 100 },
            {
              title: t('cmd.available'),
              width: 130,
              render: (_, r) => (
                <Typography.Text type={r.available === 0 ? 'danger' : undefined} data-testid="available">
                  {r.available} / {r.quantity} {unitIn(r.unit, lang)}
                </Typography.Text>
              ),
            },
            { title: t('cmd.contact'), dataIndex: 'contact', width: 170 },
            {
              title: t('col.status'),
              width: 100,
              render: (_, r) => <Tag color={r.status === 'available' ? 'green' : 'default'}>{t(`cmd.res.${r.status}` as 'cmd.res.available')}</Tag>,
            },
          ]}
        />
      </Card>
      <Card size="small" title={t('cmd.findNearest')}>
        <NearestForm types={types} onSearch={setNear} />
        {near && (
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            loading={nearest.loading}
            dataSource={nearest.data ?? []}
            data-testid="nearest-table"
            columns={[
              { title: t('col.name'), dataIndex: 'name' },
              { title: t('dev.department'), render: (_, r) => unitName(r.department) },
              { title: t('cmd.available'), render: (_, r) => `${r.available} ${unitIn(r.unit, lang)}` },
              { title: t('cmd.distance'), render: (_, r) => `${(r.distanceM / 1000).toFixed(1)} km` },
              { title: t('cmd.contact'), dataIndex: 'contact' },
            ]}
          />
        )}
      </Card>
      {editing && (
        <ResourceForm
          resource={editing === 'new' ? null : editing}
          defaultDepartment={user.department}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
    </Space>
  );
}

function NearestForm({ types, onSearch }: { types: string[]; onSearch: (q: { type: string; lon: number; lat: number }) => void }) {
  const { t, n } = useI18n();
  const [form] = Form.useForm<{ type: string; lon: number; lat: number }>();
  return (
    <Form form={form} layout="inline" onFinish={onSearch} initialValues={{ lon: 110.7985, lat: 32.6292 }} style={{ marginBottom: 12 }}>
      <Form.Item name="type" rules={[{ required: true }]}>
        <Select
          style={{ width: 200 }}
          placeholder={t('dev.type')}
          aria-label={t('dev.type')}
          options={types.map((x) => ({ value: x, label: RESOURCE_TYPE_NAMES[x] ? n(RESOURCE_TYPE_NAMES[x]!) : x }))}
        />
      </Form.Item>
      <Form.Item name="lon" label={t('cmd.lon')}>
        <InputNumber step={0.001} style={{ width: 130 }} />
      </Form.Item>
      <Form.Item name="lat" label={t('cmd.lat')}>
        <InputNumber step={0.001} style={{ width: 130 }} />
      </Form.Item>
      <Button htmlType="submit">{t('cmd.search')}</Button>
    </Form>
  );
}

interface ResourceValues {
  kind: string;
  type: string;
  name: string;
  department: string;
  lon: number;
  lat: number;
  quantity: number;
  unit?: string;
  contact?: string;
  status: string;
}

function ResourceForm({
  resource,
  defaultDepartment,
  onClose,
  onSaved,
}: {
  resource: Resource | null;
  defaultDepartment: string | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, n } = useI18n();
  const { message } = App.useApp();
  const departments = useApi<{ code: string; name: { zh: string; en: string } }[]>('/api/departments').data;
  const [form] = Form.useForm<ResourceValues>();
  const submit = async () => {
    const v = await form.validateFields();
    const body = {
      kind: v.kind,
      type: v.type,
      name: v.name,
      department: v.department,
      location: { lon: v.lon, lat: v.lat },
      quantity: v.quantity,
      status: v.status,
      ...(v.unit ? { unit: v.unit } : {}),
      ...(v.contact ? { contact: v.contact } : {}),
    };
    try {
      if (resource) await api('PUT', `/api/command/resources/${resource.id}`, { ...body, rev: resource.rev });
      else await api('POST', '/api/command/resources', body);
      onSaved();
    } catch (e) {
      message.error(problemText(e));
    }
  };
  return (
    <Modal open title={resource ? resource.name : t('cmd.newResource')} onCancel={onClose} onOk={submit} width={620}>
      <Form
        form={form}
        layout="vertical"
        initialValues={
          resource
            ? {
                ...resource,
                lon: resource.location.lon,
                lat: resource.location.lat,
                unit: resource.unit ?? undefined,
                // Only the owner (and city-wide roles) may edit, and they see the contact unmasked.
                contact: resource.contact ?? undefined,
              }
            : { kind: 'supply', status: 'available', quantity: 1, department: defaultDepartment ?? undefined }
        }
      >
        <Space wrap>
          <Form.Item name="kind" label={t('col.kind')} rules={[{ required: true }]}>
            <Select style={{ width: 150 }} options={KINDS.map((k) => ({ value: k, label: t(`cmd.kind.${k}` as 'cmd.kind.team') }))} />
          </Form.Item>
          <Form.Item
            name="type"
            label={t('dev.type')}
            rules={[
              { required: true, message: t('form.choose') },
              { pattern: /^[a-z][a-z0-9_]*$/, message: t('cmd.resourceTypeRule') },
            ]}
          >
            <AutoComplete
              style={{ width: 180 }}
              options={Object.entries(RESOURCE_TYPE_NAMES).map(([value, l]) => ({ value, label: `${n(l)} · ${value}` }))}
              filterOption={(input: string, o?: { label?: string }) => String(o?.label ?? '').includes(input)}
            />
          </Form.Item>
          <Form.Item name="department" label={t('dev.department')} rules={[{ required: true }]}>
            <Select
              showSearch
              optionFilterProp="label"
              style={{ width: 220 }}
              options={(departments ?? []).map((d) => ({ value: d.code, label: `${n(d.name)} (${d.code})` }))}
            />
          </Form.Item>
        </Space>
        <Form.Item name="name" label={t('col.name')} rules={[{ required: true, max: 200 }]}>
          <Input />
        </Form.Item>
        <Space wrap>
          <Form.Item name="lon" label={`${t('cmd.lon')} (GCJ-02)`} rules={[{ required: true }]}>
            <InputNumber step={0.0001} style={{ width: 150 }} />
          </Form.Item>
          <Form.Item name="lat" label={`${t('cmd.lat')} (GCJ-02)`} rules={[{ required: true }]}>
            <InputNumber step={0.0001} style={{ width: 150 }} />
          </Form.Item>
          <Form.Item name="quantity" label={t('cmd.quantity')} rules={[{ required: true }]}>
            <InputNumber min={0} style={{ width: 110 }} />
          </Form.Item>
          <Form.Item name="unit" label={t('cmd.unitOfMeasure')}>
            <Input style={{ width: 80 }} />
          </Form.Item>
        </Space>
        <Space wrap>
          <Form.Item name="contact" label={t('cmd.contact')}>
            <Input style={{ width: 260 }} />
          </Form.Item>
          <Form.Item name="status" label={t('col.status')}>
            <Select
              style={{ width: 150 }}
              options={[
                { value: 'available', label: t('cmd.res.available') },
                { value: 'out_of_service', label: t('cmd.res.out_of_service') },
              ]}
            />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}
