/**
 * 全域旅游: scenic areas with their live load (the colour and the words and the share, never the
 * colour alone), the warnings of their district, time slots for the next week with the places left,
 * a reservation for up to five people, the person's bookings (cancel before the slot ends), and a
 * complaint about the area (旅游投诉), which becomes a case the person follows in 随手拍.
 */
import { Button, List, Selector, Stepper, Tag, TextArea } from 'antd-mobile';
import { useState } from 'react';
import { api, problemText } from '../shared/api';
import { Field } from '../shared/Field';
import { useApi } from '../shared/hooks';
import { type StringKey, useI18n } from '../shared/i18n';
import { type Uploaded, uploadFiles } from '../shared/photos';
import { type Reservation, type ScenicArea, type Slot, type Warning, cityDay } from './people';
import { Page, Synthetic, useAccount } from './shell';

const LEVEL: Record<string, { color: string; key: StringKey }> = {
  green: { color: 'success', key: 'sa.load.green' },
  amber: { color: 'warning', key: 'sa.load.amber' },
  red: { color: 'danger', key: 'sa.load.red' },
  unknown: { color: 'default', key: 'sa.load.unknown' },
};

const TOPICS: { value: string; key: StringKey }[] = [
  { value: 'crowding', key: 'sa.topic.crowding' },
  { value: 'prices', key: 'sa.topic.prices' },
  { value: 'service', key: 'sa.topic.service' },
  { value: 'safety', key: 'sa.topic.safety' },
  { value: 'sanitation', key: 'sa.topic.sanitation' },
  { value: 'other', key: 'sa.topic.other' },
];

/** 旅游投诉: what it is about, what happened, photos; filed as a case the person follows in 随手拍. */
function Complaint({ area }: { area: ScenicArea }) {
  const { t } = useI18n();
  const [topic, setTopic] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [photos, setPhotos] = useState<Uploaded[]>([]);
  const [note, setNote] = useState<{ ok: boolean; text: string; id?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const add = async (list: FileList | null) => {
    const up = await uploadFiles(list, (text) => setNote({ ok: false, text }), t('um.photoTooLarge'));
    setPhotos((p) => [...p, ...up]);
  };
  return (
    <div className="sa-complaint" data-testid="complaint">
      <h3>{t('sa.complain')}</h3>
      <Selector
        columns={3}
        options={TOPICS.map((x) => ({ label: t(x.key), value: x.value }))}
        value={topic ? [topic] : []}
        onChange={(v) => setTopic(v[0] ?? null)}
      />
      <Field>
        <TextArea
          placeholder={t('sa.complainText')}
          value={text}
          onChange={setText}
          rows={3}
          maxLength={2000}
          aria-label={t('sa.complainText')}
          data-testid="complaint-text"
        />
      </Field>
      <label className="sa-fine">
        {t('sa.complainPhoto')} <input type="file" accept="image/*" capture="environment" onChange={(e) => add(e.target.files)} data-testid="complaint-photo" />
      </label>
      {photos.length > 0 && (
        <p className="sa-fine" translate="no">
          {photos.map((p) => p.name).join('，')}
        </p>
      )}
      <Button
        block
        fill="outline"
        color="warning"
        disabled={!topic || !text.trim() || busy}
        data-testid="complaint-submit"
        onClick={async () => {
          setBusy(true);
          setNote(null);
          try {
            const c = await api<{ id: string }>('POST', `/api/people/scenic/${area.code}/complaints`, {
              topic,
              description: text.trim(),
              ...(photos.length ? { photos: photos.map((p) => p.id) } : {}),
            });
            setNote({ ok: true, text: t('sa.complained'), id: c.id });
            setText('');
            setPhotos([]);
            setTopic(null);
          } catch (e) {
            setNote({ ok: false, text: problemText(e) });
          } finally {
            setBusy(false);
          }
        }}
      >
        {t('sa.complainSubmit')}
      </Button>
      {note && (
        <p className={note.ok ? 'patrol-ok' : 'sa-error'} role="status" data-testid="complaint-note">
          {note.text}
          {note.id && (
            <>
              {' '}
              <span translate="no">{note.id.slice(-8)}</span> · <a href="/app/report?tab=mine">{t('sa.followIt')}</a>
            </>
          )}
        </p>
      )}
    </div>
  );
}

function AreaDetail({ area, onBooked }: { area: ScenicArea; onBooked: () => void }) {
  const { t, n } = useI18n();
  const { as } = useAccount();
  const days = Array.from({ length: 7 }, (_, i) => cityDay(i));
  const [day, setDay] = useState(days[0]!);
  const [start, setStart] = useState<string | null>(null);
  const [party, setParty] = useState(1);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const slots = useApi<{ slots: Slot[] }>(`/api/people/scenic/${area.code}/slots?day=${day}`);
  const warnings = useApi<Warning[]>(`/api/people/warnings?district=${encodeURIComponent(area.district)}`);
  return (
    <div className="sa-card" data-testid="area-detail">
      <h2>
        {n(area.name)} <Synthetic on={area.synthetic} />
      </h2>
      {area.weather && (
        <p className="sa-fine" data-testid="area-weather">
          {t('sa.weather')}：{area.weather.temperature !== null ? `${area.weather.temperature.toFixed(0)}°C` : '—'}
          {area.weather.precipitation !== null ? ` · ${t('sa.rain')} ${area.weather.precipitation} mm` : ''}
          {area.weather.windSpeed !== null ? ` · ${t('sa.wind')} ${area.weather.windSpeed} m/s` : ''}（<span translate="no">{area.weather.station}</span>，
          {area.weather.km} km
          {area.weather.simulated ? `，${t('sa.simulatedShort')}` : ''}）
        </p>
      )}
      {(warnings.data ?? []).map((w) => (
        <p key={w.id} className="sa-warning" role="alert">
          {n(w.title)}：{n(w.advice)}
        </p>
      ))}
      <Selector
        columns={4}
        options={days.map((d, i) => ({ label: i === 0 ? t('sa.today') : d.slice(5), value: d }))}
        value={[day]}
        onChange={(v) => {
          if (v[0]) setDay(v[0]);
          setStart(null);
        }}
      />
      <List header={t('sa.slots')}>
        {(slots.data?.slots ?? []).map((s) => (
          <List.Item
            key={s.start}
            onClick={s.open && s.left > 0 ? () => setStart(s.start) : undefined}
            extra={s.open ? `${t('sa.left')} ${s.left}` : t('sa.slotOver')}
            arrowIcon={false}
            className={start === s.start ? 'sa-picked' : undefined}
            data-testid={`slot-${s.start}`}
          >
            {s.start}–{s.end}
            {start === s.start ? ` ✓ ${t('sa.chosen')}` : ''}
          </List.Item>
        ))}
      </List>
      <div className="sa-row">
        <Field>
          <span>{t('sa.party')}</span> <Stepper min={1} max={5} value={party} onChange={setParty} aria-label={t('sa.party')} />
        </Field>
      </div>
      <Button
        block
        color="primary"
        disabled={!start}
        data-testid="reserve"
        onClick={async () => {
          setNote(null);
          try {
            await api('POST', `/api/people/reservations${as ? `?as=${as}` : ''}`, { area: area.code, day, start, party });
            setNote({ ok: true, text: t('sa.booked') });
            slots.reload();
            onBooked();
          } catch (e) {
            setNote({ ok: false, text: problemText(e) });
          }
        }}
      >
        {t('sa.reserve')}
      </Button>
      {note && (
        <p className={note.ok ? 'patrol-ok' : 'sa-error'} role="status" data-testid="reserve-note">
          {note.text}
        </p>
      )}
      <Complaint area={area} />
    </div>
  );
}

export function TravelPage() {
  const { t, n } = useI18n();
  const { as } = useAccount();
  const areas = useApi<ScenicArea[]>('/api/people/scenic');
  const mine = useApi<Reservation[]>(`/api/people/reservations${as ? `?as=${as}` : ''}`);
  const [open, setOpen] = useState<string | null>(null);
  const area = areas.data?.find((a) => a.code === open) ?? null;
  return (
    <Page title={t('sa.svc.travel')} back="/" testId="travel-page">
      <section className="sa-card">
        <List>
          {(areas.data ?? []).map((a) => {
            const lv = LEVEL[a.load.level]!;
            return (
              <List.Item
                key={a.code}
                onClick={() => setOpen(a.code)}
                description={`${a.grade ?? ''} · ${t('sa.todayLeft')} ${a.today.left}`}
                extra={
                  <Tag color={lv.color} data-testid={`load-${a.code}`}>
                    {t(lv.key)}
                    {a.load.share !== null ? ` ${Math.round(a.load.share * 100)}%` : ''}
                  </Tag>
                }
                data-testid={`area-${a.code}`}
              >
                {n(a.name)}
              </List.Item>
            );
          })}
        </List>
        <p className="sa-fine">{t('sa.loadNote')}</p>
      </section>
      {area && <AreaDetail key={area.code} area={area} onBooked={mine.reload} />}
      <section className="sa-card">
        <h2>{t('sa.myBookings')}</h2>
        <List>
          {(mine.data ?? []).map((r) => (
            <List.Item
              key={r.id}
              description={`${r.day} ${r.start} · ${r.party} ${t('sa.people')}`}
              extra={
                r.status === 'booked' ? (
                  <Button
                    size="mini"
                    fill="outline"
                    onClick={async () => {
                      await api('POST', `/api/people/reservations/${r.id}/cancel${as ? `?as=${as}` : ''}`);
                      mine.reload();
                    }}
                  >
                    {t('sa.cancel')}
                  </Button>
                ) : (
                  <Tag>{t(`sa.booking.${r.status}` as StringKey)}</Tag>
                )
              }
              data-testid="booking-row"
            >
              {n(r.area.name)}
            </List.Item>
          ))}
        </List>
        {mine.data?.length === 0 && <p className="sa-fine">{t('sa.noBookings')}</p>}
      </section>
    </Page>
  );
}
