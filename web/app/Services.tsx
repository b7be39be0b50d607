/**
 * 政务服务 in the super app (`/app/services`): find an item (or a 一件事 bundle), apply with the form
 * filled from one's own records, an ID card read by OCR and confirmed field by field, materials
 * reused with consent or uploaded; follow an application (steps, what is missing, the fee, the
 * result in the wallet) and rate it; book a window at a service hall or a hospital clinic.
 */
import { Button, Checkbox, List, SearchBar, Selector, Tabs, Tag, TextArea } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { Route, Routes, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, problemText } from '../shared/api';
import { Field } from '../shared/Field';
import { useApi } from '../shared/hooks';
import { type StringKey, useI18n } from '../shared/i18n';
import { type Uploaded, uploadFiles } from '../shared/photos';
import { cityDay } from './people';
import { Page, useAccount } from './shell';

type Text = { zh: string; en: string };
interface ItemRow {
  code: string;
  name: Text;
  departmentName: Text;
  kindName: Text;
  applicant: string;
  channels: string[];
  promisedDays: number;
  instant: boolean;
  fee: { amount: number } | null;
}
interface FormField {
  key: string;
  name: Text;
  type: string;
  required?: boolean;
  options?: { value: string; name: Text }[];
  ocr?: string;
}
interface Prefill {
  item: ItemRow & { conditions: Text; fields: FormField[]; legalDays: number; channelNames: Text[] };
  values: Record<string, string | number>;
  materials: { key: string; name: Text; required: boolean; accept: string[]; reuse: { source: string; label: Text } | null }[];
  synthetic: boolean;
}
interface AppView {
  id: string;
  item: { code: string; name: Text };
  departmentName: Text;
  state: string;
  stateLabel: Text;
  step: { name: Text; index: number; of: number } | null;
  submittedAt: number;
  dueAt: number | null;
  supplement: { keys: string[]; note: string | null } | null;
  decision: string | null;
  decisionNote: string | null;
  instant: boolean;
  resultLicence: string | null;
  fee: number;
}

const fmtTime = (ms: number) => new Date(ms).toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });

function Note({ note, testId }: { note: { ok: boolean; text: string } | null; testId: string }) {
  if (!note) return null;
  return (
    <p className={note.ok ? 'patrol-ok' : 'sa-error'} role="status" data-testid={testId}>
      {note.text}
    </p>
  );
}

function Catalogue() {
  const { t, n } = useI18n();
  const nav = useNavigate();
  const { account } = useAccount();
  const [q, setQ] = useState('');
  const items = useApi<ItemRow[]>(
    `/api/services/items?limit=100&applicant=${account.kind === 'enterprise' ? 'enterprise' : 'person'}${q ? `&q=${encodeURIComponent(q)}` : ''}`,
  );
  const events = useApi<{ code: string; name: Text; applicant: string; departments: string[] }[]>('/api/services/events');
  return (
    <>
      <SearchBar placeholder={t('gs.search')} onSearch={setQ} onClear={() => setQ('')} aria-label={t('gs.search')} data-testid="gs-search" />
      {!q && (
        <List header={t('gs.events')}>
          {(events.data ?? [])
            .filter((e) => e.applicant === 'any' || e.applicant === (account.kind === 'enterprise' ? 'enterprise' : 'person'))
            .map((e) => (
              <List.Item
                key={e.code}
                onClick={() => nav(`/services/event/${e.code}`)}
                description={`${e.departments.length} ${t('gs.departments')}`}
                data-testid={`event-${e.code}`}
              >
                {n(e.name)}
              </List.Item>
            ))}
        </List>
      )}
      <List header={t('gs.items')}>
        {(items.data ?? []).map((i) => (
          <List.Item
            key={i.code}
            onClick={() => nav(`/services/item/${i.code}`)}
            description={`${n(i.departmentName)} · ${n(i.kindName)} · ${t('gs.promised')} ${i.promisedDays} ${t('gs.days')}${i.fee?.amount ? ` · ${i.fee.amount} ${t('gs.yuan')}` : ''}`}
            extra={
              i.instant ? (
                <Tag color="success">{t('gs.instant')}</Tag>
              ) : i.channels.includes('counter') && i.channels.length === 1 ? (
                <Tag>{t('gs.counterOnly')}</Tag>
              ) : null
            }
            data-testid={`item-${i.code}`}
          >
            {n(i.name)}
          </List.Item>
        ))}
      </List>
      {items.data?.length === 0 && <p className="sa-fine">{t('gs.noItems')}</p>}
    </>
  );
}

function MyApplications() {
  const { t, n } = useI18n();
  const nav = useNavigate();
  const list = useApi<AppView[]>('/api/people/services/applications');
  if (list.data?.length === 0) return <p className="sa-fine">{t('gs.noApplications')}</p>;
  return (
    <List>
      {(list.data ?? []).map((a) => (
        <List.Item
          key={a.id}
          onClick={() => nav(`/services/applications/${a.id}`)}
          description={`${n(a.departmentName)} · ${fmtTime(a.submittedAt)}`}
          extra={<Tag color={a.state === 'approved' ? 'success' : a.state === 'supplement' ? 'warning' : 'primary'}>{n(a.stateLabel)}</Tag>}
          data-testid="my-application"
        >
          {n(a.item.name)}
        </List.Item>
      ))}
    </List>
  );
}

function MyAppointments() {
  const { t, n } = useI18n();
  const nav = useNavigate();
  const list =
    useApi<{ id: string; hall: { name: Text }; window: { name: Text }; day: string; start: string; status: string }[]>('/api/people/services/appointments');
  return (
    <>
      <Button block color="primary" fill="outline" onClick={() => nav('/services/book')} data-testid="book-open">
        {t('gs.book')}
      </Button>
      <List>
        {(list.data ?? []).map((a) => (
          <List.Item
            key={a.id}
            description={`${a.day} ${a.start} · ${n(a.window.name)}`}
            extra={
              a.status === 'booked' ? (
                <Button
                  size="mini"
                  fill="outline"
                  onClick={async () => {
                    await api('POST', `/api/people/services/appointments/${a.id}/cancel`);
                    list.reload();
                  }}
                >
                  {t('sa.cancel')}
                </Button>
              ) : (
                <Tag>{t(`gs.appt.${a.status}` as StringKey)}</Tag>
              )
            }
            data-testid="my-appointment"
          >
            {n(a.hall.name)}
          </List.Item>
        ))}
      </List>
    </>
  );
}

function Home() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'items';
  return (
    <Page title={t('app.svc.gov')} back="/" testId="services-page">
      <section className="sa-card">
        <Tabs activeKey={tab} onChange={(k) => setParams({ tab: k })}>
          <Tabs.Tab title={t('gs.tab.items')} key="items">
            <Catalogue />
          </Tabs.Tab>
          <Tabs.Tab title={t('gs.tab.mine')} key="mine">
            <MyApplications />
          </Tabs.Tab>
          <Tabs.Tab title={t('gs.tab.appointments')} key="appointments">
            <MyAppointments />
          </Tabs.Tab>
        </Tabs>
      </section>
    </Page>
  );
}

/** The OCR step: a photo of the ID card read on the server; each read field confirmed before use. */
function ReadCard({ fields, onConfirm }: { fields: FormField[]; onConfirm: (values: Record<string, string>) => void }) {
  const { t, n } = useI18n();
  const [read, setRead] = useState<Record<string, string> | null>(null);
  const [picked, setPicked] = useState<Record<string, boolean>>({});
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const mapped = fields.filter((f) => f.ocr?.startsWith('id_card.'));
  if (mapped.length === 0) return null;
  return (
    <div className="gs-ocr" data-testid="ocr">
      <label className="sa-fine">
        {t('gs.ocr')}{' '}
        <input
          type="file"
          accept="image/*"
          capture="environment"
          data-testid="ocr-photo"
          onChange={async (e) => {
            setNote(null);
            setBusy(true);
            try {
              const [up] = await uploadFiles(e.target.files, (m) => setNote({ ok: false, text: m }), t('um.photoTooLarge'));
              if (!up) return;
              const r = await api<{ fields: Record<string, string> }>('POST', '/api/services/ocr', { kind: 'id_card', file: up.id });
              const values: Record<string, string> = {};
              for (const f of mapped) {
                const v = r.fields[f.ocr!.slice('id_card.'.length)];
                if (v) values[f.key] = v;
              }
              setRead(values);
              setPicked(Object.fromEntries(Object.keys(values).map((k) => [k, true])));
            } catch (err) {
              setNote({ ok: false, text: problemText(err) });
            } finally {
              setBusy(false);
            }
          }}
        />
      </label>
      {busy && <p className="sa-fine">{t('gs.reading')}</p>}
      {read && (
        <div className="gs-ocr-read" data-testid="ocr-read">
          <p className="sa-fine">{t('gs.ocrCheck')}</p>
          {Object.entries(read).map(([k, v]) => (
            <Checkbox key={k} checked={picked[k] ?? false} onChange={(c) => setPicked({ ...picked, [k]: c })} data-testid={`ocr-${k}`}>
              {n(fields.find((f) => f.key === k)!.name)}：<span translate="no">{v}</span>
            </Checkbox>
          ))}
          <Button
            size="small"
            color="primary"
            data-testid="ocr-confirm"
            onClick={() => {
              onConfirm(Object.fromEntries(Object.entries(read).filter(([k]) => picked[k])));
              setRead(null);
            }}
          >
            {t('gs.ocrUse')}
          </Button>
        </div>
      )}
      <Note note={note} testId="ocr-note" />
    </div>
  );
}

/** One field of an item's form: a choice among its options, or an input of its type. */
function FormInput({
  field: x,
  value,
  onChange,
  error,
}: {
  field: FormField;
  value: string | number | undefined;
  onChange: (v: string | number) => void;
  error?: string;
}) {
  const { n } = useI18n();
  return (
    <div className="gs-field">
      <Field block>
        <span>
          {n(x.name)}
          {x.required ? ' *' : ''}
        </span>
        {x.type === 'select' ? (
          <Selector
            columns={2}
            options={(x.options ?? []).map((o) => ({ label: n(o.name), value: o.value }))}
            value={value !== undefined ? [String(value)] : []}
            onChange={(s) => s[0] && onChange(s[0])}
            data-testid={`field-${x.key}`}
          />
        ) : (
          <input
            className="gs-input"
            type={x.type === 'date' ? 'date' : x.type === 'number' ? 'number' : 'text'}
            value={value ?? ''}
            onChange={(e) => onChange(x.type === 'number' && e.target.value !== '' ? Number(e.target.value) : e.target.value)}
            data-testid={`field-${x.key}`}
          />
        )}
      </Field>
      {error && <p className="sa-error">{error}</p>}
    </div>
  );
}

/** A material's upload: the files it takes (photos, PDF), and the names of those sent. */
function MaterialUpload({
  m,
  files,
  onFiles,
  onError,
}: {
  m: Prefill['materials'][number];
  files: Uploaded[];
  onFiles: (f: Uploaded[]) => void;
  onError: (msg: string) => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <label className="sa-fine">
        {t('gs.upload')}（{m.accept.map((a) => (a === 'pdf' ? 'PDF' : t('gs.photo'))).join(t('gs.or'))}）{' '}
        <input
          type="file"
          accept={m.accept.map((a) => (a === 'pdf' ? 'application/pdf' : 'image/*')).join(',')}
          data-testid={`upload-${m.key}`}
          onChange={async (e) => onFiles([...files, ...(await uploadFiles(e.target.files, onError, t('um.photoTooLarge')))])}
        />
      </label>
      {files.length > 0 && (
        <p className="sa-fine" translate="no">
          {files.map((x) => x.name).join('，')}
        </p>
      )}
    </>
  );
}

function Apply() {
  const { t, n } = useI18n();
  const { code } = useParams();
  const nav = useNavigate();
  const { as } = useAccount();
  const form = useApi<Prefill>(`/api/people/services/items/${code}/form${as ? `?as=${as}` : ''}`);
  const [values, setValues] = useState<Record<string, string | number> | null>(null);
  const [reuse, setReuse] = useState<Record<string, boolean>>({});
  const [files, setFiles] = useState<Record<string, Uploaded[]>>({});
  const [consent, setConsent] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  if (form.error)
    return (
      <Page title={t('app.svc.gov')} back="/services">
        <p className="sa-error">{form.error}</p>
      </Page>
    );
  if (!form.data) return <div className="wd-loading">{t('common.loading')}</div>;
  const f = form.data;
  const v = values ?? f.values;
  const set = (k: string, x: string | number) => setValues({ ...v, [k]: x });
  const reused = (k: string) => reuse[k] ?? f.materials.find((m) => m.key === k)?.reuse !== null;
  const submit = async () => {
    setBusy(true);
    setNote(null);
    setErrors({});
    const materials: Record<string, unknown> = {};
    for (const m of f.materials) {
      if (m.reuse && reused(m.key)) materials[m.key] = { reuse: true };
      else if (files[m.key]?.length) materials[m.key] = { files: files[m.key]!.map((x) => x.id) };
    }
    try {
      const a = await api<AppView>('POST', `/api/people/services/applications${as ? `?as=${as}` : ''}`, { item: f.item.code, form: v, materials, consent });
      nav(`/services/applications/${a.id}`);
    } catch (e) {
      const errs = (e as { problem?: { errors?: { pointer: string; detail: string }[] } }).problem?.errors ?? [];
      setErrors(Object.fromEntries(errs.map((x) => [x.pointer.split('/').pop() ?? '', x.detail])));
      setNote({ ok: false, text: problemText(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title={n(f.item.name)} back="/services" testId="apply-page">
      <section className="sa-card">
        <p className="sa-fine">
          {n(f.item.departmentName)} · {t('gs.promised')} {f.item.promisedDays} {t('gs.days')}（{t('gs.legal')} {f.item.legalDays}）
          {f.item.fee?.amount ? ` · ${t('gs.fee')} ${f.item.fee.amount} ${t('gs.yuan')}` : ''}
        </p>
        <p className="sa-fine">
          {t('gs.conditions')}：{n(f.item.conditions)}
        </p>
        {f.synthetic && <p className="sa-synthetic">{t('sa.synthetic')}</p>}
      </section>
      <section className="sa-card">
        <h2>{t('gs.form')}</h2>
        <ReadCard fields={f.item.fields} onConfirm={(read) => setValues({ ...v, ...read })} />
        {f.item.fields.map((x) => (
          <FormInput key={x.key} field={x} value={v[x.key]} onChange={(val) => set(x.key, val)} error={errors[x.key]} />
        ))}
      </section>
      <section className="sa-card">
        <h2>{t('gs.materials')}</h2>
        {f.materials.map((m) => (
          <div key={m.key} className="gs-material" data-testid={`material-${m.key}`}>
            <strong>
              {n(m.name)}
              {m.required ? ' *' : ''}
            </strong>
            {m.reuse && (
              <Checkbox checked={reused(m.key)} onChange={(c) => setReuse({ ...reuse, [m.key]: c })} data-testid={`reuse-${m.key}`}>
                {t('gs.reuse')}：<span translate="no">{n(m.reuse.label)}</span>
              </Checkbox>
            )}
            {!(m.reuse && reused(m.key)) && (
              <MaterialUpload
                m={m}
                files={files[m.key] ?? []}
                onFiles={(up) => setFiles({ ...files, [m.key]: up })}
                onError={(msg) => setNote({ ok: false, text: msg })}
              />
            )}
            {errors[m.key] && <p className="sa-error">{errors[m.key]}</p>}
          </div>
        ))}
        <Checkbox checked={consent} onChange={setConsent} data-testid="consent">
          {t('gs.consent')}
        </Checkbox>
      </section>
      <Button block color="primary" size="large" disabled={busy} onClick={submit} data-testid="apply-submit">
        {t('gs.signSubmit')}
      </Button>
      <p className="sa-fine">{t('gs.signNote')}</p>
      <Note note={note} testId="apply-note" />
    </Page>
  );
}

/** 一件事: the items' forms as one (a field or material several share is asked once), checked as a whole, fanned out. */
function Bundle() {
  const { t, n } = useI18n();
  const { code } = useParams();
  const { as } = useAccount();
  const event = useApi<{ code: string; name: Text; description: Text; items: { code: string; name: Text; departmentName: Text | null }[] }>(
    `/api/services/events/${code}`,
  );
  const [forms, setForms] = useState<Prefill[] | null>(null);
  const [values, setValues] = useState<Record<string, string | number>>({});
  const [files, setFiles] = useState<Record<string, Uploaded[]>>({});
  const [consent, setConsent] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [done, setDone] = useState<{ applications: AppView[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const items = event.data?.items.map((i) => i.code).join(',') ?? '';
  useEffect(() => {
    if (!items) return;
    let live = true;
    Promise.all(items.split(',').map((c) => api<Prefill>('GET', `/api/people/services/items/${c}/form${as ? `?as=${as}` : ''}`)))
      .then((fs) => {
        if (!live) return;
        setForms(fs);
        setValues(Object.assign({}, ...fs.map((f) => f.values)));
      })
      .catch((e) => live && setNote({ ok: false, text: problemText(e) }));
    return () => {
      live = false;
    };
  }, [items, as]);
  const fields = new Map<string, FormField>();
  const materials = new Map<string, Prefill['materials'][number]>();
  for (const f of forms ?? []) {
    for (const x of f.item.fields) if (!fields.has(x.key)) fields.set(x.key, x);
    for (const m of f.materials) if (!materials.has(m.key)) materials.set(m.key, m);
  }
  return (
    <Page title={event.data ? n(event.data.name) : t('common.loading')} back="/services" testId="bundle-page">
      {event.data && (
        <section className="sa-card">
          <p className="sa-fine">{n(event.data.description)}</p>
          <List>
            {event.data.items.map((i) => (
              <List.Item key={i.code} description={i.departmentName ? n(i.departmentName) : undefined}>
                {n(i.name)}
              </List.Item>
            ))}
          </List>
        </section>
      )}
      {done ? (
        <section className="sa-card" data-testid="bundle-done">
          <p className="patrol-ok">{t('gs.bundleSent')}</p>
          <List>
            {done.applications.map((a) => (
              <List.Item key={a.id} description={n(a.departmentName)} extra={<Tag>{n(a.stateLabel)}</Tag>}>
                {n(a.item.name)}
              </List.Item>
            ))}
          </List>
        </section>
      ) : (
        forms && (
          <>
            <section className="sa-card">
              <h2>{t('gs.form')}</h2>
              {[...fields.values()].map((x) => (
                <FormInput key={x.key} field={x} value={values[x.key]} onChange={(val) => setValues({ ...values, [x.key]: val })} />
              ))}
            </section>
            <section className="sa-card">
              <h2>{t('gs.materials')}</h2>
              {[...materials.values()].map((m) => (
                <div key={m.key} className="gs-material" data-testid={`material-${m.key}`}>
                  <strong>
                    {n(m.name)}
                    {m.required ? ' *' : ''}
                  </strong>
                  {m.reuse ? (
                    <span className="sa-fine">
                      {t('gs.reuse')}：<span translate="no">{n(m.reuse.label)}</span>
                    </span>
                  ) : (
                    <MaterialUpload
                      m={m}
                      files={files[m.key] ?? []}
                      onFiles={(up) => setFiles({ ...files, [m.key]: up })}
                      onError={(msg) => setNote({ ok: false, text: msg })}
                    />
                  )}
                </div>
              ))}
              <Checkbox checked={consent} onChange={setConsent} data-testid="consent">
                {t('gs.consent')}
              </Checkbox>
            </section>
            <Button
              block
              color="primary"
              size="large"
              disabled={busy}
              data-testid="bundle-submit"
              onClick={async () => {
                setBusy(true);
                setNote(null);
                const mats: Record<string, unknown> = {};
                for (const m of materials.values()) {
                  if (m.reuse) mats[m.key] = { reuse: true };
                  else if (files[m.key]?.length) mats[m.key] = { files: files[m.key]!.map((x) => x.id) };
                }
                try {
                  setDone(await api('POST', `/api/people/services/bundles${as ? `?as=${as}` : ''}`, { event: code, form: values, materials: mats, consent }));
                } catch (e) {
                  setNote({ ok: false, text: problemText(e) });
                } finally {
                  setBusy(false);
                }
              }}
            >
              {t('gs.signSubmit')}
            </Button>
          </>
        )
      )}
      <Note note={note} testId="bundle-note" />
    </Page>
  );
}

const GOOD: string[] = ['quick', 'once', 'clear', 'courteous', 'easy'];
const BAD: string[] = ['not_told_once', 'slow', 'many_trips', 'attitude', 'materials', 'system', 'other'];

function Rate({ id, onDone }: { id: string; onDone: () => void }) {
  const { t } = useI18n();
  const [level, setLevel] = useState<number | null>(null);
  const [reasons, setReasons] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const bad = level !== null && level <= 2;
  return (
    <div data-testid="gs-rate">
      <h3>{t('gs.rate')}</h3>
      <Selector
        columns={3}
        options={[5, 4, 3, 2, 1].map((l) => ({ label: t(`gs.level.${l}` as StringKey), value: String(l) }))}
        value={level ? [String(level)] : []}
        onChange={(s) => {
          setLevel(s[0] ? Number(s[0]) : null);
          setReasons([]);
        }}
      />
      {level !== null && (
        <Selector
          multiple
          columns={3}
          options={(bad ? BAD : GOOD).map((r) => ({ label: t(`gs.reason.${r}` as StringKey), value: r }))}
          value={reasons}
          onChange={setReasons}
        />
      )}
      <Field>
        <TextArea placeholder={t('um.comment')} value={comment} onChange={setComment} rows={2} maxLength={1000} aria-label={t('um.comment')} />
      </Field>
      <Button
        size="small"
        color="primary"
        disabled={level === null}
        data-testid="gs-rate-submit"
        onClick={async () => {
          try {
            await api('POST', `/api/people/services/applications/${id}/rating`, { level, reasons, ...(comment.trim() ? { comment: comment.trim() } : {}) });
            onDone();
          } catch (e) {
            setNote({ ok: false, text: problemText(e) });
          }
        }}
      >
        {t('gs.rateSubmit')}
      </Button>
      <Note note={note} testId="gs-rate-note" />
    </div>
  );
}

function ApplicationDetail() {
  const { t, n } = useI18n();
  const { id } = useParams();
  const a = useApi<AppView & { timeline: { at: number; label: Text; comment: string | null }[]; form: Record<string, unknown> }>(
    `/api/services/applications/${id}`,
  );
  const pays = useApi<{ id: string; amount: number; status: string; payCode: string | null }[]>(`/api/services/applications/${id}/payments`);
  const rating = useApi<{ levelName: Text; followUp: { state: string; result: string | null; note: string | null } | null } | null>(
    `/api/services/applications/${id}/rating`,
  );
  const [files, setFiles] = useState<Uploaded[]>([]);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  if (!a.data) return <div className="wd-loading">{t('common.loading')}</div>;
  const x = a.data;
  const paid = (pays.data ?? []).some((p) => p.status === 'paid' || p.status === 'refunded');
  const reload = () => {
    a.reload();
    pays.reload();
    rating.reload();
  };
  return (
    <Page title={n(x.item.name)} back="/services?tab=mine" testId="application-page">
      <section className="sa-card">
        <p>
          <Tag color={x.state === 'approved' ? 'success' : x.state === 'supplement' ? 'warning' : 'primary'} data-testid="gs-state">
            {n(x.stateLabel)}
          </Tag>{' '}
          <span className="sa-fine" translate="no">
            {x.id.slice(-8)}
          </span>
        </p>
        <p className="sa-fine">
          {n(x.departmentName)}
          {x.step ? ` · ${n(x.step.name)}（${x.step.index + 1}/${x.step.of}）` : ''}
          {x.dueAt ? ` · ${t('gs.dueBy')} ${fmtTime(x.dueAt)}` : ''}
        </p>
        {x.decisionNote && <p className="sa-fine">{x.decisionNote}</p>}
        {x.resultLicence && (
          <p className="patrol-ok" data-testid="gs-result">
            {t('gs.inWallet')} <a href="/app/wallet">{t('sa.tab.wallet')}</a>
          </p>
        )}
      </section>
      {x.supplement && x.state === 'supplement' && (
        <section className="sa-card" data-testid="gs-supplement">
          <h2>{t('gs.supplement')}</h2>
          <p className="sa-warning">{x.supplement.note}</p>
          <label className="sa-fine">
            {t('gs.upload')}{' '}
            <input
              type="file"
              accept="image/*,application/pdf"
              data-testid="supplement-upload"
              onChange={async (e) =>
                setFiles([...files, ...(await uploadFiles(e.target.files, (m) => setNote({ ok: false, text: m }), t('um.photoTooLarge')))])
              }
            />
          </label>
          <Button
            size="small"
            color="primary"
            disabled={files.length === 0}
            data-testid="supplement-submit"
            onClick={async () => {
              try {
                const key = x.supplement!.keys[0]!;
                await api('POST', `/api/people/services/applications/${x.id}/supplement`, { materials: { [key]: { files: files.map((f) => f.id) } } });
                setFiles([]);
                reload();
              } catch (e) {
                setNote({ ok: false, text: problemText(e) });
              }
            }}
          >
            {t('gs.supplementSubmit')}
          </Button>
        </section>
      )}
      {x.fee > 0 && (
        <section className="sa-card" data-testid="gs-fee">
          <h2>
            {t('gs.fee')} {x.fee.toFixed(2)} {t('gs.yuan')}
          </h2>
          {paid ? (
            <Tag color="success" data-testid="gs-paid">
              {t('gs.paid')}
            </Tag>
          ) : (
            <Button
              size="small"
              color="primary"
              data-testid="gs-pay"
              onClick={async () => {
                try {
                  const order = await api<{ id: string }>('POST', `/api/people/services/applications/${x.id}/payment`);
                  // The development provider: pay here; a city's provider opens its own page.
                  await api('POST', `/api/sandbox/payments/${order.id}/pay`);
                  reload();
                } catch (e) {
                  setNote({ ok: false, text: problemText(e) });
                }
              }}
            >
              {t('gs.pay')}
            </Button>
          )}
          <p className="sa-fine">{t('gs.sandbox')}</p>
        </section>
      )}
      <section className="sa-card">
        <h2>{t('gs.progress')}</h2>
        <List>
          {x.timeline.map((s) => (
            <List.Item key={`${s.at}-${n(s.label)}`} description={s.comment ?? undefined} extra={fmtTime(s.at)}>
              {n(s.label)}
            </List.Item>
          ))}
        </List>
      </section>
      {x.decision && x.decision !== 'withdrawn' && (
        <section className="sa-card">
          {rating.data ? (
            <p data-testid="gs-rated">
              {t('gs.yourRating')}：{n(rating.data.levelName)}
              {rating.data.followUp
                ? ` · ${t(rating.data.followUp.state === 'done' ? 'gs.followedUp' : 'gs.followingUp')}${rating.data.followUp.note ? `：${rating.data.followUp.note}` : ''}`
                : ''}
            </p>
          ) : (
            <Rate id={x.id} onDone={reload} />
          )}
        </section>
      )}
      <Note note={note} testId="gs-note" />
    </Page>
  );
}

function Book() {
  const { t, n } = useI18n();
  const nav = useNavigate();
  const halls = useApi<{ code: string; kind: string; name: Text; windows: { code: string; name: Text }[] }[]>('/api/services/halls');
  const [hall, setHall] = useState<string | null>(null);
  const [win, setWin] = useState<string | null>(null);
  const days = Array.from({ length: 7 }, (_, i) => cityDay(i));
  const [day, setDay] = useState(days[1]!);
  const slots = useApi<{ open: boolean; slots: { start: string; left: number; past: boolean }[] }>(
    hall && win ? `/api/services/halls/${hall}/windows/${win}/slots?day=${day}` : null,
  );
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const h = halls.data?.find((x) => x.code === hall);
  return (
    <Page title={t('gs.book')} back="/services?tab=appointments" testId="book-page">
      <section className="sa-card">
        <Selector
          columns={1}
          options={(halls.data ?? []).map((x) => ({ label: n(x.name), value: x.code }))}
          value={hall ? [hall] : []}
          onChange={(s) => {
            setHall(s[0] ?? null);
            setWin(null);
          }}
          data-testid="book-hall"
        />
      </section>
      {h && (
        <section className="sa-card">
          <Selector
            columns={2}
            options={h.windows.map((w) => ({ label: n(w.name), value: w.code }))}
            value={win ? [win] : []}
            onChange={(s) => setWin(s[0] ?? null)}
            data-testid="book-window"
          />
          <Selector
            columns={4}
            options={days.map((d, i) => ({ label: i === 0 ? t('sa.today') : d.slice(5), value: d }))}
            value={[day]}
            onChange={(s) => s[0] && setDay(s[0])}
            data-testid="book-day"
          />
          {slots.data && !slots.data.open && (
            <p className="sa-fine" data-testid="book-closed">
              {t('gs.closed')}
            </p>
          )}
          <List>
            {(slots.data?.slots ?? []).map((s) => (
              <List.Item
                key={s.start}
                extra={s.past ? t('sa.slotOver') : `${t('sa.left')} ${s.left}`}
                arrowIcon={false}
                onClick={
                  !s.past && s.left > 0
                    ? async () => {
                        try {
                          await api('POST', '/api/people/services/appointments', { hall, window: win, day, start: s.start });
                          nav('/services?tab=appointments');
                        } catch (e) {
                          setNote({ ok: false, text: problemText(e) });
                        }
                      }
                    : undefined
                }
                data-testid={`book-slot-${s.start}`}
              >
                {s.start}
              </List.Item>
            ))}
          </List>
        </section>
      )}
      <Note note={note} testId="book-note" />
    </Page>
  );
}

export function ServicesPage() {
  return (
    <Routes>
      <Route path="/" element={<Home />} />
      <Route path="/item/:code" element={<Apply />} />
      <Route path="/event/:code" element={<Bundle />} />
      <Route path="/applications/:id" element={<ApplicationDetail />} />
      <Route path="/book" element={<Book />} />
    </Routes>
  );
}
