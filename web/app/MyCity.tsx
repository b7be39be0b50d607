/**
 * 我的城市: the person's timeline, inbox, the city's warnings for their district (with the switch
 * that sends them to the inbox), and who used their data (数据使用记录).
 */
import { List, Switch, Tabs, Tag } from 'antd-mobile';
import { useSearchParams } from 'react-router-dom';
import { api } from '../shared/api';
import { useApi } from '../shared/hooks';
import { type StringKey, useI18n } from '../shared/i18n';
import { type DataUse, type Notice, type TimelineItem, type Warning, when } from './people';
import { Page, useAccount } from './shell';

const KIND: Record<TimelineItem['kind'], StringKey> = {
  report: 'sa.kind.report',
  booking: 'sa.kind.booking',
  share: 'sa.kind.share',
  scan: 'sa.kind.scan',
  notification: 'sa.kind.notification',
  application: 'sa.kind.application',
  payment: 'sa.kind.payment',
  appointment: 'sa.kind.appointment',
};

function Timeline() {
  const { t, n, lang } = useI18n();
  const { as } = useAccount();
  const items = useApi<TimelineItem[]>(`/api/people/timeline${as ? `?as=${as}` : ''}`);
  return (
    <List data-testid="timeline">
      {(items.data ?? []).map((i) => (
        <List.Item
          key={`${i.kind}-${i.ref}-${i.at}`}
          description={`${when(i.at, lang)}${i.detail ? ` · ${n(i.detail)}` : ''}`}
          extra={<Tag>{t(KIND[i.kind])}</Tag>}
        >
          {n(i.title)}
        </List.Item>
      ))}
      {items.data?.length === 0 && <List.Item>{t('sa.nothingYet')}</List.Item>}
    </List>
  );
}

function Inbox() {
  const { t, n, lang } = useI18n();
  const items = useApi<Notice[]>('/api/people/notifications');
  return (
    <>
      <List data-testid="inbox">
        {(items.data ?? []).map((x) => (
          <List.Item
            key={x.id}
            description={`${when(x.at, lang)}${x.body ? ` · ${n(x.body)}` : ''}`}
            extra={x.read ? null : <Tag color="primary">{t('sa.unread')}</Tag>}
          >
            {n(x.title)}
          </List.Item>
        ))}
        {items.data?.length === 0 && <List.Item>{t('sa.nothingYet')}</List.Item>}
      </List>
      {(items.data ?? []).some((x) => !x.read) && (
        <button
          type="button"
          className="sa-link"
          onClick={async () => {
            await api('POST', '/api/people/notifications/read', { ids: 'all' });
            items.reload();
          }}
        >
          {t('sa.markAllRead')}
        </button>
      )}
    </>
  );
}

function Warnings() {
  const { t, n, lang } = useI18n();
  const { account, reload } = useAccount();
  const items = useApi<Warning[]>('/api/people/warnings');
  return (
    <>
      <List>
        <List.Item
          extra={
            <Switch
              checked={account.pushWarnings}
              onChange={async (v) => {
                await api('PATCH', '/api/people/me', { pushWarnings: v });
                reload();
              }}
              aria-label={t('sa.pushWarnings')}
              data-testid="push-warnings"
            />
          }
          description={t('sa.pushWarningsHint')}
        >
          {t('sa.pushWarnings')}
        </List.Item>
      </List>
      <List data-testid="warnings">
        {(items.data ?? []).map((w) => (
          <List.Item key={w.id} description={`${when(w.raisedAt, lang)} · ${n(w.advice)}`}>
            {n(w.title)}
            {w.simulated ? ` ${t('sa.simulated')}` : ''}
          </List.Item>
        ))}
        {items.data?.length === 0 && <List.Item>{t('sa.noWarnings')}</List.Item>}
      </List>
    </>
  );
}

function DataUsePanel() {
  const { t, n, lang } = useI18n();
  const { as } = useAccount();
  const items = useApi<DataUse[]>(`/api/people/data-use${as ? `?as=${as}` : ''}`);
  return (
    <>
      <p className="sa-fine">{t('sa.dataUseIntro')}</p>
      <List data-testid="data-use">
        {(items.data ?? []).map((d, i) => (
          <List.Item
            // biome-ignore lint/suspicious/noArrayIndexKey: entries have no id; the list is read once
            key={i}
            description={`${when(d.at, lang)} · ${t('sa.purpose')}：${d.purpose ?? '—'} · ${t('sa.items')}：${[...d.clearNames.map((x) => n(x)), ...d.maskedNames.map((x) => `${n(x)}*`)].join(lang === 'zh' ? '、' : ', ')}`}
          >
            {n(d.consumerName)} ← {n(d.providerName)}
          </List.Item>
        ))}
        {items.data?.length === 0 && <List.Item>{t('sa.noDataUse')}</List.Item>}
      </List>
    </>
  );
}

export function MyCityPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'timeline';
  return (
    <Page title={t('app.city')} testId="mycity-page">
      <section className="sa-card">
        <Tabs activeKey={tab} onChange={(k) => setParams({ tab: k }, { replace: true })}>
          <Tabs.Tab title={t('sa.timeline')} key="timeline">
            <Timeline />
          </Tabs.Tab>
          <Tabs.Tab title={t('sa.inbox')} key="inbox">
            <Inbox />
          </Tabs.Tab>
          <Tabs.Tab title={t('sa.svc.warnings')} key="warnings">
            <Warnings />
          </Tabs.Tab>
          <Tabs.Tab title={t('sa.svc.dataUse')} key="data">
            <DataUsePanel />
          </Tabs.Tab>
        </Tabs>
      </section>
    </Page>
  );
}
