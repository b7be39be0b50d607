import { App, Button, Card, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { type Me, api, problemText } from '../../shared/api';
import { useDistricts } from '../../shared/CityMap';
import { useApi } from '../../shared/hooks';
import { Code } from '../../shared/labels';
import { useI18n } from '../../shared/i18n';
import type { Department, PlanTask } from './types';

interface DeptForm {
  code: string;
  zh: string;
  en: string;
  district: string | null;
}

export function DepartmentsPage({ user }: { user: Me }) {
  const { t, n } = useI18n();
  const { message } = App.useApp();
  const { data, loading, reload } = useApi<Department[]>('/api/departments');
  const planTasks = useApi<PlanTask[]>('/api/plan-tasks');
  const taskName = (id: string) => {
    const x = planTasks.data?.find((p) => p.id === id);
    return x ? n(x.names) : '';
  };
  const { districts } = useDistricts(false);
  const [q, setQ] = useState('');
  const [open, setOpen] = useState<null | 'create' | Department>(null);
  const [form] = Form.useForm<DeptForm>();
  const canManage = user.permissions.includes('city.manage');
  const rows = (data ?? []).filter(
    (d) => !q || d.code.toLowerCase().includes(q.toLowerCase()) || d.name.zh.includes(q) || d.name.en.toLowerCase().includes(q.toLowerCase()),
  );
  const districtName = (code: string | null) => (code ? n(districts?.find((d) => d.adcode === code)?.name ?? { zh: code, en: code }) : t('common.cityLevel'));

  const save = async () => {
    const v = await form.validateFields();
    const body = { name: { zh: v.zh, en: v.en }, district: v.district ?? null };
    try {
      if (open === 'create') await api('POST', '/api/departments', { code: v.code, ...body });
      else if (open) await api('PATCH', `/api/departments/${open.code}`, body);
      setOpen(null);
      message.success(t('common.saved'));
      reload();
    } catch (err) {
      message.error(problemText(err));
    }
  };

  return (
    <Card
      title={t('nav.departments')}
      extra={
        <Space>
          <Input.Search
            allowClear
            placeholder={t('action.search')}
            aria-label={t('action.search')}
            onChange={(e) => setQ(e.target.value)}
            style={{ width: 220 }}
          />
          {canManage && (
            <Button
              type="primary"
              onClick={() => {
                form.resetFields();
                setOpen('create');
              }}
            >
              {t('action.create')}
            </Button>
          )}
        </Space>
      }
    >
      <Table
        rowKey="code"
        loading={loading}
        dataSource={rows}
        pagination={{ pageSize: 50 }}
        columns={[
          { title: t('col.code'), dataIndex: 'code', width: 120, render: (v: string) => <Code>{v}</Code> },
          { title: t('col.name'), render: (_, d) => n(d.name) },
          { title: t('col.district'), render: (_, d) => districtName(d.district), width: 130 },
          {
            title: t('col.lead'),
            render: (_, d) =>
              d.tasks.lead.map((x) => (
                <Tag key={x} color="gold">
                  {taskName(x)}
                </Tag>
              )),
          },
          { title: t('col.responsible'), render: (_, d) => d.tasks.responsible.length },
          ...(canManage
            ? [
                {
                  title: t('col.actions'),
                  render: (_: unknown, d: Department) => (
                    <Button
                      size="small"
                      onClick={() => {
                        form.setFieldsValue({ code: d.code, zh: d.name.zh, en: d.name.en, district: d.district });
                        setOpen(d);
                      }}
                    >
                      {t('action.edit')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={open !== null}
        title={open === 'create' ? t('action.create') : t('action.edit')}
        onOk={save}
        onCancel={() => setOpen(null)}
        okText={t('action.save')}
        cancelText={t('action.cancel')}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          <Form.Item name="code" label={t('col.code')} rules={[{ required: true, pattern: /^[A-Z][A-Z0-9-]{1,31}$/ }]}>
            <Input disabled={open !== 'create'} />
          </Form.Item>
          <Form.Item name="zh" label={`${t('col.name')} (中文)`} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="en" label={`${t('col.name')} (English)`} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="district" label={t('col.district')}>
            <Select
              allowClear
              placeholder={t('common.cityLevel')}
              options={(districts ?? []).map((d) => ({ value: d.adcode, label: `${n(d.name)} ${d.adcode}` }))}
            />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
