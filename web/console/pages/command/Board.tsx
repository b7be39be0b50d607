/**
 * The situation board of one incident (事件态势): the decision (activate a plan at a level in one
 * click, raise or lower it, end it), every unit's tasks with their state and deadlines, the map
 * with the incident, the devices around it and their newest readings, resources and shelters,
 * resources allocated, the shared timeline and the linked alerts. Updates live.
 */
import { Alert, App, Button, Card, Col, Descriptions, Empty, Input, InputNumber, Modal, Row, Select, Space, Table, Tag, Timeline, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api, type Me, problemText } from '../../../shared/api';
import { AuthImage } from '../../../shared/photos';
import { CityMap, useDistricts } from '../../../shared/CityMap';
import { useApi, useCoalesced, useLive } from '../../../shared/hooks';
import { type StringKey, useI18n } from '../../../shared/i18n';
import { Code, Name, useAttributeNamer } from '../../../shared/labels';
import { formatReading } from '../Devices';
import {
  type Board,
  type Label,
  DrillBanner,
  DrillTag,
  fmtTime,
  IncidentStatusTag,
  LEVEL_ROMAN,
  type Resource,
  ResponseLevelTag,
  type Task,
  TaskStateTag,
  useUnitNames,
} from './common';

interface Surroundings {
  center: { lon: number; lat: number } | null;
  radiusM: number;
  devices: {
    id: string;
    name: string | null;
    type: string;
    location: { lon: number; lat: number };
    distanceM: number;
    status: string;
    latest: { attr: string; at: number; value: number | string | null }[];
  }[];
  devicesInRadius: number;
  resources: (Resource & { distanceM: number })[];
}

interface Proposal {
  planId: string | null;
  planTitle: { zh: string; en: string } | null;
  level: number | null;
  alternatives: string[];
}

const RADIUS_M = 3000;
const DEVICE_COLOUR: Record<string, string> = { online: '#52c41a', offline: '#ff4d4f', unknown: '#bfbfbf' };
const RESOURCE_COLOUR: Record<string, string> = { shelter: '#722ed1', team: '#13a8a8', supply: '#d48806', vehicle: '#1f5fbf', expert: '#eb2f96' };

export function IncidentBoardPage({ user }: { user: Me }) {
  const { id = '' } = useParams();
  const { t, n, lang } = useI18n();
  const nav = useNavigate();
  const unitName = useUnitNames();
  const { districts } = useDistricts(true);
  const board = useApi<Board>(`/api/command/incidents/${encodeURIComponent(id)}`);
  const planList = useApi<{ id: string; title: Label }[]>('/api/command/plans').data;
  const sur = useApi<Surroundings>(`/api/command/incidents/${encodeURIComponent(id)}/surroundings?radiusM=${RADIUS_M}`);
  const reloadSoon = useCoalesced(() => {
    board.reload();
    sur.reload();
  }, 300);
  useLive('incidents', (m) => {
    if (m.kind === 'incident' && (m.id === id || m.incidentId === id)) reloadSoon();
  });
  // Readings around the incident move on their own: refresh them twice a minute.
  useEffect(() => {
    const timer = setInterval(sur.reload, 30_000);
    return () => clearInterval(timer);
  }, [sur.reload]);

  // An incident outside the caller's scope answers as one that does not exist: say both, and the way back.
  if (board.error)
    return (
      <Empty description={t('cmd.noSuchIncident')} data-testid="incident-missing">
        <Button onClick={() => nav('/incidents')}>{t('nav.incidents')}</Button>
      </Empty>
    );
  const b = board.data;
  if (!b) return <Card loading />;
  const inc = b.incident;
  const planTitle = planList?.find((p) => p.id === inc.planId)?.title;
  const canDecide = user.permissions.includes('command.decide') && !b.readOnly;
  const districtName = inc.district ? n(districts?.find((d) => d.adcode === inc.district)?.name ?? { zh: inc.district, en: inc.district }) : '—';

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="incident-board">
      {inc.drill && <DrillBanner />}
      {b.readOnly && <Alert type="info" showIcon message={t('scope.readOnlyIncident')} data-testid="read-only" />}
      <Card
        title={
          <Space wrap>
            {inc.drill && <DrillTag />}
            <span data-testid="incident-title" translate="no">
              {inc.title}
            </span>
            <ResponseLevelTag level={inc.level} />
            <IncidentStatusTag status={inc.status} />
          </Space>
        }
        extra={
          <Space>
            <Button onClick={() => nav(inc.drill ? '/drills' : '/incidents')}>{t('cmd.backToList')}</Button>
            {inc.status === 'ended' && (
              <Button type="primary" onClick={() => nav(`/incidents/${id}/review`)} data-testid="open-review">
                {t('cmd.review')}
              </Button>
            )}
          </Space>
        }
      >
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('cmd.subkind')}>
            {inc.subkindLabel ? n(inc.subkindLabel) : inc.subkind} · {n(inc.kindLabel)}
          </Descriptions.Item>
          <Descriptions.Item label={t('dev.district')}>{districtName}</Descriptions.Item>
          <Descriptions.Item label={t('cmd.severity')}>{t(`cmd.level.${inc.severity}` as StringKey)}</Descriptions.Item>
          <Descriptions.Item label={t('cmd.reportedAt')}>
            {fmtTime(inc.createdAt, lang)} · {t(`cmd.source.${inc.source}` as StringKey)}
          </Descriptions.Item>
          <Descriptions.Item label={t('cmd.plan')}>
            {inc.planId ? (
              <>
                {planTitle ? n(planTitle) : <Code>{inc.planId}</Code>} · {t('cmd.version')} {inc.planVersion}
              </>
            ) : (
              '—'
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('cmd.activatedAt')}>{fmtTime(inc.activatedAt, lang)}</Descriptions.Item>
          {inc.description && (
            <Descriptions.Item label={t('cmd.description')} span={3}>
              {inc.description}
            </Descriptions.Item>
          )}
          {inc.endReason && (
            <Descriptions.Item label={t('cmd.endReason')} span={3}>
              {inc.endReason}
            </Descriptions.Item>
          )}
        </Descriptions>
        {canDecide && inc.status !== 'ended' && <Decision board={b} onChanged={board.reload} />}
      </Card>

      <Row gutter={16}>
        <Col xs={24} xl={14}>
          <TasksCard tasks={b.tasks} user={user} ended={inc.status === 'ended'} unitName={unitName} onChanged={board.reload} />
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title={t('cmd.map')} extra={sur.data && <MapLegend />}>
            {districts && sur.data?.center ? (
              <SituationMap districts={districts} s={sur.data} />
            ) : (
              <Empty description={t('cmd.noLocation')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
            )}
          </Card>
        </Col>
      </Row>

      <Row gutter={16}>
        <Col xs={24} xl={14}>
          <NearbyDevices s={sur.data} />
          <ResourcesCard board={b} nearby={sur.data?.resources ?? []} canDecide={canDecide} unitName={unitName} onChanged={reloadSoon} />
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title={t('cmd.timeline')}>
            <Timeline
              data-testid="incident-timeline"
              items={[...b.timeline].reverse().map((e) => ({
                color: e.kind === 'task_escalated' ? 'red' : e.kind.startsWith('task_') ? 'blue' : 'green',
                children: (
                  <div data-kind={e.kind}>
                    <Typography.Text strong>{t(`cmd.ev.${e.kind}` as StringKey)}</Typography.Text>{' '}
                    <Typography.Text type="secondary">
                      {fmtTime(e.at, lang)} · {e.actor ? <span translate="no">{e.actor}</span> : t('cmd.system')}
                      {e.unit ? ` · ${unitName(e.unit)}` : ''}
                    </Typography.Text>
                    <div>
                      {n(e.lead)}
                      {e.words && (
                        <>
                          {n(e.lead) ? (lang === 'zh' ? '：' : ': ') : ''}
                          <span translate="no">{e.words}</span>
                        </>
                      )}
                    </div>
                    {Array.isArray(e.data?.photos) && (
                      <Space wrap size={4} style={{ marginTop: 4 }} data-testid="timeline-photos">
                        {(e.data.photos as { name: string; url: string }[]).map((p) => (
                          <AuthImage key={p.url} url={p.url} alt={p.name} size={64} />
                        ))}
                      </Space>
                    )}
                    {e.data?.location ? (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {t('cmd.reportedFrom')} {(e.data.location as { lon: number }).lon}, {(e.data.location as { lat: number }).lat}
                      </Typography.Text>
                    ) : null}
                  </div>
                ),
              }))}
            />
          </Card>
          {b.notifications.length > 0 && (
            <Card size="small" title={t('cmd.messages')}>
              <Table
                size="small"
                rowKey="id"
                pagination={{ pageSize: 5 }}
                dataSource={b.notifications}
                data-testid="task-messages"
                columns={[
                  { title: t('cmd.unit'), render: (_, m) => unitName(m.department) },
                  { title: t('cmd.channel'), render: (_, m) => `${m.channel} ${m.address}` },
                  { title: t('col.action'), render: (_, m) => t(`cmd.ev.${m.event}` as StringKey), width: 90 },
                  {
                    title: t('col.status'),
                    width: 80,
                    render: (_, m) => (
                      <Tag color={m.status === 'sent' ? 'green' : m.status === 'failed' ? 'red' : 'orange'} title={m.lastError ?? undefined}>
                        {t(`cmd.msg.${m.status}` as StringKey)}
                      </Tag>
                    ),
                  },
                ]}
              />
            </Card>
          )}
          {b.alerts.length > 0 && (
            <Card size="small" title={t('cmd.alerts')}>
              <Space wrap>
                {b.alerts.map((a) => (
                  <AlertName key={a} id={a} />
                ))}
              </Space>
            </Card>
          )}
        </Col>
      </Row>
    </Space>
  );
}

/** The decision: activate a plan at a level (the system's proposal preselected), raise or lower, end. */
function Decision({ board, onChanged }: { board: Board; onChanged: () => void }) {
  const { t, n } = useI18n();
  const { message } = App.useApp();
  const inc = board.incident;
  const proposal = useApi<Proposal>(inc.status === 'open' ? `/api/command/incidents/${inc.id}/proposal` : null).data;
  const plans = useApi<{ id: string; title: { zh: string; en: string }; subkinds: string[] }[]>('/api/command/plans?status=active').data;
  const [planId, setPlanId] = useState<string | null>(null);
  const [level, setLevel] = useState<number | null>(null);
  const [reason, setReason] = useState('');
  const [ending, setEnding] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (proposal) {
      setPlanId((p) => p ?? proposal.planId);
      setLevel((l) => l ?? proposal.level);
    }
  }, [proposal]);
  const call = async (path: string, body: Record<string, unknown>) => {
    setBusy(true);
    try {
      await api('POST', `/api/command/incidents/${inc.id}/${path}`, { ...body, rev: inc.rev });
      setReason('');
      setEnding(false);
      onChanged();
    } catch (e) {
      message.error(problemText(e));
      onChanged();
    } finally {
      setBusy(false);
    }
  };
  const levelOptions = [4, 3, 2, 1].map((l) => ({ value: l, label: `${LEVEL_ROMAN[l]} ${t('cmd.levelResponse')}` }));
  if (inc.status === 'open')
    return (
      <Card size="small" style={{ marginTop: 12, borderColor: '#fa8c16' }} data-testid="decision">
        <Space direction="vertical" style={{ width: '100%' }}>
          {proposal?.planId ? (
            <Typography.Text data-testid="proposal">
              {t('cmd.proposed')}: <b>{proposal.planTitle ? n(proposal.planTitle) : proposal.planId}</b> · <b>{LEVEL_ROMAN[proposal.level ?? 4]}</b>{' '}
              {t('cmd.levelResponse')}
            </Typography.Text>
          ) : (
            <Typography.Text type="secondary">{t('cmd.noProposal')}</Typography.Text>
          )}
          <Space wrap>
            <Select
              style={{ width: 280 }}
              value={planId}
              onChange={setPlanId}
              placeholder={t('cmd.plan')}
              aria-label={t('cmd.plan')}
              data-testid="activate-plan"
              options={(plans ?? []).map((p) => ({ value: p.id, label: n(p.title) }))}
            />
            <Select
              style={{ width: 150 }}
              value={level}
              onChange={setLevel}
              placeholder={t('cmd.response')}
              aria-label={t('cmd.response')}
              data-testid="activate-level"
              options={levelOptions}
            />
            <Button
              type="primary"
              danger
              size="large"
              disabled={!planId || !level}
              loading={busy}
              onClick={() => call('activate', { planId, level })}
              data-testid="activate"
            >
              {t('cmd.activate')}
            </Button>
          </Space>
        </Space>
      </Card>
    );
  return (
    <Card size="small" style={{ marginTop: 12 }} data-testid="decision">
      <Space wrap>
        <Select
          style={{ width: 150 }}
          value={level ?? inc.level}
          onChange={setLevel}
          aria-label={t('cmd.response')}
          data-testid="change-level"
          options={levelOptions}
        />
        <Input
          style={{ width: 320 }}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder={t('cmd.reason')}
          aria-label={t('cmd.reason')}
          maxLength={500}
          data-testid="level-reason"
        />
        <Button
          disabled={!reason.trim() || !level || level === inc.level}
          loading={busy}
          onClick={() => call('level', { level, reason })}
          data-testid="apply-level"
        >
          {t('cmd.changeLevel')}
        </Button>
        <Button danger onClick={() => setEnding(true)} data-testid="end-response">
          {t('cmd.end')}
        </Button>
      </Space>
      <Modal
        open={ending}
        title={t('cmd.end')}
        onCancel={() => setEnding(false)}
        onOk={() => call('end', { reason })}
        okButtonProps={{ disabled: !reason.trim(), 'data-testid': 'end-ok' } as { disabled: boolean }}
      >
        <Input.TextArea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('cmd.endReason')} data-testid="end-reason" />
      </Modal>
    </Card>
  );
}

/** Tasks by unit; a unit's own people accept, report and complete theirs here. */
function TasksCard({
  tasks,
  user,
  ended,
  unitName,
  onChanged,
}: {
  tasks: Task[];
  user: Me;
  ended: boolean;
  unitName: (c: string | null) => string;
  onChanged: () => void;
}) {
  const { t, n, lang } = useI18n();
  const { message } = App.useApp();
  const [acting, setActing] = useState<{ task: Task; action: 'report' | 'complete' } | null>(null);
  const [text, setText] = useState('');
  // A report's photos (uploaded as they are chosen) and its place (the device's position, or typed).
  const [photos, setPhotos] = useState<{ name: string; url: string }[]>([]);
  const [uploading, setUploading] = useState(false);
  const [place, setPlace] = useState<{ lon: number; lat: number; datum: 'WGS-84' | 'GCJ-02' } | null>(null);
  const { districts } = useDistricts(true);
  const addPhotos = async (list: FileList | null) => {
    if (!list) return;
    setUploading(true);
    try {
      for (const f of Array.from(list)) {
        if (f.size > 8 * 1024 * 1024) {
          message.error(`${f.name}：${t('cmd.photoTooLarge')}`);
          continue;
        }
        const data = await new Promise<string>((resolve, reject) => {
          const r = new FileReader();
          r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
          r.onerror = () => reject(r.error);
          r.readAsDataURL(f);
        });
        const up = await api<{ name: string; url: string }>('POST', '/api/files', { name: f.name, contentType: f.type, data });
        setPhotos((p) => [...p, { name: up.name, url: up.url }]);
      }
    } catch (e) {
      message.error(problemText(e));
    } finally {
      setUploading(false);
    }
  };
  const locate = () =>
    navigator.geolocation?.getCurrentPosition(
      // As the device reports it (WGS-84 from a phone's GPS); the server keeps it in the city's GCJ-02.
      (pos) => setPlace({ lon: Number(pos.coords.longitude.toFixed(6)), lat: Number(pos.coords.latitude.toFixed(6)), datum: 'WGS-84' }),
      () => message.error(t('cmd.noMyLocation')),
    );
  const mine = (task: Task) => !ended && user.permissions.includes('command.act') && user.department === task.unit;
  const sorted = useMemo(() => [...tasks].sort((a, b) => a.unit.localeCompare(b.unit) || a.level - b.level), [tasks]);
  const run = async (task: Task, path: string, body: Record<string, unknown>) => {
    try {
      await api('POST', `/api/command/tasks/${task.id}/${path}`, body);
      setActing(null);
      setText('');
      setPhotos([]);
      setPlace(null);
      onChanged();
    } catch (e) {
      message.error(problemText(e));
      onChanged();
    }
  };
  const units = new Set(tasks.map((x) => x.unit));
  return (
    <Card size="small" title={`${t('cmd.tasks')} (${units.size} ${t('cmd.units')})`}>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={sorted}
        data-testid="tasks-table"
        onRow={(task) => ({ 'data-unit': task.unit, 'data-state': task.state }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('cmd.unit'), render: (_, x) => <Typography.Text strong>{unitName(x.unit)}</Typography.Text>, width: 130 },
          {
            title: t('col.task'),
            render: (_, x) => (
              <Space direction="vertical" size={0}>
                <span>{n(x.title)}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('cmd.acceptBy')} {fmtTime(x.acceptBy, lang)} · {t('cmd.dueAt')} {fmtTime(x.dueAt, lang)}
                  {x.lastReportAt ? ` · ${t('cmd.lastReport')} ${fmtTime(x.lastReportAt, lang)}` : ''}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: t('col.status'),
            width: 96,
            render: (_, x) => (
              <Space size={2} direction="vertical">
                <TaskStateTag state={x.state} />
                {x.overdue && <Tag color="red">{t('cmd.overdue')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('col.actions'),
            width: 150,
            render: (_, x) =>
              mine(x) ? (
                <Space size={4} wrap>
                  {x.state === 'dispatched' && (
                    <Button size="small" type="primary" onClick={() => run(x, 'accept', { rev: x.rev })} data-testid="task-accept">
                      {t('cmd.accept')}
                    </Button>
                  )}
                  {x.state === 'accepted' && (
                    <>
                      <Button size="small" onClick={() => setActing({ task: x, action: 'report' })} data-testid="task-report">
                        {t('cmd.reportProgress')}
                      </Button>
                      <Button size="small" type="primary" onClick={() => setActing({ task: x, action: 'complete' })} data-testid="task-complete">
                        {t('cmd.complete')}
                      </Button>
                    </>
                  )}
                </Space>
              ) : null,
          },
        ]}
      />
      <Modal
        open={acting !== null}
        title={acting ? `${acting.action === 'report' ? t('cmd.reportProgress') : t('cmd.complete')} · ${n(acting.task.title)}` : ''}
        onCancel={() => setActing(null)}
        okButtonProps={{ disabled: !text.trim(), 'data-testid': 'task-ok' } as { disabled: boolean }}
        onOk={() =>
          acting &&
          (acting.action === 'report'
            ? run(acting.task, 'reports', { text, ...(photos.length ? { photos } : {}), ...(place ? { location: place } : {}) })
            : run(acting.task, 'complete', { comment: text, rev: acting.task.rev }))
        }
      >
        <Input.TextArea
          rows={3}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t('cmd.whatWasDone')}
          aria-label={t('cmd.whatWasDone')}
          maxLength={4000}
          showCount
          data-testid="task-text"
        />
        {acting?.action === 'report' && (
          <Space direction="vertical" style={{ marginTop: 12, width: '100%' }}>
            <Space wrap>
              <label className="ant-btn ant-btn-default" style={{ display: 'inline-flex', alignItems: 'center' }}>
                {uploading ? t('cmd.uploading') : t('cmd.addPhotos')}
                <input
                  type="file"
                  accept="image/jpeg,image/png,image/webp"
                  capture="environment"
                  multiple
                  hidden
                  aria-label={t('cmd.addPhotos')}
                  onChange={(e) => void addPhotos(e.target.files)}
                  data-testid="report-photos"
                />
              </label>
              <Button onClick={locate} data-testid="report-locate">
                {t('cmd.useMyLocation')}
              </Button>
              {place && (
                <Typography.Text data-testid="report-place">
                  {t('cmd.lon')} {place.lon} · {t('cmd.lat')} {place.lat}
                </Typography.Text>
              )}
            </Space>
            {/* Or a click on the map (the city's GCJ-02 coordinates). */}
            {districts && (
              <div>
                <Typography.Text type="secondary">{t('cmd.pickOnMap')}</Typography.Text>
                <CityMap
                  districts={districts}
                  height={220}
                  onPick={(lon, lat) => setPlace({ lon, lat, datum: 'GCJ-02' })}
                  points={place ? [{ id: 'report', lon: place.lon, lat: place.lat, color: '#e8363b', title: t('cmd.reportedFrom') }] : []}
                />
              </div>
            )}
            {photos.length > 0 && (
              <Space wrap data-testid="report-photo-list">
                {photos.map((p) => (
                  <AuthImage key={p.url} url={p.url} alt={p.name} />
                ))}
              </Space>
            )}
          </Space>
        )}
      </Modal>
    </Card>
  );
}

function MapLegend() {
  const { t } = useI18n();
  const item = (colour: string, label: string) => (
    <Space size={4} key={label}>
      <span style={{ display: 'inline-block', width: 10, height: 10, borderRadius: 5, background: colour }} />
      <span style={{ fontSize: 12 }}>{label}</span>
    </Space>
  );
  return (
    <Space size={8} wrap>
      {item('#e8363b', t('cmd.incident'))}
      {item(DEVICE_COLOUR.online!, t('cmd.devices'))}
      {item(RESOURCE_COLOUR.shelter!, t('cmd.shelters'))}
      {item(RESOURCE_COLOUR.team!, t('cmd.resources'))}
    </Space>
  );
}

function SituationMap({ districts, s }: { districts: NonNullable<ReturnType<typeof useDistricts>['districts']>; s: Surroundings }) {
  const { t, lang } = useI18n();
  const attrName = useAttributeNamer();
  const points = [
    ...s.resources
      .filter((r) => r.distanceM <= s.radiusM)
      .map((r) => ({
        id: r.id,
        kind: r.kind === 'shelter' ? 'shelter' : 'resource',
        lon: r.location.lon,
        lat: r.location.lat,
        color: RESOURCE_COLOUR[r.kind] ?? '#13a8a8',
        title: `${r.name} · ${r.available}/${r.quantity}${r.unit ?? ''} · ${r.distanceM} m`,
        size: 0.9,
      })),
    ...s.devices.map((d) => ({
      id: d.id,
      kind: 'device',
      lon: d.location.lon,
      lat: d.location.lat,
      color: DEVICE_COLOUR[d.status] ?? '#bfbfbf',
      title: `${d.name ?? d.id} · ${d.latest.map((v) => String(attrName(d.type, v.attr, formatReading(v.value)))).join(lang === 'zh' ? '，' : ', ') || t('dev.status.unknown')}`,
      size: 0.8,
    })),
    ...(s.center ? [{ id: 'incident', kind: 'incident', lon: s.center.lon, lat: s.center.lat, color: '#e8363b', title: t('cmd.incident'), size: 1.6 }] : []),
  ];
  return <CityMap districts={districts} height={360} focus={s.center ? { ...s.center, radiusM: s.radiusM } : null} points={points} />;
}

function NearbyDevices({ s }: { s: Surroundings | null }) {
  const { t, lang } = useI18n();
  const attrName = useAttributeNamer();
  if (!s || s.devices.length === 0) return null;
  return (
    <Card size="small" title={`${t('cmd.nearbyDevices')} (${s.devicesInRadius}, ${s.radiusM / 1000} km)`} style={{ marginBottom: 16 }}>
      <Table
        size="small"
        rowKey="id"
        pagination={{ pageSize: 5 }}
        dataSource={s.devices}
        data-testid="nearby-devices"
        columns={[
          { title: t('col.name'), render: (_, d) => (d.name ? <Name>{d.name}</Name> : <Code>{d.id}</Code>) },
          { title: t('cmd.distance'), render: (_, d) => `${d.distanceM} m`, width: 90 },
          {
            title: t('dev.latest'),
            render: (_, d) =>
              d.latest.length ? (
                <Space wrap size={4}>
                  {d.latest.slice(0, 4).map((v) => (
                    <Tag key={v.attr}>{attrName(d.type, v.attr, formatReading(v.value))}</Tag>
                  ))}
                </Space>
              ) : (
                '—'
              ),
          },
          { title: t('dev.lastSeen'), render: (_, d) => fmtTime(d.latest[0]?.at ?? null, lang), width: 120 },
        ]}
      />
    </Card>
  );
}

/** Resources allocated to the incident, and allocating more from those nearby (refused beyond what is available). */
function ResourcesCard({
  board,
  nearby,
  canDecide,
  unitName,
  onChanged,
}: {
  board: Board;
  nearby: (Resource & { distanceM: number })[];
  canDecide: boolean;
  unitName: (c: string | null) => string;
  onChanged: () => void;
}) {
  const { t, n, lang } = useI18n();
  const { message } = App.useApp();
  const [resourceId, setResourceId] = useState<string | null>(null);
  const [quantity, setQuantity] = useState<number | null>(1);
  const open = board.incident.status !== 'ended';
  const allocate = async () => {
    try {
      await api('POST', `/api/command/incidents/${board.incident.id}/allocations`, { resourceId, quantity });
      setResourceId(null);
      onChanged();
    } catch (e) {
      message.error(problemText(e));
    }
  };
  const giveBack = async (id: string) => {
    try {
      await api('POST', `/api/command/allocations/${id}/return`);
      onChanged();
    } catch (e) {
      message.error(problemText(e));
    }
  };
  return (
    <Card size="small" title={t('cmd.resourcesUsed')}>
      {canDecide && open && (
        <Space wrap style={{ marginBottom: 8 }}>
          <Select
            showSearch
            optionFilterProp="label"
            style={{ width: 340 }}
            value={resourceId}
            onChange={setResourceId}
            placeholder={t('cmd.allocate')}
            aria-label={t('cmd.allocate')}
            data-testid="allocate-resource"
            options={nearby
              .filter((r) => r.available > 0 && r.status === 'available')
              .map((r) => ({ value: r.id, label: `${r.name} · ${n(r.kindLabel)} · ${r.available}${r.unit ?? ''} · ${(r.distanceM / 1000).toFixed(1)} km` }))}
          />
          <InputNumber min={1} value={quantity} onChange={setQuantity} style={{ width: 90 }} aria-label={t('cmd.quantity')} data-testid="allocate-quantity" />
          <Button disabled={!resourceId || !quantity} onClick={allocate} data-testid="allocate">
            {t('cmd.allocate')}
          </Button>
        </Space>
      )}
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={board.allocations}
        data-testid="allocations"
        locale={{ emptyText: t('cmd.noneAllocated') }}
        columns={[
          { title: t('col.name'), dataIndex: 'name' },
          { title: t('cmd.quantity'), render: (_, a) => `${a.quantity}${a.unit ?? ''}`, width: 80 },
          { title: t('dev.department'), render: (_, a) => unitName(a.department), width: 140 },
          { title: t('cmd.allocatedAt'), render: (_, a) => fmtTime(a.allocatedAt, lang), width: 120 },
          {
            title: t('col.status'),
            width: 140,
            render: (_, a) =>
              a.status === 'allocated' ? (
                <Space size={4}>
                  <Tag color="orange">{t('cmd.out')}</Tag>
                  {canDecide && (
                    <Button size="small" onClick={() => giveBack(a.id)}>
                      {t('cmd.return')}
                    </Button>
                  )}
                </Space>
              ) : (
                <Tag>{t('cmd.returned')}</Tag>
              ),
          },
        ]}
      />
    </Card>
  );
}

/** A linked alert by its title (its id is no use to a person), opening the alert inbox. */
function AlertName({ id }: { id: string }) {
  const { n, t } = useI18n();
  const { data, error } = useApi<{ title: Label }>(`/api/alerts/${encodeURIComponent(id)}`);
  // An alert routed only to other departments: the board says so instead of an endless "…".
  if (error) return <Tag data-testid="alert-hidden">{t('cmd.alertHidden')}</Tag>;
  return (
    <Tag>
      <a href={`/console/alerts?alert=${encodeURIComponent(id)}`} translate="no">
        {data ? n(data.title) : '…'}
      </a>
    </Tag>
  );
}
