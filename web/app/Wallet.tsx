/**
 * 证照夹: the holder's licences with their QR codes (signed documents anyone verifies), sharing
 * them with consent (to a department or a business, for a purpose, until a day) and the shares
 * made, with who viewed them, revocable.
 */
import { Button, Form, Input, List, Popup, Selector, Tag } from 'antd-mobile';
import { useMemo, useState } from 'react';
import { api, problemText } from '../shared/api';
import { useApi } from '../shared/hooks';
import { type StringKey, useI18n } from '../shared/i18n';
import { QrCode } from '../shared/qr';
import { type Share, type WalletLicence, cityDay, when } from './people';
import { Page, Synthetic, useAccount } from './shell';

const VERDICT_COLOR: Record<string, string> = { valid: 'success', expired: 'warning', not_yet_valid: 'warning', suspended: 'warning', revoked: 'danger' };

function ShareForm({ licence, onDone }: { licence: WalletLicence; onDone: (s: Share) => void }) {
  const { t, n } = useI18n();
  const { as } = useAccount();
  const departments = useApi<{ code: string; name: { zh: string; en: string } }[]>('/api/departments');
  const [kind, setKind] = useState<'department' | 'business'>('department');
  const [dept, setDept] = useState('');
  const [business, setBusiness] = useState('');
  const [creditCode, setCreditCode] = useState('');
  const [purpose, setPurpose] = useState('');
  const [until, setUntil] = useState(cityDay(30));
  const [err, setErr] = useState<string | null>(null);
  const deptOptions = useMemo(
    () => (departments.data ?? []).filter((d) => !d.code.includes('-')).map((d) => ({ label: n(d.name), value: d.code })),
    [departments.data, n],
  );
  return (
    <Form
      layout="vertical"
      onFinish={async () => {
        setErr(null);
        try {
          const s = await api<Share>('POST', `/api/people/wallet/shares${as ? `?as=${as}` : ''}`, {
            licences: [licence.number],
            grantee: kind === 'department' ? { kind, code: dept } : { kind, name: business, ...(creditCode ? { creditCode } : {}) },
            purpose,
            validUntil: until,
          });
          onDone(s);
        } catch (e) {
          setErr(problemText(e));
        }
      }}
      footer={
        <Button block type="submit" color="primary" data-testid="share-submit">
          {t('sa.shareConsent')}
        </Button>
      }
    >
      <Form.Item label={t('sa.shareTo')}>
        <Selector
          options={[
            { label: t('sa.toDepartment'), value: 'department' },
            { label: t('sa.toBusiness'), value: 'business' },
          ]}
          value={[kind]}
          onChange={(v) => v[0] && setKind(v[0] as typeof kind)}
        />
      </Form.Item>
      {kind === 'department' ? (
        <Form.Item label={t('sa.department')}>
          <select className="sa-select" value={dept} onChange={(e) => setDept(e.target.value)} aria-label={t('sa.department')} data-testid="share-department">
            <option value="">—</option>
            {deptOptions.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </Form.Item>
      ) : (
        <>
          <Form.Item label={t('sa.businessName')}>
            <Input value={business} onChange={setBusiness} aria-label={t('sa.businessName')} data-testid="share-business" />
          </Form.Item>
          <Form.Item label={t('sa.creditCodeOptional')}>
            <Input value={creditCode} onChange={setCreditCode} maxLength={18} aria-label={t('sa.creditCodeOptional')} />
          </Form.Item>
        </>
      )}
      <Form.Item label={t('sa.purpose')}>
        <Input value={purpose} onChange={setPurpose} maxLength={200} aria-label={t('sa.purpose')} data-testid="share-purpose" />
      </Form.Item>
      <Form.Item label={t('sa.until')}>
        <input
          className="sa-select"
          type="date"
          value={until}
          min={cityDay(1)}
          max={cityDay(366)}
          onChange={(e) => setUntil(e.target.value)}
          aria-label={t('sa.until')}
        />
      </Form.Item>
      {err && (
        <div className="sa-error" role="alert">
          {err}
        </div>
      )}
      <p className="sa-fine">{t('sa.shareNote')}</p>
    </Form>
  );
}

export function WalletPage() {
  const { t, n, lang } = useI18n();
  const { as } = useAccount();
  const q = as ? `?as=${as}` : '';
  const wallet = useApi<{ holder: { name: string; synthetic: boolean }; licences: WalletLicence[] }>(`/api/people/wallet${q}`);
  const shares = useApi<Share[]>(`/api/people/wallet/shares${q}`);
  const [open, setOpen] = useState<WalletLicence | null>(null);
  const [sharing, setSharing] = useState(false);
  const [made, setMade] = useState<Share | null>(null);
  return (
    <Page title={t('sa.tab.wallet')} testId="wallet-page">
      <section className="sa-card">
        <h2>
          {t('sa.myLicences')} <Synthetic on={wallet.data?.holder.synthetic ?? false} />
        </h2>
        <List>
          {(wallet.data?.licences ?? []).map((l) => (
            <List.Item
              key={l.number}
              onClick={() => {
                setOpen(l);
                setSharing(false);
                setMade(null);
              }}
              description={`${l.issuer} · ${l.validUntil ? `${t('sa.validUntil')} ${l.validUntil}` : t('verify.noExpiry')}`}
              extra={<Tag color={VERDICT_COLOR[l.verdict] ?? 'default'}>{t(`verify.verdict.${l.verdict}` as StringKey)}</Tag>}
              data-testid={`licence-${l.type}`}
            >
              {l.typeName}
            </List.Item>
          ))}
        </List>
        {wallet.data?.licences.length === 0 && <p className="sa-fine">{t('sa.noLicences')}</p>}
      </section>
      <section className="sa-card">
        <h2>{t('sa.myShares')}</h2>
        <List>
          {(shares.data ?? []).map((s) => (
            <List.Item
              key={s.id}
              description={`${s.purpose} · ${t('sa.until')} ${when(s.validUntil, lang)} · ${t('sa.views')} ${s.views.length}`}
              extra={
                s.status === 'active' ? (
                  <Button
                    size="mini"
                    color="danger"
                    fill="outline"
                    data-testid={`revoke-${s.id}`}
                    onClick={async () => {
                      await api('DELETE', `/api/people/wallet/shares/${s.id}${q}`);
                      shares.reload();
                    }}
                  >
                    {t('sa.revoke')}
                  </Button>
                ) : (
                  <Tag>{t(`sa.share.${s.status}` as StringKey)}</Tag>
                )
              }
              data-testid="share-row"
            >
              {s.grantee.name}
            </List.Item>
          ))}
        </List>
        {shares.data?.length === 0 && <p className="sa-fine">{t('sa.noShares')}</p>}
      </section>
      <Popup visible={open !== null} onMaskClick={() => setOpen(null)} bodyStyle={{ maxHeight: '90vh', overflowY: 'auto', padding: 16 }} destroyOnClose>
        {open && (
          <div data-testid="licence-detail">
            <h2>{open.typeName}</h2>
            <dl className="verify-facts">
              <dt>{t('verify.number')}</dt>
              <dd translate="no">{open.number}</dd>
              <dt>{t('verify.holder')}</dt>
              <dd translate="no">{open.holder.name}</dd>
              <dt>{t('verify.issuer')}</dt>
              <dd>{open.issuer}</dd>
              {Object.entries(open.fields).map(([k, v]) => (
                <span key={k} style={{ display: 'contents' }}>
                  <dt>{open.labels[k] ? n(open.labels[k]) : k}</dt>
                  <dd>{String(v)}</dd>
                </span>
              ))}
            </dl>
            {!sharing && !made && (
              <>
                <div className="sa-center">
                  <QrCode text={open.document} size={240} label={open.typeName} />
                  <p className="sa-fine">{t('sa.licenceQrNote')}</p>
                </div>
                {open.verdict === 'valid' && (
                  <Button block color="primary" onClick={() => setSharing(true)} data-testid="share-open">
                    {t('sa.share')}
                  </Button>
                )}
              </>
            )}
            {sharing && !made && (
              <ShareForm
                licence={open}
                onDone={(s) => {
                  setMade(s);
                  setSharing(false);
                  shares.reload();
                }}
              />
            )}
            {made?.link && (
              <div className="sa-center" data-testid="share-made">
                <p>{t('sa.shareMade')}</p>
                <QrCode text={`${window.location.origin}${made.link}`} size={220} label={t('sa.shareLink')} />
                <Input readOnly value={`${window.location.origin}${made.link}`} aria-label={t('sa.shareLink')} data-testid="share-link" />
              </div>
            )}
          </div>
        )}
      </Popup>
    </Page>
  );
}
