import { type FormEvent, useEffect, useState } from 'react';
import { Link, Route, Routes, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { DatasetView } from '../../modules/opendata/index';
import { api, hasSession, problemText } from '../shared/api';
import { LangSwitch } from '../shared/auth';
import { useApi } from '../shared/hooks';
import { useI18n } from '../shared/i18n';

type Names = { zh: string; en: string };

interface Vocabulary {
  site: Names;
  themes: { key: string; name: Names }[];
  licences: { key: string; title: Names; url: string; open: boolean }[];
  openTypes: Record<string, Names>;
  updateCycles: Record<string, Names>;
  organisations: { code: string; name: Names }[];
}

interface SearchAnswer {
  total: number;
  items: DatasetView[];
  facets: { provider: Record<string, number>; theme: Record<string, number>; openType: Record<string, number> };
}

type Row = Record<string, string | number | boolean | null>;

const PAGE = 10;

function useVocabulary() {
  return useApi<Vocabulary>('/api/open/vocabulary').data;
}

function day(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toISOString().slice(0, 10);
}

function Header() {
  const { t, n } = useI18n();
  const vocab = useVocabulary();
  return (
    <header className="op-head">
      <div className="op-head-row">
        <div>
          <Link to="/" className="op-title">
            {vocab ? n(vocab.site) : t('open.portal')}
          </Link>
          <div className="op-sub">{t('open.tagline')}</div>
        </div>
        <LangSwitch />
      </div>
    </header>
  );
}

function Footer() {
  const { t } = useI18n();
  return (
    <footer className="op-foot">
      {t('open.developers')}: <a href="/open/api/3/action/package_search">{t('open.ckanApi')}</a> · <a href="/open/catalog.jsonld">{t('open.dcat')}</a> ·{' '}
      <a href="/docs">{t('open.apiDocs')}</a>
    </footer>
  );
}

function Search() {
  const { t, n, lang } = useI18n();
  const vocab = useVocabulary();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const provider = params.get('provider') ?? '';
  const theme = params.get('theme') ?? '';
  const openType = params.get('openType') ?? '';
  const page = Number(params.get('page') ?? '1') || 1;
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  const query = new URLSearchParams({ limit: String(PAGE), offset: String((page - 1) * PAGE) });
  if (q) query.set('q', q);
  if (provider) query.set('provider', provider);
  if (theme) query.set('theme', theme);
  if (openType) query.set('openType', openType);
  const result = useApi<SearchAnswer>(`/api/open/datasets?${query}`);
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    next.delete('page');
    setParams(next);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    set('q', draft.trim());
  };
  const orgName = (code: string) => {
    const o = vocab?.organisations.find((x) => x.code === code);
    return o ? n(o.name) : code;
  };
  const themeName = (k: string) => {
    const x = vocab?.themes.find((y) => y.key === k);
    return x ? n(x.name) : k;
  };
  const facets = result.data?.facets;
  const pages = Math.max(1, Math.ceil((result.data?.total ?? 0) / PAGE));
  return (
    <>
      <section className="op-card">
        <form className="op-search" onSubmit={submit}>
          <input
            type="search"
            aria-label={t('open.searchLabel')}
            placeholder={t('open.searchHint')}
            value={draft}
            maxLength={200}
            onChange={(e) => setDraft(e.target.value)}
          />
          <button type="submit">{t('open.search')}</button>
        </form>
      </section>
      <div className="op-layout">
        <aside className="op-card op-filter" aria-label={t('open.filters')}>
          <h3>{t('open.provider')}</h3>
          <select aria-label={t('open.provider')} value={provider} onChange={(e) => set('provider', e.target.value)}>
            <option value="">{t('open.all')}</option>
            {Object.entries(facets?.provider ?? {}).map(([code, count]) => (
              <option key={code} value={code}>
                {orgName(code)} ({count})
              </option>
            ))}
            {provider && !facets?.provider[provider] ? <option value={provider}>{orgName(provider)}</option> : null}
          </select>
          <h3>{t('open.theme')}</h3>
          <label>
            <input type="radio" name="theme" checked={!theme} onChange={() => set('theme', '')} /> {t('open.all')}
          </label>
          {(vocab?.themes ?? [])
            .filter((x) => facets?.theme[x.key] || x.key === theme)
            .map((x) => (
              <label key={x.key}>
                <input type="radio" name="theme" checked={theme === x.key} onChange={() => set('theme', x.key)} /> {n(x.name)}
                <span className="op-count">{facets?.theme[x.key] ?? 0}</span>
              </label>
            ))}
          <h3>{t('open.openType')}</h3>
          <label>
            <input type="radio" name="openType" checked={!openType} onChange={() => set('openType', '')} /> {t('open.all')}
          </label>
          {Object.entries(vocab?.openTypes ?? {}).map(([k, name]) => (
            <label key={k}>
              <input type="radio" name="openType" checked={openType === k} onChange={() => set('openType', k)} /> {n(name)}
              <span className="op-count">{facets?.openType[k] ?? 0}</span>
            </label>
          ))}
        </aside>
        <section className="op-card" aria-live="polite">
          <div className="op-note" data-testid="open-total">
            {t('open.found').replace('{n}', String(result.data?.total ?? 0))}
          </div>
          {result.error ? <p className="op-error">{result.error}</p> : null}
          {(result.data?.items ?? []).map((d) => (
            <article className="op-result" key={d.id}>
              <h2>
                <Link to={`/dataset/${encodeURIComponent(d.name)}`} {...(lang === 'en' && !d.title.en ? { translate: 'no' as const } : {})}>
                  {lang === 'en' && d.title.en ? d.title.en : d.title.zh}
                </Link>
              </h2>
              {lang === 'en' && d.description.en ? <p>{d.description.en}</p> : <Said text={d.description.zh} />}
              <div className="op-meta">
                <span>{orgName(d.provider)}</span>
                {d.themes.map((k) => (
                  <span key={k} className="op-tag">
                    {themeName(k)}
                  </span>
                ))}
                <span className={d.openType === 'open' ? 'op-tag' : 'op-tag cond'}>{vocab ? n(vocab.openTypes[d.openType]!) : ''}</span>
                <span>
                  {t('open.updated')} {day(d.modifiedAt)}
                </span>
                <span>
                  {t('open.downloads')} {d.downloads}
                </span>
              </div>
            </article>
          ))}
          {pages > 1 ? (
            <nav className="op-pager" aria-label={t('open.pages')}>
              <button type="button" className="op-btn secondary" disabled={page <= 1} onClick={() => setParams(withPage(params, page - 1))}>
                {t('open.prev')}
              </button>
              <span>
                {page} / {pages}
              </span>
              <button type="button" className="op-btn secondary" disabled={page >= pages} onClick={() => setParams(withPage(params, page + 1))}>
                {t('open.next')}
              </button>
            </nav>
          ) : null}
        </section>
      </div>
    </>
  );
}

/** What a provider wrote, in the language it was written in (not translated: marked so). */
function Said({ text }: { text: string }) {
  return text ? (
    <p translate="no" lang="zh-CN">
      {text}
    </p>
  ) : null;
}

function withPage(params: URLSearchParams, page: number): URLSearchParams {
  const next = new URLSearchParams(params);
  next.set('page', String(page));
  return next;
}

/** Downloads through the API with the session's token (a conditionally open dataset needs it). */
async function download(name: string, format: 'csv' | 'json'): Promise<void> {
  const token = JSON.parse(localStorage.getItem('wudang.session') ?? 'null')?.token as string | undefined;
  const r = await fetch(`/api/open/datasets/${encodeURIComponent(name)}/data?format=${format}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!r.ok) throw new Error((await r.json()).detail ?? r.statusText);
  const url = URL.createObjectURL(await r.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `${name}.${format}`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Dataset() {
  const { t, n, lang } = useI18n();
  const { name = '' } = useParams();
  const navigate = useNavigate();
  const vocab = useVocabulary();
  const ds = useApi<DatasetView & { mayDownload: boolean }>(`/api/open/datasets/${encodeURIComponent(name)}`);
  const preview = useApi<{ rows: Row[]; synthetic: boolean } | { refused: Names }>(`/api/open/datasets/${encodeURIComponent(name)}/preview`);
  const [error, setError] = useState<string | null>(null);
  const d = ds.data;
  if (ds.error) return <section className="op-card op-error">{ds.error}</section>;
  if (!d) return <section className="op-card op-note">{t('open.loading')}</section>;
  const licence = vocab?.licences.find((l) => l.key === d.licence);
  const orgName = vocab?.organisations.find((o) => o.code === d.provider);
  const rows = preview.data && 'rows' in preview.data ? preview.data : null;
  const get = (format: 'csv' | 'json') => {
    setError(null);
    download(d.name, format)
      .then(() => ds.reload())
      .catch((e: Error) => setError(e.message));
  };
  return (
    <>
      <section className="op-card">
        <button type="button" className="op-btn secondary" onClick={() => navigate(-1)}>
          {t('open.back')}
        </button>
        <h1 data-testid="dataset-title" {...(lang === 'en' && !d.title.en ? { translate: 'no' as const } : {})}>
          {lang === 'en' && d.title.en ? d.title.en : d.title.zh}
        </h1>
        {d.status === 'withdrawn' ? <p className="op-error">{t('open.withdrawn')}</p> : null}
        {lang === 'en' && d.description.en ? <p>{d.description.en}</p> : <Said text={d.description.zh} />}
        <dl className="op-facts">
          <div>
            <dt>{t('open.provider')}</dt>
            <dd>{orgName ? n(orgName.name) : d.provider}</dd>
          </div>
          <div>
            <dt>{t('open.openType')}</dt>
            <dd>{vocab ? n(vocab.openTypes[d.openType]!) : ''}</dd>
          </div>
          <div>
            <dt>{t('open.cycle')}</dt>
            <dd>{vocab?.updateCycles[d.updateCycle] ? n(vocab.updateCycles[d.updateCycle]!) : ''}</dd>
          </div>
          <div>
            <dt>{t('open.licence')}</dt>
            <dd>{licence ? licence.url ? <a href={licence.url}>{n(licence.title)}</a> : n(licence.title) : ''}</dd>
          </div>
          <div>
            <dt>{t('open.rows')}</dt>
            <dd data-testid="dataset-rows">{d.rows ?? '—'}</dd>
          </div>
          <div>
            <dt>{t('open.downloads')}</dt>
            <dd data-testid="dataset-downloads">{d.downloads}</dd>
          </div>
          <div>
            <dt>{t('open.updated')}</dt>
            <dd>{day(d.dataAt ?? d.modifiedAt)}</dd>
          </div>
          <div>
            <dt>{t('open.keywords')}</dt>
            <dd translate="no">{d.keywords.join('、') || '—'}</dd>
          </div>
        </dl>
        <div className="op-actions">
          {d.formats.length === 0 ? <span className="op-note">{t('open.noData')}</span> : null}
          {d.mayDownload
            ? d.formats.map((f) => (
                <button key={f} type="button" className="op-btn" onClick={() => get(f)} data-testid={`download-${f}`}>
                  {t('open.download')} {f.toUpperCase()}
                </button>
              ))
            : null}
          <a className="op-btn secondary" href={`/open/dataset/${encodeURIComponent(d.name)}/dcat.jsonld`}>
            {t('open.dcat')}
          </a>
        </div>
        {error ? <p className="op-error">{error}</p> : null}
        {!d.mayDownload && d.openType === 'conditional' && d.status === 'active' ? <Apply name={d.name} /> : null}
      </section>
      <section className="op-card">
        <h2>{t('open.items')}</h2>
        <div className="op-table-wrap">
          <table className="op-table">
            <thead>
              <tr>
                <th>{t('open.itemName')}</th>
                <th>{t('open.itemKey')}</th>
                <th>{t('open.itemType')}</th>
              </tr>
            </thead>
            <tbody>
              {d.columns.map((c) => (
                <tr key={c.key}>
                  <td>{n(c.name.en ? c.name : { zh: c.name.zh, en: c.key })}</td>
                  <td translate="no">{c.key}</td>
                  <td>{t(`open.type.${c.type}` as 'open.type.string')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="op-card">
        <h2>
          {t('open.preview')} {rows?.synthetic ? <span className="op-tag synthetic">{t('open.synthetic')}</span> : null}
        </h2>
        {preview.data && 'refused' in preview.data ? <p className="op-note">{n(preview.data.refused)}</p> : null}
        {rows ? (
          <div className="op-table-wrap">
            <table className="op-table" data-testid="preview">
              <thead>
                <tr>
                  {d.columns.map((c) => (
                    <th key={c.key}>{n(c.name.en ? c.name : { zh: c.name.zh, en: c.key })}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.rows.map((r, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: preview rows have no key of their own
                  <tr key={i}>
                    {d.columns.map((c) => (
                      <td key={c.key} translate="no">
                        {r[c.key] === null || r[c.key] === undefined ? '' : String(r[c.key])}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </>
  );
}

function Apply({ name }: { name: string }) {
  const { t } = useI18n();
  const [organisation, setOrganisation] = useState('');
  const [purpose, setPurpose] = useState('');
  const [contact, setContact] = useState('');
  const [state, setState] = useState<{ ok?: boolean; error?: string }>({});
  const mine = useApi<{ dataset: string; status: string; reason: string | null }[]>(hasSession() ? '/api/open/applications' : null);
  if (!hasSession())
    return (
      <p className="op-note">
        {t('open.applyLogin')} <a href="/app">{t('open.signIn')}</a>
      </p>
    );
  const last = mine.data?.find((a) => a.dataset === name);
  if (state.ok || last?.status === 'pending') return <p className="op-note">{t('open.applied')}</p>;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    api('POST', `/api/open/datasets/${encodeURIComponent(name)}/applications`, { organisation, purpose, contact })
      .then(() => setState({ ok: true }))
      .catch((err: unknown) => setState({ error: problemText(err) }));
  };
  return (
    <form className="op-form" onSubmit={submit}>
      <h3>{t('open.apply')}</h3>
      {last?.status === 'refused' ? (
        <p className="op-error">
          {t('open.refused')}
          {last.reason}
        </p>
      ) : null}
      <label>
        {t('open.organisation')}
        <input value={organisation} minLength={2} maxLength={200} required onChange={(e) => setOrganisation(e.target.value)} />
      </label>
      <label>
        {t('open.purpose')} ({purpose.length}/2000)
        <textarea value={purpose} minLength={5} maxLength={2000} rows={3} required onChange={(e) => setPurpose(e.target.value)} />
      </label>
      <label>
        {t('open.contact')}
        <input value={contact} minLength={5} maxLength={100} required onChange={(e) => setContact(e.target.value)} />
      </label>
      {state.error ? <p className="op-error">{state.error}</p> : null}
      <div>
        <button type="submit" className="op-btn">
          {t('open.submitApplication')}
        </button>
      </div>
    </form>
  );
}

export function OpenPortal() {
  return (
    <>
      <Header />
      <main className="op-main">
        <Routes>
          <Route path="/" element={<Search />} />
          <Route path="/dataset/:name" element={<Dataset />} />
          <Route path="*" element={<Search />} />
        </Routes>
      </main>
      <Footer />
    </>
  );
}
