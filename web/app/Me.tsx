/**
 * 我的: the account (masked, and marked synthetic for the demo's), the elder-friendly mode, the
 * language, the sessions and devices signed in (each can be ended), the enterprise's agents
 * (经办人: authorise and revoke) or the enterprises a resident acts for, and signing out.
 */
import { Button, Form, Input, List, Selector, Switch, Tag } from 'antd-mobile';
import { useState } from 'react';
import { api, problemText } from '../shared/api';
import { LangSwitch } from '../shared/auth';
import { useApi } from '../shared/hooks';
import { type StringKey, useI18n } from '../shared/i18n';
import { cityDay, when } from './people';
import { Page, Synthetic, useAccount } from './shell';

const SCOPES = ['licences', 'reports', 'bookings', 'applications', 'data'] as const;

interface Agent {
  id: string;
  agent: { name: string; idNumber: string };
  scopes: string[];
  expiresAt: number;
  status: 'active' | 'revoked' | 'expired';
}

function Agents() {
  const { t, lang } = useI18n();
  const list = useApi<Agent[]>('/api/people/agents');
  const [f, setF] = useState({ idNumber: '', name: '', scopes: ['licences'] as string[], expiresOn: cityDay(90) });
  const [err, setErr] = useState<string | null>(null);
  return (
    <section className="sa-card" id="agents" data-testid="agents">
      <h2>{t('sa.agents')}</h2>
      <List>
        {(list.data ?? []).map((a) => (
          <List.Item
            key={a.id}
            description={`${a.scopes.map((s) => t(`sa.scope.${s}` as StringKey)).join('、')} · ${t('sa.until')} ${when(a.expiresAt, lang)}`}
            extra={
              a.status === 'active' ? (
                <Button
                  size="mini"
                  color="danger"
                  fill="outline"
                  onClick={async () => {
                    await api('DELETE', `/api/people/agents/${a.id}`);
                    list.reload();
                  }}
                >
                  {t('sa.revoke')}
                </Button>
              ) : (
                <Tag>{t(`sa.share.${a.status}` as StringKey)}</Tag>
              )
            }
          >
            <span translate="no">
              {a.agent.name}（{a.agent.idNumber}）
            </span>
          </List.Item>
        ))}
      </List>
      <Form
        layout="vertical"
        onFinish={async () => {
          setErr(null);
          try {
            await api('POST', '/api/people/agents', f);
            setF({ ...f, idNumber: '', name: '' });
            list.reload();
          } catch (e) {
            setErr(problemText(e));
          }
        }}
        footer={
          <Button block type="submit" color="primary" data-testid="agent-submit">
            {t('sa.authorise')}
          </Button>
        }
      >
        <Form.Item label={t('sa.agentId')}>
          <Input value={f.idNumber} onChange={(v) => setF({ ...f, idNumber: v })} maxLength={18} aria-label={t('sa.agentId')} data-testid="agent-id" />
        </Form.Item>
        <Form.Item label={t('sa.agentName')}>
          <Input value={f.name} onChange={(v) => setF({ ...f, name: v })} aria-label={t('sa.agentName')} data-testid="agent-name" />
        </Form.Item>
        <Form.Item label={t('sa.scopes')}>
          <Selector
            multiple
            options={SCOPES.map((s) => ({ label: t(`sa.scope.${s}` as StringKey), value: s }))}
            value={f.scopes}
            onChange={(v) => setF({ ...f, scopes: v })}
          />
        </Form.Item>
        <Form.Item label={t('sa.until')}>
          <input
            className="sa-select"
            type="date"
            value={f.expiresOn}
            min={cityDay(1)}
            max={cityDay(365)}
            onChange={(e) => setF({ ...f, expiresOn: e.target.value })}
            aria-label={t('sa.until')}
          />
        </Form.Item>
        {err && (
          <div className="sa-error" role="alert">
            {err}
          </div>
        )}
      </Form>
    </section>
  );
}

interface Session {
  id: string;
  current: boolean;
  createdAt: number;
  lastSeenAt: number;
  ip: string | null;
  userAgent: string | null;
}

function device(ua: string | null): string {
  if (!ua) return '—';
  const m = /(Android|iPhone|iPad|Windows|Macintosh|Linux)/.exec(ua);
  const b = /(Edg|Chrome|Chromium|Firefox|Safari)\/[\d.]+/.exec(ua);
  return [m?.[1], b?.[1]].filter(Boolean).join(' · ') || ua.slice(0, 40);
}

export function MePage() {
  const { t, n, lang } = useI18n();
  const { account, reload, signOut, as, setAs } = useAccount();
  const sessions = useApi<Session[]>('/api/auth/sessions');
  return (
    <Page title={t('sa.tab.me')} testId="me-page">
      <section className="sa-card">
        <h2 translate="no">
          {account.name} <Synthetic on={account.synthetic} />
        </h2>
        <List>
          <List.Item extra={<span translate="no">{account.subject}</span>}>{t(account.kind === 'resident' ? 'sa.idNumber' : 'sa.creditCode')}</List.Item>
          <List.Item extra={<span translate="no">{account.phone}</span>}>{t('sa.phone')}</List.Item>
          {account.legalRepresentative && <List.Item extra={<span translate="no">{account.legalRepresentative}</span>}>{t('sa.repName')}</List.Item>}
          <List.Item extra={when(account.verifiedAt, lang)}>{t('sa.verified')}</List.Item>
        </List>
      </section>
      <section className="sa-card">
        <List>
          <List.Item
            description={t('sa.elderHint')}
            extra={
              <Switch
                checked={account.elderMode}
                onChange={async (v) => {
                  await api('PATCH', '/api/people/me', { elderMode: v });
                  reload();
                }}
                aria-label={t('sa.elder')}
                data-testid="elder-switch"
              />
            }
          >
            {t('sa.elder')}
          </List.Item>
          <List.Item extra={<LangSwitch />}>{t('sa.language')}</List.Item>
        </List>
      </section>
      {account.actsFor.length > 0 && (
        <section className="sa-card">
          <h2>{t('sa.actsFor')}</h2>
          <Selector
            options={[{ label: n({ zh: '本人', en: 'Myself' }), value: '' }, ...account.actsFor.map((e) => ({ label: e.name, value: e.creditCode }))]}
            value={[as ?? '']}
            onChange={(v) => setAs(v[0] || undefined)}
          />
          <p className="sa-fine">{t('sa.actsForHint')}</p>
        </section>
      )}
      {account.kind === 'enterprise' && <Agents />}
      <section className="sa-card">
        <h2>{t('sa.sessions')}</h2>
        <List data-testid="sessions">
          {(sessions.data ?? []).map((s) => (
            <List.Item
              key={s.id}
              description={`${t('sa.lastSeen')} ${when(s.lastSeenAt, lang)}${s.ip ? ` · ${s.ip}` : ''}`}
              extra={
                s.current ? (
                  <Tag color="primary">{t('sa.thisDevice')}</Tag>
                ) : (
                  <Button
                    size="mini"
                    fill="outline"
                    onClick={async () => {
                      await api('DELETE', `/api/auth/sessions/${s.id}`);
                      sessions.reload();
                    }}
                  >
                    {t('sa.endSession')}
                  </Button>
                )
              }
            >
              <span translate="no">{device(s.userAgent)}</span>
            </List.Item>
          ))}
        </List>
      </section>
      <section className="sa-card">
        <Button block color="danger" fill="outline" onClick={signOut} data-testid="sign-out">
          {t('logout')}
        </Button>
      </section>
    </Page>
  );
}
