import { App, Button, Card, Form, Input, Modal, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { type Me, api, problemText } from '../../shared/api';
import { useApi } from '../../shared/hooks';
import { useI18n } from '../../shared/i18n';
import { Code, useVocabulary } from '../../shared/labels';
import { ScopeFields } from './fields';
import { type Department, ROLES, type User } from './types';

interface UserForm {
  username: string;
  displayName: string;
  password: string;
  roles: string[];
  department: string | null;
  districts: string[];
  phone?: string;
}

export function UsersPage({ user }: { user: Me }) {
  const { t, n, lang } = useI18n();
  const vocab = useVocabulary();
  const { message, modal } = App.useApp();
  const [q, setQ] = useState('');
  const list = useApi<{ items: User[]; total: number }>(`/api/users?limit=500${q ? `&q=${encodeURIComponent(q)}` : ''}`);
  const depts = useApi<Department[]>('/api/departments');
  const [open, setOpen] = useState<null | 'create' | User>(null);
  const [form] = Form.useForm<UserForm>();
  const canManage = user.permissions.includes('users.manage');

  const deptName = (code: string | null) => (code ? n(depts.data?.find((d) => d.code === code)?.name ?? { zh: code, en: code }) : '—');
  const showProblem = (err: unknown) => message.error(problemText(err));

  const submit = async () => {
    const v = await form.validateFields();
    try {
      if (open === 'create') await api('POST', '/api/users', { ...v, department: v.department ?? null, phone: v.phone || null });
      else if (open)
        await api('PATCH', `/api/users/${open.id}`, { displayName: v.displayName, roles: v.roles, department: v.department ?? null, districts: v.districts });
      setOpen(null);
      message.success(t('common.saved'));
      list.reload();
    } catch (err) {
      showProblem(err);
    }
  };

  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      list.reload();
    } catch (err) {
      showProblem(err);
    }
  };

  return (
    <Card
      title={t('nav.users')}
      extra={
        <Space>
          <Input.Search allowClear placeholder={t('action.search')} aria-label={t('action.search')} onSearch={setQ} style={{ width: 200 }} />
          {canManage && (
            <Button
              type="primary"
              onClick={() => {
                form.resetFields();
                form.setFieldsValue({ districts: ['*'], roles: ['dept_staff'] });
                setOpen('create');
              }}
            >
              {t('users.new')}
            </Button>
          )}
        </Space>
      }
    >
      <Table
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 50 }}
        columns={[
          { title: t('col.username'), dataIndex: 'username', render: (v: string) => <Code>{v}</Code> },
          { title: t('col.displayName'), dataIndex: 'displayName', render: (v: string) => <span translate="no">{v}</span> },
          { title: t('col.roles'), render: (_, u) => u.roles.map((r) => <Tag key={r}>{vocab?.roles[r]?.[lang] ?? r}</Tag>) },
          { title: t('col.department'), render: (_, u) => deptName(u.department) },
          { title: t('col.districts'), render: (_, u) => (u.districts.includes('*') ? t('common.all') : u.districts.join(', ')) },
          { title: t('col.phone'), dataIndex: 'phone' },
          {
            title: t('col.status'),
            render: (_, u) => (
              <Space>
                <Tag color={u.status === 'active' ? 'green' : 'default'}>{t(u.status === 'active' ? 'status.active' : 'status.disabled')}</Tag>
                {u.locked && <Tag color="red">{t('status.locked')}</Tag>}
              </Space>
            ),
          },
          ...(canManage
            ? [
                {
                  title: t('col.actions'),
                  render: (_: unknown, u: User) => (
                    <Space size="small" wrap>
                      <Button
                        size="small"
                        onClick={() => {
                          form.setFieldsValue({ ...u, phone: u.phone ?? undefined, password: '' });
                          setOpen(u);
                        }}
                      >
                        {t('action.edit')}
                      </Button>
                      <Button
                        size="small"
                        onClick={() =>
                          act(async () => {
                            const r = await api<{ temporaryPassword: string }>('POST', `/api/users/${u.id}/reset-password`, {});
                            modal.info({ title: t('users.tempPassword'), content: <Typography.Text copyable>{r.temporaryPassword}</Typography.Text> });
                          })
                        }
                      >
                        {t('action.resetPassword')}
                      </Button>
                      {u.locked && (
                        <Button size="small" onClick={() => act(() => api('POST', `/api/users/${u.id}/unlock`))}>
                          {t('action.unlock')}
                        </Button>
                      )}
                      {u.username !== 'admin' && (
                        <Button
                          size="small"
                          danger={u.status === 'active'}
                          onClick={() => act(() => api('PATCH', `/api/users/${u.id}`, { status: u.status === 'active' ? 'disabled' : 'active' }))}
                        >
                          {t(u.status === 'active' ? 'action.disable' : 'action.enable')}
                        </Button>
                      )}
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={open !== null}
        title={open === 'create' ? t('users.new') : t('action.edit')}
        onOk={submit}
        onCancel={() => setOpen(null)}
        okText={t('action.save')}
        cancelText={t('action.cancel')}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="username"
            label={t('col.username')}
            rules={[
              { required: true, message: t('form.required') },
              { min: 2, max: 64, message: t('users.usernameLength') },
              { pattern: /^[a-zA-Z0-9_.@-]*$/, message: t('users.usernameChars') },
            ]}
          >
            <Input disabled={open !== 'create'} maxLength={64} showCount />
          </Form.Item>
          <Form.Item name="displayName" label={t('col.displayName')} rules={[{ required: true, message: t('form.required') }]}>
            <Input maxLength={100} showCount />
          </Form.Item>
          {open === 'create' && (
            <Form.Item
              name="password"
              label={t('login.password')}
              rules={[
                { required: true, message: t('form.required') },
                { min: 10, message: t('users.passwordLength') },
              ]}
              extra={t('pw.policy')}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          )}
          <ScopeFields roles={ROLES} />
          {open === 'create' && (
            <Form.Item
              name="phone"
              label={t('col.phone')}
              rules={[{ pattern: /^(\+86[ -]?)?(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$/, message: t('form.phone') }]}
            >
              <Input maxLength={20} inputMode="tel" />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </Card>
  );
}
