/**
 * One click to command on the wall (一键决策): an alert's evidence and what the system proposes
 * (plan and level); a duty officer or leader activates it in one click, and the incident's tasks
 * by department follow live.
 */
import { useEffect, useRef, useState } from 'react';
import { api, type Me, problemText } from '../shared/api';
import { useApi, useCoalesced, useLive } from '../shared/hooks';
import { type StringKey, useI18n } from '../shared/i18n';
import { useAttributeNamer } from '../shared/labels';
import type { AlertDetail } from '../../modules/warning/index.js';

type Label = { zh: string; en: string };
export const LEVEL_ROMAN = ['', 'Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ'];

interface Proposal {
  subkind: string | null;
  planId: string | null;
  planTitle: Label | null;
  level: number;
  incidentId: string | null;
}
interface Board {
  incident: { id: string; title: string; level: number | null; status: string };
  tasks: { id: string; unit: string; state: string; overdue: boolean }[];
}

const TASK_STATES = ['dispatched', 'accepted', 'completed'] as const;

export function CommandDialog({ alertId, user, onClose }: { alertId: string; user: Me; onClose: () => void }) {
  const { t, n, lang } = useI18n();
  const alert = useApi<AlertDetail>(`/api/alerts/${encodeURIComponent(alertId)}`);
  const proposal = useApi<Proposal>(`/api/command/alerts/${encodeURIComponent(alertId)}/proposal`);
  const [incidentId, setIncidentId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const shown = incidentId ?? proposal.data?.incidentId ?? null;
  const board = useApi<Board>(shown ? `/api/command/incidents/${shown}` : null);
  const departments = useApi<{ code: string; name: Label }[]>('/api/departments').data;
  const unitName = (code: string) => {
    if (code === '$district') return t('brain.districtGov');
    const d = departments?.find((x) => x.code === code);
    return d ? n(d.name) : code;
  };
  const reloadBoard = useCoalesced(board.reload, 300);
  useLive('incidents', (m) => {
    if (m.kind === 'incident' && shown && (m.id === shown || m.incidentId === shown)) reloadBoard();
  });
  const closeRef = useRef<HTMLButtonElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    closeRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const mayDecide = user.permissions.includes('command.decide');
  const p = proposal.data;
  const attrName = useAttributeNamer();
  // A Ⅱ or Ⅰ response mobilises the city: it is launched after a confirmation naming the plan, the
  // level and the units that will receive tasks.
  const [confirming, setConfirming] = useState(false);
  const plan = useApi<{ levels: { level: number; lead: string; units: { unit: string }[] }[] }>(
    confirming && p?.planId ? `/api/command/plans/${encodeURIComponent(p.planId)}` : null,
  );
  const launchUnits = plan.data?.levels.find((l) => l.level === p?.level)?.units.map((u) => u.unit) ?? [];
  const activate = async () => {
    if (!p?.planId) return;
    if (p.level <= 2 && !confirming) {
      setConfirming(true);
      return;
    }
    setConfirming(false);
    setBusy(true);
    setError(null);
    try {
      const id = p.incidentId ?? (await api<{ id: string }>('POST', '/api/command/incidents', { fromAlert: alertId })).id;
      const current = await api<Board>('GET', `/api/command/incidents/${id}`);
      if (current.incident.status === 'open') await api('POST', `/api/command/incidents/${id}/activate`, { planId: p.planId, level: p.level });
      setIncidentId(id);
    } catch (e) {
      setError(problemText(e));
    } finally {
      setBusy(false);
    }
  };
  const a = alert.data;
  const units = board.data ? [...new Set(board.data.tasks.map((x) => x.unit))] : [];
  return (
    <div className="brain-dialog-backdrop">
      <div className="brain-dialog" role="dialog" aria-modal="true" aria-label={t('brain.command')} data-testid="wall-command">
        <div className="brain-dialog-head">
          <h2 translate="no">{a ? n(a.title) : '…'}</h2>
          <button type="button" ref={closeRef} onClick={onClose} aria-label={t('brain.close')}>
            ✕
          </button>
        </div>
        {a && (
          <div className="brain-evidence" data-testid="wall-evidence">
            <span className="brain-level" style={{ background: a.colour, color: a.level === 3 ? '#222' : '#fff', padding: '2px 8px' }}>
              {n(a.levelLabel)}
            </span>{' '}
            {new Date(a.raisedAt).toLocaleString('zh-CN', { hour12: false })}
            <ul>
              {(a.evidence?.latest.conditions ?? []).map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the evidence list is fixed for a render
                <li key={i}>
                  {c.attr ? attrName(null, c.attr, c.value !== undefined ? String(c.value) : undefined) : c.kind}
                  {c.threshold !== undefined ? `（${t('brain.threshold')} ${c.threshold}）` : ''}
                </li>
              ))}
            </ul>
          </div>
        )}
        {!shown && p && (
          <div className="brain-proposal" data-testid="wall-proposal">
            {p.planId ? (
              <>
                <div>
                  {t('brain.proposed')}：<b>{p.planTitle ? n(p.planTitle) : p.planId}</b> · <b>{LEVEL_ROMAN[p.level]}</b> {t('brain.levelResponse')}
                </div>
                <button type="button" className="brain-activate" disabled={!mayDecide || busy} onClick={activate} data-testid="wall-activate">
                  {t('brain.activate')}
                </button>
                {!mayDecide && <div className="brain-note">{t('brain.onlyDuty')}</div>}
                {confirming && (
                  <div className="brain-confirm" role="alertdialog" aria-label={t('brain.confirmTitle')} data-testid="wall-confirm">
                    <p>
                      {t('brain.confirmLaunch')}《{p.planTitle ? n(p.planTitle) : p.planId}》<b>{LEVEL_ROMAN[p.level]}</b> {t('brain.levelResponse')}
                    </p>
                    <p>
                      {t('brain.confirmUnits')}
                      {launchUnits.length ? launchUnits.map(unitName).join(lang === 'zh' ? '、' : ', ') : '…'}
                    </p>
                    <button type="button" className="brain-activate" disabled={busy || !plan.data} onClick={activate} data-testid="wall-confirm-launch">
                      {t('brain.confirmYes')}
                    </button>{' '}
                    <button type="button" onClick={() => setConfirming(false)}>
                      {t('brain.confirmNo')}
                    </button>
                  </div>
                )}
              </>
            ) : (
              <div className="brain-note">{t('brain.noPlan')}</div>
            )}
          </div>
        )}
        {error && (
          <div className="brain-error" role="alert">
            {error}
          </div>
        )}
        {board.data && (
          <div data-testid="wall-board">
            <h3>
              {board.data.incident.title}
              {board.data.incident.level ? ` · ${LEVEL_ROMAN[board.data.incident.level]} ${t('brain.levelResponse')}` : ''}
            </h3>
            <table className="brain-tasks">
              <thead>
                <tr>
                  <th>{t('brain.unit')}</th>
                  {TASK_STATES.map((st) => (
                    <th key={st}>{t(`cmd.task.${st}` as StringKey)}</th>
                  ))}
                  <th>{t('brain.overdue')}</th>
                </tr>
              </thead>
              <tbody>
                {units.map((u) => {
                  const mine = board.data!.tasks.filter((x) => x.unit === u);
                  return (
                    <tr key={u} data-unit={u}>
                      <td>{unitName(u)}</td>
                      {TASK_STATES.map((st) => (
                        <td key={st} data-state={st}>
                          {mine.filter((x) => x.state === st).length}
                        </td>
                      ))}
                      <td className={mine.some((x) => x.overdue) ? 'bad' : ''}>{mine.filter((x) => x.overdue).length}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <a className="brain-link" href={`/console/incidents/${board.data.incident.id}`}>
              {t('brain.openBoard')}
            </a>
          </div>
        )}
      </div>
    </div>
  );
}
