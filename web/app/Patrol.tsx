/**
 * Reporting city problems from a phone (`/app/report`): an inspector's patrol pages (上报,
 * 核查任务, 我的网格) and, for residents, 随手拍 with their own reports. A report takes the
 * category, a photo from the camera, the phone's position (WGS-84, placed in its unit grid by the
 * server) and a description; an inspector verifies the cases given to them on site.
 */
import { type ReactNode, useState } from 'react';
import type { Classification } from '../../modules/urban/index';
import { api, type Me, problemText } from '../shared/api';
import { useApi } from '../shared/hooks';
import { type StringKey, useI18n } from '../shared/i18n';
import { useOnce } from '../shared/labels';
import { AuthImage, type Uploaded, uploadFiles } from '../shared/photos';

type Text = { zh: string; en: string };
interface CaseItem {
  id: string;
  state: string;
  stateLabel: Text;
  subcategoryName: Text;
  address: string | null;
  description: string;
  grid: string;
  photos: { id: string; name: string; url: string }[];
  resultPhotos: { id: string; name: string; url: string }[];
  dueAt: number | null;
  rev: number;
  rating: number | null;
}
interface Place {
  lon: number;
  lat: number;
  grid: string | null;
}
type Geometry = { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] };

function Report({ onReported }: { onReported: () => void }) {
  const { t, n } = useI18n();
  const cls = useOnce<Classification>('/api/urban/classification');
  const [code, setCode] = useState('');
  const [urgent, setUrgent] = useState(false);
  const [description, setDescription] = useState('');
  const [address, setAddress] = useState('');
  const [photos, setPhotos] = useState<Uploaded[]>([]);
  const [place, setPlace] = useState<Place | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string; code?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const majors = new Map<string, { name: Text; items: { code: string; name: Text }[] }>();
  for (const s of cls?.subcategories ?? []) {
    if (s.retired) continue;
    const m = majors.get(s.major.code) ?? {
      name: { zh: `${s.kind === 'component' ? '部件' : '事件'} · ${s.major.zh}`, en: `${s.kind === 'component' ? 'Component' : 'Event'} · ${s.major.en}` },
      items: [],
    };
    m.items.push({ code: s.code, name: s.name });
    majors.set(s.major.code, m);
  }
  const locate = () => {
    setNote(null);
    if (!navigator.geolocation) {
      setNote({ ok: false, text: t('um.app.noLocation') });
      return;
    }
    navigator.geolocation.getCurrentPosition(
      async (pos) => {
        const lon = Number(pos.coords.longitude.toFixed(6));
        const lat = Number(pos.coords.latitude.toFixed(6));
        try {
          const g = await api<{ code: string }>('GET', `/api/urban/grids/at?lon=${lon}&lat=${lat}&datum=WGS-84`);
          setPlace({ lon, lat, grid: g.code });
        } catch {
          setPlace({ lon, lat, grid: null });
        }
      },
      () => setNote({ ok: false, text: t('um.app.noLocation') }),
      { enableHighAccuracy: true, timeout: 15_000 },
    );
  };
  const add = async (list: FileList | null) => {
    const up = await uploadFiles(list, (text) => setNote({ ok: false, text }), t('um.photoTooLarge'));
    setPhotos((p) => [...p, ...up]);
  };
  const submit = async () => {
    if (!place) return;
    setBusy(true);
    setNote(null);
    try {
      const c = await api<{ id: string }>('POST', '/api/urban/cases', {
        subcategory: code,
        urgent,
        location: { lon: place.lon, lat: place.lat, datum: 'WGS-84' },
        description: description.trim(),
        ...(address.trim() ? { address: address.trim() } : {}),
        photos: photos.map((p) => p.id),
      });
      setNote({ ok: true, text: t('um.app.reported'), code: c.id.slice(-8) });
      setDescription('');
      setAddress('');
      setPhotos([]);
      setUrgent(false);
      onReported();
    } catch (e) {
      setNote({ ok: false, text: problemText(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="verify-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label>
        {t('um.col.category')}
        <select value={code} onChange={(e) => setCode(e.target.value)} required data-testid="report-category">
          <option value="">{t('um.app.pick')}</option>
          {[...majors.entries()].map(([k, m]) => (
            <optgroup key={k} label={n(m.name)}>
              {m.items.map((s) => (
                <option key={s.code} value={s.code}>
                  {n(s.name)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      <label>
        {t('um.app.photo')}
        <input
          type="file"
          accept="image/jpeg,image/png,image/webp"
          capture="environment"
          multiple
          onChange={(e) => add(e.target.files)}
          data-testid="report-photo"
        />
      </label>
      {photos.length > 0 && (
        <div className="patrol-photos">
          {photos.map((p) => (
            <AuthImage key={p.id} url={p.url} alt={p.name} size={72} />
          ))}
        </div>
      )}
      <div className="verify-actions">
        <button type="button" className="verify-btn secondary" onClick={locate} data-testid="report-locate">
          {t('um.app.locate')}
        </button>
        {place && (
          <span className="patrol-place" translate="no" data-testid="report-place">
            {place.lon}, {place.lat} · {place.grid ?? t('um.app.noGrid')}
          </span>
        )}
      </div>
      <label>
        {t('um.col.place')}
        <input value={address} onChange={(e) => setAddress(e.target.value)} maxLength={200} placeholder={t('um.app.addressHint')} />
      </label>
      <label>
        {t('um.col.description')}
        <textarea rows={3} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} required data-testid="report-description" />
      </label>
      <label className="patrol-check">
        <input type="checkbox" checked={urgent} onChange={(e) => setUrgent(e.target.checked)} /> {t('um.urgent')}
      </label>
      <button type="submit" className="verify-btn" disabled={busy || !code || !place || !description.trim()} data-testid="report-submit">
        {t('um.app.submit')}
      </button>
      {note && (
        <p className={note.ok ? 'patrol-ok' : 'verify-note'} role="status" data-testid="report-note">
          {note.text}
          {note.code && (
            <>
              {' '}
              <code translate="no">{note.code}</code>
            </>
          )}
        </p>
      )}
    </form>
  );
}

/** A case as the phone shows it: category, state, place, description, the photos of the result. */
function CaseCard({ c, testId, children }: { c: CaseItem; testId?: string; children?: ReactNode }) {
  const { t, n } = useI18n();
  return (
    <div className="patrol-item" data-testid={testId}>
      <div className="patrol-item-head">
        <strong>{n(c.subcategoryName)}</strong>
        <span className="patrol-tag" data-testid="case-state">
          {n(c.stateLabel)}
        </span>
      </div>
      <div className="patrol-sub" translate="no">
        {c.id.slice(-8)} · {c.address ?? c.grid}
      </div>
      <div className="patrol-sub" translate="no">
        {c.description}
      </div>
      {c.resultPhotos.length > 0 && <div className="patrol-sub">{t('um.app.resultPhotos')}</div>}
      <div className="patrol-photos">
        {c.resultPhotos.map((p) => (
          <AuthImage key={p.id} url={p.url} alt={p.name} size={72} />
        ))}
      </div>
      {children}
    </div>
  );
}

function Tasks() {
  const { t } = useI18n();
  const list = useApi<CaseItem[]>('/api/urban/cases?mine=true&state=verifying&limit=100');
  const [comment, setComment] = useState<Record<string, string>>({});
  const [note, setNote] = useState<string | null>(null);
  const verify = async (c: CaseItem, ok: boolean) => {
    setNote(null);
    try {
      await api('POST', `/api/urban/cases/${c.id}/verify`, { rev: c.rev, ok, ...(comment[c.id]?.trim() ? { comment: comment[c.id]!.trim() } : {}) });
      setNote(t(ok ? 'um.app.closed' : 'um.app.reworked'));
      list.reload();
    } catch (e) {
      setNote(problemText(e));
    }
  };
  return (
    <div className="patrol-list">
      {note && (
        <p className="patrol-ok" role="status" data-testid="task-note">
          {note}
        </p>
      )}
      {list.data && list.data.length === 0 && <p className="verify-intro">{t('um.app.noTasks')}</p>}
      {(list.data ?? []).map((c) => (
        <CaseCard key={c.id} c={c} testId="task">
          <label className="verify-form">
            {t('um.comment')}
            <textarea rows={2} value={comment[c.id] ?? ''} onChange={(e) => setComment({ ...comment, [c.id]: e.target.value })} />
          </label>
          <div className="verify-actions">
            <button type="button" className="verify-btn" onClick={() => verify(c, true)} data-testid="task-close">
              {t('um.act.close')}
            </button>
            <button type="button" className="verify-btn secondary" disabled={!comment[c.id]?.trim()} onClick={() => verify(c, false)} data-testid="task-rework">
              {t('um.act.rework')}
            </button>
          </div>
        </CaseCard>
      ))}
    </div>
  );
}

const STEPS: { key: StringKey; states: string[] }[] = [
  { key: 'um.app.step.reported', states: ['reported'] },
  { key: 'um.app.step.filed', states: ['filed'] },
  { key: 'um.app.step.handling', states: ['handling', 'returned', 'hung'] },
  { key: 'um.app.step.verifying', states: ['verifying'] },
  { key: 'um.app.step.closed', states: ['closed'] },
];

/** Where a report stands in the loop: 受理 → 立案 → 处置 → 核查 → 结案. */
function Progress({ state }: { state: string }) {
  const { t } = useI18n();
  const at = STEPS.findIndex((x) => x.states.includes(state));
  if (at < 0) return null;
  return (
    <ol className="patrol-steps" aria-label={t('um.app.progress')}>
      {STEPS.map((x, i) => (
        <li key={x.key} className={i < at ? 'done' : i === at ? 'now' : undefined} aria-current={i === at ? 'step' : undefined}>
          {t(x.key)}
        </li>
      ))}
    </ol>
  );
}

/** The reporter's rating of a closed case (满意度, 1–5), once. */
function Rate({ c, onRated }: { c: CaseItem; onRated: () => void }) {
  const { t } = useI18n();
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const [note, setNote] = useState<string | null>(null);
  if (c.rating !== null)
    return (
      <p className="patrol-sub" data-testid="rated">
        {t('um.app.yourRating')} {'★'.repeat(c.rating)}
        {'☆'.repeat(5 - c.rating)}
      </p>
    );
  return (
    <div className="verify-form" data-testid="rate">
      <span>{t('um.app.rate')}</span>
      <div className="patrol-stars" role="radiogroup" aria-label={t('um.app.rate')}>
        {[1, 2, 3, 4, 5].map((v) => (
          // biome-ignore lint/a11y/useSemanticElements: five star buttons read better than radio inputs on a phone
          <button
            type="button"
            role="radio"
            aria-checked={score === v}
            aria-label={`${v}`}
            key={v}
            className={v <= score ? 'patrol-star on' : 'patrol-star'}
            onClick={() => setScore(v)}
            data-testid={`star-${v}`}
          >
            {v <= score ? '★' : '☆'}
          </button>
        ))}
      </div>
      <textarea rows={2} value={comment} onChange={(e) => setComment(e.target.value)} aria-label={t('um.comment')} placeholder={t('um.comment')} />
      <button
        type="button"
        className="verify-btn"
        disabled={score === 0}
        data-testid="rate-submit"
        onClick={async () => {
          setNote(null);
          try {
            await api('POST', `/api/urban/cases/${c.id}/rating`, { score, ...(comment.trim() ? { comment: comment.trim() } : {}) });
            onRated();
          } catch (e) {
            setNote(problemText(e));
          }
        }}
      >
        {t('um.app.rateSubmit')}
      </button>
      {note && (
        <p className="sa-error" role="status">
          {note}
        </p>
      )}
    </div>
  );
}

function MyReports() {
  const { t } = useI18n();
  const list = useApi<CaseItem[]>('/api/urban/cases?limit=50');
  if (list.data && list.data.length === 0) return <p className="verify-intro">{t('um.app.noReports')}</p>;
  return (
    <div className="patrol-list">
      {(list.data ?? []).map((c) => (
        <CaseCard key={c.id} c={c} testId="my-report">
          <Progress state={c.state} />
          {c.state === 'closed' && <Rate c={c} onRated={list.reload} />}
        </CaseCard>
      ))}
    </div>
  );
}

/** The inspector's grids drawn to fit the card, with the phone's position when known. */
function Grids() {
  const { t } = useI18n();
  const grids = useApi<{ code: string; geometry: Geometry | null }[]>('/api/urban/my/grids');
  const rings = (grids.data ?? []).flatMap((g) =>
    !g.geometry
      ? []
      : g.geometry.type === 'Polygon'
        ? [(g.geometry.coordinates as number[][][])[0]!]
        : (g.geometry.coordinates as number[][][][]).map((p) => p[0]!),
  );
  if (grids.data && rings.length === 0) return <p className="verify-intro">{t('um.app.noGrids')}</p>;
  const xs = rings.flat().map((p) => p[0]!);
  const ys = rings.flat().map((p) => p[1]!);
  const [w, e, s, nn] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = 300 / Math.max(e - w, nn - s, 1e-6);
  return (
    <div>
      <svg viewBox="0 0 300 300" className="patrol-map" role="img" aria-label={t('um.app.myGrids')}>
        {rings.map((r, i) => (
          <polygon
            // biome-ignore lint/suspicious/noArrayIndexKey: rings have no id of their own; the list is fixed while shown
            key={i}
            points={r.map(([x, y]) => `${((x! - w) * scale).toFixed(1)},${((nn - y!) * scale).toFixed(1)}`).join(' ')}
            fill="#e3edfc"
            stroke="#1f5fbf"
            strokeWidth="1"
          />
        ))}
      </svg>
      <p className="patrol-sub">
        {t('um.app.gridCount')} {grids.data?.length ?? 0}
      </p>
    </div>
  );
}

export function Patrol({ user }: { user: Me }) {
  const { t } = useI18n();
  const inspector = user.roles.includes('grid_inspector');
  const tabs: { key: string; label: StringKey }[] = inspector
    ? [
        { key: 'report', label: 'um.app.tabReport' },
        { key: 'tasks', label: 'um.app.tabTasks' },
        { key: 'grids', label: 'um.app.tabGrids' },
      ]
    : [
        { key: 'report', label: 'um.app.tabReport' },
        { key: 'mine', label: 'um.app.tabMine' },
      ];
  const asked = new URLSearchParams(window.location.search).get('tab');
  const [tab, setTab] = useState(asked && tabs.some((x) => x.key === asked) ? asked : 'report');
  const [stamp, setStamp] = useState(0);
  return (
    <div className="citizen">
      <header className="citizen-header">
        <div>
          <div className="citizen-city">
            <a href="/app/" className="patrol-back">
              ‹ {t('um.app.back')}
            </a>
          </div>
          <div className="citizen-hello">{t(inspector ? 'um.app.patrol' : 'um.app.snap')}</div>
        </div>
      </header>
      <section className="citizen-card">
        <div className="patrol-tabs" role="tablist">
          {tabs.map((x) => (
            <button
              type="button"
              role="tab"
              aria-selected={tab === x.key}
              key={x.key}
              className={tab === x.key ? 'patrol-tab active' : 'patrol-tab'}
              onClick={() => setTab(x.key)}
              data-testid={`tab-${x.key}`}
            >
              {t(x.label)}
            </button>
          ))}
        </div>
        {tab === 'report' && <Report onReported={() => setStamp(stamp + 1)} />}
        {tab === 'tasks' && <Tasks />}
        {tab === 'grids' && <Grids />}
        {tab === 'mine' && <MyReports key={stamp} />}
      </section>
    </div>
  );
}
