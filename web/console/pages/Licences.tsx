/**
 * Electronic licences (电子证照) for their issuing department: issue a licence of a type the
 * department issues, find a holder's licences, open one (its QR code, the signed facts, its
 * versions) and suspend, resume, revoke or renew it; rotate the department's signing key.
 */
import { Alert, App, Button, Card, DatePicker, Descriptions, Drawer, Input, InputNumber, Modal, Select, Space, Table, Tag, Timeline, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import type { LicencePayload, LicenceType } from '../../../modules/licences/index';
import { api, type Me, problemText } from '../../shared/api';
import { Field } from '../../shared/Field';
import { useApi } from '../../shared/hooks';
import { useI18n } from '../../shared/i18n';
import { Code, Name, useDeptName } from '../../shared/labels';
import { QrCode } from '../../shared/qr';

interface LicenceView {
  number: string;
  type: string;
  department: string;
  holder: { kind: string; id: string; name: string };
  payload: LicencePayload | null;
  document: string;
  status: 'valid' | 'suspended' | 'revoked';
  statusReason: string | null;
  issuedOn: string;
  validUntil: string | null;
  version: number;
  versions: { version: number; event: string; status: string; reason: string | null; actor: string | null; at: number }[];
}

type Row = Omit<LicenceView, 'payload' | 'document' | 'statusReason' | 'versions'>;

const STATUS_COLOUR: Record<string, string> = { valid: 'green', suspended: 'orange', revoked: 'red' };

function Issue({ types, onIssued }: { types: LicenceType[]; onIssued: (l: LicenceView) => void }) {
  const { t, n } = useI18n();
  const { message } = App.useApp();
  const [code, setCode] = useState<string | null>(types[0]?.code ?? null);
  const [holderId, setHolderId] = useState('');
  const [holderName, setHolderName] = useState('');
  const [fields, setFields] = useState<Record<string, string | number | null>>({});
  const [busy, setBusy] = useState(false);
  const type = types.find((x) => x.code === code) ?? null;
  const missing = type ? type.fields.filter((f) => f.required && (fields[f.key] === undefined || fields[f.key] === null || fields[f.key] === '')) : [];
  const ready = !!type && holderId.trim().length >= 15 && holderName.trim().length > 0 && missing.length === 0;
  const submit = async () => {
    if (!type) return;
    setBusy(true);
    try {
      const body = {
        type: type.code,
        holder: { id: holderId.trim(), name: holderName.trim() },
        fields: Object.fromEntries(Object.entries(fields).filter(([k, v]) => v !== null && v !== '' && type.fields.some((f) => f.key === k))),
      };
      const l = await api<LicenceView>('POST', '/api/licences', body);
      message.success(t('lic.issued'));
      setHolderId('');
      setHolderName('');
      setFields({});
      onIssued(l);
    } catch (e) {
      message.error(problemText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('lic.issue')} size="small">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Field>
          {t('lic.type')}{' '}
          <Select
            style={{ width: 320 }}
            value={code}
            onChange={(v) => {
              setCode(v);
              setFields({});
            }}
            options={types.map((x) => ({ value: x.code, label: n(x.name) }))}
            data-testid="lic-type"
          />
        </Field>
        {type && (
          <Typography.Text type="secondary">
            {type.holderKind === 'person' ? t('lic.holderPerson') : type.holderKind === 'enterprise' ? t('lic.holderEnterprise') : t('lic.holderAny')} ·{' '}
            {type.validity.years ? t('lic.validYears').replace('{n}', String(type.validity.years)) : t('lic.noExpiry')}
          </Typography.Text>
        )}
        <Space wrap>
          <Field>
            {t('lic.holderId')}{' '}
            <Input value={holderId} maxLength={18} style={{ width: 240 }} onChange={(e) => setHolderId(e.target.value)} data-testid="lic-holder-id" />
          </Field>
          <Field>
            {t('lic.holderName')}{' '}
            <Input value={holderName} maxLength={200} style={{ width: 320 }} onChange={(e) => setHolderName(e.target.value)} data-testid="lic-holder-name" />
          </Field>
        </Space>
        {type?.fields.map((f) => (
          <Field key={f.key}>
            {n(f.name)}
            {f.required ? ' *' : ''}{' '}
            {f.type === 'number' ? (
              <InputNumber
                value={(fields[f.key] as number | null) ?? null}
                onChange={(v) => setFields({ ...fields, [f.key]: v })}
                data-testid={`lic-field-${f.key}`}
              />
            ) : f.type === 'date' ? (
              <DatePicker
                onChange={(d: Dayjs | null) => setFields({ ...fields, [f.key]: d ? d.format('YYYY-MM-DD') : null })}
                data-testid={`lic-field-${f.key}`}
              />
            ) : (
              <Input
                value={(fields[f.key] as string | undefined) ?? ''}
                maxLength={2000}
                style={{ width: 480 }}
                onChange={(e) => setFields({ ...fields, [f.key]: e.target.value })}
                data-testid={`lic-field-${f.key}`}
              />
            )}
          </Field>
        ))}
        <Button type="primary" disabled={!ready} loading={busy} onClick={submit} data-testid="lic-submit">
          {t('lic.sign')}
        </Button>
      </Space>
    </Card>
  );
}

function LicenceDrawer({
  licence,
  types,
  onClose,
  onChanged,
}: {
  licence: LicenceView;
  types: LicenceType[];
  onClose: () => void;
  onChanged: (l: LicenceView) => void;
}) {
  const { t, n, lang } = useI18n();
  const { message } = App.useApp();
  const deptName = useDeptName();
  const [action, setAction] = useState<'suspend' | 'resume' | 'revoke' | null>(null);
  const [reason, setReason] = useState('');
  const type = types.find((x) => x.code === licence.type);
  const p = licence.payload;
  const run = async (path: string, body?: unknown) => {
    try {
      onChanged(await api<LicenceView>('POST', `/api/licences/${encodeURIComponent(licence.number)}/${path}`, body));
      message.success(t('lic.done'));
    } catch (e) {
      message.error(problemText(e));
    }
  };
  return (
    <Drawer open width={720} onClose={onClose} title={type ? n(type.name) : licence.type}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space align="start" wrap>
          <QrCode text={licence.document} label={t('lic.qr')} />
          <Space direction="vertical">
            <Tag color={STATUS_COLOUR[licence.status]} data-testid="lic-status">
              {t(`lic.status.${licence.status}` as 'lic.status.valid')}
            </Tag>
            {licence.statusReason && (
              <Typography.Text>
                {t('lic.reason')}：<Name>{licence.statusReason}</Name>
              </Typography.Text>
            )}
            <Typography.Text type="secondary">{t('lic.qrHint')}</Typography.Text>
            <Button
              onClick={() => {
                const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=licence-qr]');
                if (!canvas) return;
                const a = document.createElement('a');
                a.href = canvas.toDataURL('image/png');
                a.download = `${licence.number}.png`;
                a.click();
              }}
              data-testid="lic-qr-save"
            >
              {t('lic.saveQr')}
            </Button>
          </Space>
        </Space>
        <Descriptions size="small" bordered column={1} data-testid="lic-facts">
          <Descriptions.Item label={t('lic.number')}>
            <Code>{licence.number}</Code>
          </Descriptions.Item>
          <Descriptions.Item label={t('lic.holderName')}>
            <Name>{licence.holder.name}</Name>
          </Descriptions.Item>
          <Descriptions.Item label={t('lic.holderId')}>
            <Code>{licence.holder.id}</Code>
          </Descriptions.Item>
          {type?.fields.map((f) => (
            <Descriptions.Item key={f.key} label={n(f.name)}>
              <Name>{p?.fields[f.key] === undefined ? '—' : String(p.fields[f.key])}</Name>
            </Descriptions.Item>
          ))}
          <Descriptions.Item label={t('lic.issuer')}>{deptName(licence.department)}</Descriptions.Item>
          <Descriptions.Item label={t('lic.validity')}>
            {p?.nbf ?? licence.issuedOn} — {licence.validUntil ?? t('lic.noExpiry')}
          </Descriptions.Item>
          <Descriptions.Item label={t('lic.key')}>
            <Code>{p?.kid ?? ''}</Code> {p?.alg === 'SM2-SM3' ? t('lic.algSm2') : t('lic.algEd25519')}
          </Descriptions.Item>
        </Descriptions>
        <Space wrap>
          {licence.status === 'valid' && (
            <Button onClick={() => setAction('suspend')} data-testid="lic-suspend">
              {t('lic.suspend')}
            </Button>
          )}
          {licence.status === 'suspended' && (
            <Button onClick={() => setAction('resume')} data-testid="lic-resume">
              {t('lic.resume')}
            </Button>
          )}
          {licence.status !== 'revoked' && (
            <Button danger onClick={() => setAction('revoke')} data-testid="lic-revoke">
              {t('lic.revoke')}
            </Button>
          )}
          {licence.status === 'valid' && licence.validUntil && (
            <Button onClick={() => run('renew')} data-testid="lic-renew">
              {t('lic.renew')}
            </Button>
          )}
        </Space>
        <Typography.Title level={5}>{t('lic.versions')}</Typography.Title>
        <Timeline
          items={licence.versions.map((v) => ({
            color: STATUS_COLOUR[v.status],
            children: (
              <div>
                {t(`lic.event.${v.event}` as 'lic.event.issued')} · {new Date(v.at).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en')}
                {v.actor ? (
                  <>
                    {' '}
                    · <Name>{v.actor}</Name>
                  </>
                ) : null}
                {v.reason ? (
                  <div>
                    {t('lic.reason')}：<Name>{v.reason}</Name>
                  </div>
                ) : null}
              </div>
            ),
          }))}
        />
      </Space>
      <Modal
        open={action !== null}
        title={action ? t(`lic.${action}` as 'lic.suspend') : ''}
        okText={t('lic.confirm')}
        cancelText={t('lic.cancel')}
        okButtonProps={{ disabled: reason.trim().length < 2, danger: action === 'revoke', ...{ 'data-testid': 'lic-confirm' } }}
        onCancel={() => setAction(null)}
        onOk={async () => {
          if (!action) return;
          await run(action, { reason: reason.trim() });
          setAction(null);
          setReason('');
        }}
      >
        {action === 'revoke' && <Alert type="warning" showIcon message={t('lic.revokeWarning')} style={{ marginBottom: 12 }} />}
        <Field block>
          {t('lic.reason')} ({reason.length}/2000)
          <Input.TextArea value={reason} maxLength={2000} rows={3} onChange={(e) => setReason(e.target.value)} data-testid="lic-reason" />
        </Field>
      </Modal>
    </Drawer>
  );
}

export function LicencesPage({ user }: { user: Me }) {
  const { t, n } = useI18n();
  const { message, modal } = App.useApp();
  const all = useApi<LicenceType[]>('/api/licences/types');
  const types = (all.data ?? []).filter((x) => user.scope.departments.includes('*') || x.department === user.department);
  const [holder, setHolder] = useState('');
  const [found, setFound] = useState<Row[] | null>(null);
  const [open, setOpen] = useState<LicenceView | null>(null);
  const show = async (number: string) => {
    try {
      setOpen(await api<LicenceView>('GET', `/api/licences/${encodeURIComponent(number)}`));
    } catch (e) {
      message.error(problemText(e));
    }
  };
  const search = async () => {
    try {
      setFound(await api<Row[]>('GET', `/api/licences?holder=${encodeURIComponent(holder.trim())}`));
    } catch (e) {
      message.error(problemText(e));
    }
  };
  const typeName = (code: string) => {
    const x = (all.data ?? []).find((y) => y.code === code);
    return x ? n(x.name) : code;
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4}>{t('nav.licences')}</Typography.Title>
      {all.data && types.length === 0 && <Alert type="info" showIcon message={t('lic.noTypes')} />}
      {types.length > 0 && <Issue types={types} onIssued={setOpen} />}
      <Card title={t('lic.find')} size="small">
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space>
            <Field>
              {t('lic.holderId')}{' '}
              <Input value={holder} maxLength={18} style={{ width: 240 }} onChange={(e) => setHolder(e.target.value)} data-testid="lic-find-holder" />
            </Field>
            <Button disabled={holder.trim().length < 15} onClick={search} data-testid="lic-find">
              {t('lic.search')}
            </Button>
          </Space>
          {found && (
            <Table
              rowKey="number"
              size="small"
              dataSource={found}
              data-testid="lic-found"
              onRow={(r) => ({ onClick: () => show(r.number), style: { cursor: 'pointer' } })}
              columns={[
                { title: t('lic.number'), render: (_, r) => <Code>{r.number}</Code> },
                { title: t('lic.type'), render: (_, r) => typeName(r.type) },
                { title: t('lic.holderName'), render: (_, r) => <Name>{r.holder.name}</Name> },
                { title: t('lic.state'), render: (_, r) => <Tag color={STATUS_COLOUR[r.status]}>{t(`lic.status.${r.status}` as 'lic.status.valid')}</Tag> },
                { title: t('lic.validUntil'), render: (_, r) => r.validUntil ?? t('lic.noExpiry') },
              ]}
            />
          )}
        </Space>
      </Card>
      {user.department && types.length > 0 && (
        <Card title={t('lic.keys')} size="small">
          <Space direction="vertical">
            <Typography.Text type="secondary">{t('lic.keysHint')}</Typography.Text>
            <Button
              onClick={() =>
                modal.confirm({
                  title: t('lic.rotate'),
                  content: t('lic.rotateConfirm'),
                  okText: t('lic.confirm'),
                  cancelText: t('lic.cancel'),
                  onOk: async () => {
                    try {
                      await api('POST', '/api/licences/keys/rotate', { department: user.department });
                      message.success(t('lic.rotated'));
                    } catch (e) {
                      message.error(problemText(e));
                    }
                  },
                })
              }
              data-testid="lic-rotate"
            >
              {t('lic.rotate')}
            </Button>
          </Space>
        </Card>
      )}
      {open && (
        <LicenceDrawer
          licence={open}
          types={all.data ?? []}
          onClose={() => setOpen(null)}
          onChanged={(l) => {
            setOpen(l);
            if (found) void search();
          }}
        />
      )}
    </Space>
  );
}
