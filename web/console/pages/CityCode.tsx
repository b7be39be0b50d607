/**
 * 城市码 for departments: their scan points (扫码点: a counter, a bus line, a scenic-area gate, a
 * hospital, and what a scan there shows), and the licences residents shared with the department
 * with their consent (授权证照), opened here and logged for the holder.
 */
import { Button, Card, Descriptions, Drawer, Input, Select, Space, Table, Tag, Typography, message } from 'antd';
import { useState } from 'react';
import { api, type Me, problemText } from '../../shared/api';
import { Field } from '../../shared/Field';
import { useApi } from '../../shared/hooks';
import { type StringKey, useI18n } from '../../shared/i18n';

type Names = { zh: string; en: string };
interface Point {
  id: string;
  name: Names;
  kind: 'counter' | 'bus' | 'scenic' | 'hospital';
  reveals: 'identity' | 'licence' | 'booking';
  target: string | null;
  createdAt: number;
}

const KINDS = ['counter', 'bus', 'scenic', 'hospital'] as const;
const REVEALS = ['identity', 'licence', 'booking'] as const;

export function ScanPointsPage({ user }: { user: Me }) {
  const { t, n } = useI18n();
  const points = useApi<Point[]>('/api/citycode/points');
  const types = useApi<{ code: string; name: Names }[]>('/api/licences/types');
  const areas = useApi<{ code: string; name: Names }[]>('/api/people/scenic');
  const canManage = user.permissions.includes('citycode.manage');
  const [f, setF] = useState<{ zh: string; en: string; kind: Point['kind']; reveals: Point['reveals']; target?: string }>({
    zh: '',
    en: '',
    kind: 'counter',
    reveals: 'identity',
  });
  const [busy, setBusy] = useState(false);
  const targets =
    f.reveals === 'licence'
      ? (types.data ?? []).map((x) => ({ value: x.code, label: n(x.name) }))
      : f.reveals === 'booking'
        ? (areas.data ?? []).map((x) => ({ value: x.code, label: n(x.name) }))
        : [];
  const targetName = (p: Point) =>
    p.reveals === 'licence'
      ? n(types.data?.find((x) => x.code === p.target)?.name ?? { zh: p.target ?? '', en: p.target ?? '' })
      : p.reveals === 'booking'
        ? n(areas.data?.find((x) => x.code === p.target)?.name ?? { zh: p.target ?? '', en: p.target ?? '' })
        : '—';
  return (
    <Card title={t('nav.scanPoints')} data-testid="scan-points">
      <Typography.Paragraph type="secondary">{t('cc.intro')}</Typography.Paragraph>
      <Table
        rowKey="id"
        size="small"
        dataSource={points.data ?? []}
        loading={points.loading}
        pagination={false}
        columns={[
          { title: t('cc.name'), render: (_, p) => <span translate="no">{n(p.name)}</span> },
          { title: t('cc.kind'), render: (_, p) => t(`cc.kind.${p.kind}` as StringKey) },
          { title: t('cc.reveals'), render: (_, p) => <Tag>{t(`sa.reveals.${p.reveals}` as StringKey)}</Tag> },
          { title: t('cc.target'), render: (_, p) => targetName(p) },
        ]}
      />
      {canManage && (
        <Space wrap style={{ marginTop: 16 }} align="end">
          <Field>
            {t('cc.nameZh')}
            <Input value={f.zh} onChange={(e) => setF({ ...f, zh: e.target.value })} data-testid="point-zh" />
          </Field>
          <Field>
            {t('cc.nameEn')}
            <Input value={f.en} onChange={(e) => setF({ ...f, en: e.target.value })} />
          </Field>
          <Field>
            {t('cc.kind')}
            <Select
              style={{ width: 140 }}
              value={f.kind}
              onChange={(v) => setF({ ...f, kind: v })}
              options={KINDS.map((k) => ({ value: k, label: t(`cc.kind.${k}` as StringKey) }))}
            />
          </Field>
          <Field>
            {t('cc.reveals')}
            <Select
              style={{ width: 140 }}
              value={f.reveals}
              onChange={(v) => setF({ ...f, reveals: v, target: undefined })}
              options={REVEALS.map((k) => ({ value: k, label: t(`sa.reveals.${k}` as StringKey) }))}
            />
          </Field>
          {f.reveals !== 'identity' && (
            <Field>
              {t('cc.target')}
              <Select style={{ width: 220 }} value={f.target} onChange={(v) => setF({ ...f, target: v })} options={targets} />
            </Field>
          )}
          <Button
            type="primary"
            loading={busy}
            disabled={!f.zh.trim() || (f.reveals !== 'identity' && !f.target)}
            data-testid="point-add"
            onClick={async () => {
              setBusy(true);
              try {
                await api('POST', '/api/citycode/points', {
                  name: { zh: f.zh, en: f.en || f.zh },
                  kind: f.kind,
                  reveals: f.reveals,
                  ...(f.target ? { target: f.target } : {}),
                });
                setF({ zh: '', en: '', kind: 'counter', reveals: 'identity' });
                points.reload();
              } catch (e) {
                message.error(problemText(e));
              } finally {
                setBusy(false);
              }
            }}
          >
            {t('cc.add')}
          </Button>
        </Space>
      )}
      <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
        {t('cc.scanHint')} <a href="/app/scan">{t('sa.scanTitle')}</a>
      </Typography.Paragraph>
    </Card>
  );
}

interface Received {
  id: string;
  licences: string[];
  purpose: string;
  validUntil: number;
  createdAt: number;
  views: unknown[];
  holder: { name: string; synthetic: boolean };
}

interface Opened {
  holder: { name: string; subject: string; synthetic: boolean };
  purpose: string;
  licences: { number: string; typeName: string; issuer: string; validUntil: string | null; verdict: string }[];
}

export function LicenceSharesPage() {
  const { t, lang } = useI18n();
  const list = useApi<Received[]>('/api/licence-shares');
  const [open, setOpen] = useState<Opened | null>(null);
  const day = (ms: number) => new Date(ms).toLocaleDateString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai' });
  return (
    <Card title={t('nav.licenceShares')} data-testid="licence-shares">
      <Typography.Paragraph type="secondary">{t('cc.sharesIntro')}</Typography.Paragraph>
      <Table
        rowKey="id"
        size="small"
        dataSource={list.data ?? []}
        loading={list.loading}
        columns={[
          {
            title: t('verify.holder'),
            render: (_, s) => (
              <span translate="no">
                {s.holder.name}
                {s.holder.synthetic ? ` ${t('sa.synthetic')}` : ''}
              </span>
            ),
          },
          { title: t('sa.purpose'), dataIndex: 'purpose' },
          { title: t('cc.count'), render: (_, s) => s.licences.length },
          { title: t('sa.until'), render: (_, s) => day(s.validUntil) },
          {
            title: '',
            render: (_, s) => (
              <Button
                type="link"
                onClick={async () => {
                  try {
                    setOpen(await api<Opened>('GET', `/api/licence-shares/${s.id}`));
                  } catch (e) {
                    message.error(problemText(e));
                  }
                }}
              >
                {t('cc.open')}
              </Button>
            ),
          },
        ]}
      />
      <Drawer open={open !== null} onClose={() => setOpen(null)} width={520} title={t('nav.licenceShares')}>
        {open && (
          <>
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('verify.holder')}>
                <span translate="no">
                  {open.holder.name}（{open.holder.subject}）
                </span>
              </Descriptions.Item>
              <Descriptions.Item label={t('sa.purpose')}>{open.purpose}</Descriptions.Item>
            </Descriptions>
            {open.licences.map((l) => (
              <Card key={l.number} size="small" style={{ marginTop: 8 }} title={l.typeName}>
                <Descriptions column={1} size="small">
                  <Descriptions.Item label={t('verify.number')}>
                    <span translate="no">{l.number}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={t('verify.issuer')}>{l.issuer}</Descriptions.Item>
                  <Descriptions.Item label={t('cc.verdict')}>{t(`verify.verdict.${l.verdict}` as StringKey)}</Descriptions.Item>
                </Descriptions>
              </Card>
            ))}
            <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
              {t('sa.sharedLogged')}
            </Typography.Paragraph>
          </>
        )}
      </Drawer>
    </Card>
  );
}
