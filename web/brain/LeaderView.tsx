/**
 * The leaders' view (领导视图) at /brain/leader: a page for a laptop or a tablet with today's
 * situation, what needs a decision, and the responses under way. Same data as the wall, same live
 * updates.
 */
import type { Me } from '../shared/api';
import { SessionButtons } from '../shared/auth';
import { useApi, useCoalesced, useLive } from '../shared/hooks';
import { useI18n } from '../shared/i18n';
import { LEVEL_ROMAN } from './CommandDialog';
import { unitIn } from '../shared/labels';
import type { AlertView } from '../../modules/warning/index.js';

type Label = { zh: string; en: string };

interface IndicatorItem {
  id: string;
  name: Label;
  unit?: string;
  current: { value: number | null; status: 'green' | 'yellow' | 'red' | null } | null;
}
type AlertRow = AlertView;
interface IncidentRow {
  id: string;
  title: string;
  level: number | null;
  severity: number;
  status: string;
  createdAt: number;
  progress: { tasks: number; completed: number; overdue: number };
}

// Status colours for text on the panels, each at least 4.5:1 against them (WCAG AA; docs/brain.md).
const STATUS_COLOUR = { green: '#3ccf7a', yellow: '#f5c000', red: '#ff6b6b' } as const;

export function LeaderView({ user, signOut }: { user: Me; signOut: () => void }) {
  const { t, n, lang } = useI18n();
  const indicators = useApi<{ items: IndicatorItem[] }>('/api/brain/indicators');
  // One definition per figure, the same query as the list beside it: not yet acknowledged (status
  // raised), level Ⅰ or Ⅱ, open; the count is the query's total, the list its newest 50.
  const severe = useApi<{ items: AlertRow[]; total: number }>('/api/alerts?open=true&status=raised&level=1,2&limit=50');
  const awaiting = useApi<IncidentRow[]>('/api/command/incidents?drill=false&status=open&limit=50');
  const responding = useApi<IncidentRow[]>('/api/command/incidents?drill=false&status=responding&limit=50');
  const reload = useCoalesced(() => {
    severe.reload();
    awaiting.reload();
    responding.reload();
    indicators.reload();
  }, 1000);
  useLive('alerts,incidents', reload, reload);
  const items = indicators.data?.items ?? [];
  const notable = items.filter((i) => i.current?.status === 'red' || i.current?.status === 'yellow');
  const unacknowledged = severe.data?.items ?? [];
  const unacknowledgedTotal = severe.data?.total ?? unacknowledged.length;
  const overdue = (responding.data ?? []).reduce((a, i) => a + i.progress.overdue, 0);
  const time = (ms: number) => new Date(ms).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en', { hour12: false, hour: '2-digit', minute: '2-digit' });
  return (
    <div className="leader" data-testid="leader-view">
      <header className="leader-header">
        <h1>{t('brain.leader')}</h1>
        <div className="leader-tools">
          <span translate="no">{user.displayName ?? user.name}</span>
          <a href="/brain">{t('brain.wall')}</a>
          <SessionButtons signOut={signOut} />
        </div>
      </header>
      <section className="leader-figures" aria-label={t('brain.today')}>
        <div>
          <b data-testid="leader-awaiting">{awaiting.data?.length ?? '—'}</b>
          <span>{t('brain.awaitingDecision')}</span>
          <small>{t('brain.awaitingDecisionMeans')}</small>
        </div>
        <div>
          <b data-testid="leader-responding">{responding.data?.length ?? '—'}</b>
          <span>{t('brain.responding')}</span>
          <small>{t('brain.respondingMeans')}</small>
        </div>
        <div>
          <b data-testid="leader-severe">{unacknowledgedTotal}</b>
          <span>{t('brain.severeUnacknowledged')}</span>
          <small>{t('brain.severeUnacknowledgedMeans')}</small>
        </div>
        <div>
          <b className={overdue ? 'bad' : ''} data-testid="leader-overdue">
            {overdue}
          </b>
          <span>{t('brain.tasksOverdue')}</span>
          <small>{t('brain.tasksOverdueMeans')}</small>
        </div>
      </section>
      <section className="leader-card" data-testid="leader-decisions">
        <h2>{t('brain.needsDecision')}</h2>
        {(awaiting.data ?? []).length === 0 && unacknowledged.length === 0 && <p className="leader-none">{t('brain.nothingPending')}</p>}
        {(awaiting.data ?? []).length > 0 && (
          <h3>
            {t('brain.awaitingDecision')}（<span data-testid="leader-awaiting-listed">{awaiting.data!.length}</span>）
          </h3>
        )}
        <ul data-testid="leader-awaiting-list">
          {(awaiting.data ?? []).map((i) => (
            <li key={i.id}>
              <span className="leader-tag">{t('brain.incident')}</span>
              <a href={`/console/incidents/${i.id}`} translate="no">
                {i.title}
              </a>
              <span className="leader-time">{time(i.createdAt)}</span>
            </li>
          ))}
        </ul>
        {unacknowledged.length > 0 && (
          <h3>
            {t('brain.severeUnacknowledged')}（<span data-testid="leader-severe-listed">{unacknowledgedTotal}</span>）
          </h3>
        )}
        <ul data-testid="leader-severe-list">
          {unacknowledged.map((a) => (
            <li key={a.id}>
              <span className="leader-tag" style={{ background: a.colour }}>
                {LEVEL_ROMAN[a.level]}
              </span>
              <a href="/brain" translate="no">
                {n(a.title)}
              </a>
              <span className="leader-time">{time(a.raisedAt)}</span>
            </li>
          ))}
        </ul>
      </section>
      <section className="leader-card" data-testid="leader-responses">
        <h2>{t('brain.incidents')}</h2>
        <ul>
          {(responding.data ?? []).map((i) => (
            <li key={i.id}>
              <span className="leader-tag">{i.level ? LEVEL_ROMAN[i.level] : '—'}</span>
              <a href={`/console/incidents/${i.id}`} translate="no">
                {i.title}
              </a>
              <span className="leader-progress" title={`${i.progress.completed}/${i.progress.tasks}`}>
                <span style={{ width: `${i.progress.tasks ? (100 * i.progress.completed) / i.progress.tasks : 0}%` }} />
              </span>
              <span className={i.progress.overdue ? 'leader-time bad' : 'leader-time'}>
                {i.progress.completed}/{i.progress.tasks}
              </span>
            </li>
          ))}
        </ul>
      </section>
      <section className="leader-card" data-testid="leader-indicators">
        <h2>{t('brain.today')}</h2>
        {notable.length === 0 && <p className="leader-none">{t('brain.allNormal')}</p>}
        <ul>
          {notable.map((i) => (
            <li key={i.id}>
              <span className="leader-dot" style={{ background: STATUS_COLOUR[i.current!.status!] }} />
              <span>{n(i.name)}</span>
              <b>
                {i.current!.value} {unitIn(i.unit, lang)}
              </b>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
