import { App, Button, Card, Form, Input, Modal, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, problemText } from '../../shared/api';
import { useApi } from '../../shared/hooks';
import { useI18n } from '../../shared/i18n';
import { Code, useVocabulary } from '../../shared/labels';
import { ScopeFields } from './fields';
import { ROLES } from './types';

interface Key {
  id: string;
  name: string;
  prefix: string;
  department: string | null;
  districts: string[];
  roles: string[];
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export function ApiKeysPage() {
  const { t, lang } = useI18n();
  const vocab = useVocabulary();
  const { message, modal } = App.useApp();
  const keys = useApi<Key[]>('/api/api-keys');
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const create = async () => {
    const v = await form.validateFields();
    try {
      const r = await api<{ key: string }>('POST', '/api/api-keys', { ...v, department: v.department ?? null });
      setOpen(false);
      modal.info({ title: t('apikeys.secret'), content: <Typography.Text copyable>{r.key}</Typography.Text>, width: 560 });
      keys.reload();
    } catch (err) {
      message.error(problemText(err));
    }
  };
  return (
    <Card
      title={t('nav.apikeys')}
      extra={
        <Button
          type="primary"
          onClick={() => {
            form.resetFields();
            form.setFieldsValue({ roles: ['api_client'], districts: ['*'] });
            setOpen(true);
          }}
        >
          {t('apikeys.new')}
        </Button>
      }
    >
      <Table
        rowKey="id"
        loading={keys.loading}
        dataSource={keys.data ?? []}
        columns={[
          { title: t('col.name'), dataIndex: 'name' },
          { title: t('col.code'), render: (_, k) => <Code>{`${k.prefix}…`}</Code> },
          { title: t('col.roles'), render: (_, k) => k.roles.map((r) => <Tag key={r}>{vocab?.roles[r]?.[lang] ?? r}</Tag>) },
          { title: t('col.department'), dataIndex: 'department', render: (v: string | null) => (v ? <Code>{v}</Code> : '—') },
          { title: t('col.status'), render: (_, k) => (k.revokedAt ? <Tag>{t('status.revoked')}</Tag> : <Tag color="green">{t('status.active')}</Tag>) },
          { title: t('col.lastUsed'), render: (_, k) => (k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : '—') },
          {
            title: '',
            render: (_, k) =>
              !k.revokedAt && (
                <Button size="small" danger onClick={() => api('DELETE', `/api/api-keys/${k.id}`).then(keys.reload)}>
                  {t('action.revoke')}
                </Button>
              ),
          },
        ]}
      />
      <Modal open={open} title={t('apikeys.new')} onOk={create} onCancel={() => setOpen(false)} okText={t('action.save')} cancelText={t('action.cancel')}>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('col.name')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <ScopeFields roles={ROLES.filter((r) => r !== 'platform_admin')} />
        </Form>
      </Modal>
    </Card>
  );
}
