/**
 * The review (复盘) of an ended response: duration, each unit's time to accept and complete, the
 * overdue tasks, resources used, the timeline, and the lessons, which lead to a revision of the
 * plan. Exported as HTML and PDF.
 */
import { Alert, App, Button, Card, Descriptions, Input, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api, download, type Me, problemText } from '../../../shared/api';
import { useApi } from '../../../shared/hooks';
import { type StringKey, useI18n } from '../../../shared/i18n';
import { DrillBanner, DrillTag, fmtTime, type Incident, ResponseLevelTag, TaskStateTag, useUnitNames } from './common';

interface Review {
  incident: Incident;
  units: { unit: string; tasks: number; completed: number; cancelled: number; overdue: number; acceptMinutes: number | null; completeMinutes: number | null }[];
  overdue: { unit: string; title: string; state: string; dueAt: number; closedAt: number | null }[];
  resources: { name: string; quantity: number; unit: string | null; department: string; status: string }[];
  timeline: { at: number; kind: string; unit: string | null; actor: string | null; text: string | null }[];
  lessons: string | null;
  durationMinutes: number | null;
}

export function ReviewPage({ user }: { user: Me }) {
  const { id = '' } = useParams();
  const { t, lang } = useI18n();
  const nav = useNavigate();
  const { message } = App.useApp();
  const unitName = useUnitNames();
  const { data, error, reload } = useApi<Review>(`/api/command/incidents/${encodeURIComponent(id)}/review`);
  const [lessons, setLessons] = useState('');
  useEffect(() => setLessons(data?.lessons ?? ''), [data?.lessons]);
  if (error) return <Alert type="error" message={error} />;
  if (!data) return <Card loading />;
  const inc = data.incident;
  const canDecide = user.permissions.includes('command.decide');
  const save = async () => {
    try {
      await api('PUT', `/api/command/incidents/${id}/lessons`, { lessons });
      message.success(t('common.saved'));
      reload();
    } catch (e) {
      message.error(problemText(e));
    }
  };
  const exportAs = (format: 'html' | 'pdf') =>
    download(`/api/command/incidents/${id}/review?format=${format}`, `review-${id}.${format}`).catch((e) => message.error(problemText(e)));
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="review">
      {inc.drill && <DrillBanner />}
      <Card
        title={
          <Space>
            {inc.drill && <DrillTag />}
            {t('cmd.review')} · {inc.title}
            <ResponseLevelTag level={inc.level} />
          </Space>
        }
        extra={
          <Space>
            <Button onClick={() => nav(`/incidents/${id}`)}>{t('cmd.board')}</Button>
            <Button onClick={() => exportAs('html')} data-testid="export-html">
              HTML
            </Button>
            <Button onClick={() => exportAs('pdf')} data-testid="export-pdf">
              PDF
            </Button>
          </Space>
        }
      >
        <Space size={48} wrap>
          <Statistic title={t('cmd.duration')} value={data.durationMinutes ?? '—'} suffix={t('cmd.minutes')} />
          <Statistic title={t('cmd.units')} value={data.units.length} />
          <Statistic title={t('cmd.tasks')} value={data.units.reduce((a, u) => a + u.tasks, 0)} />
          <Statistic title={t('cmd.overdue')} value={data.overdue.length} valueStyle={data.overdue.length ? { color: '#cf1322' } : {}} />
        </Space>
        <Descriptions size="small" column={2} style={{ marginTop: 12 }}>
          <Descriptions.Item label={t('cmd.plan')}>{inc.planId ? `${inc.planId} v${inc.planVersion}` : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('cmd.endReason')}>{inc.endReason ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('cmd.activatedAt')}>{fmtTime(inc.activatedAt, lang)}</Descriptions.Item>
          <Descriptions.Item label={t('cmd.endedAt')}>{fmtTime(inc.endedAt, lang)}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card size="small" title={t('cmd.byUnit')}>
        <Table
          size="small"
          rowKey="unit"
          pagination={false}
          dataSource={data.units}
          data-testid="review-units"
          columns={[
            { title: t('cmd.unit'), render: (_, u) => unitName(u.unit) },
            { title: t('cmd.tasks'), dataIndex: 'tasks', width: 70 },
            { title: t('cmd.task.completed'), dataIndex: 'completed', width: 80 },
            { title: t('cmd.task.cancelled'), dataIndex: 'cancelled', width: 80 },
            { title: t('cmd.overdue'), render: (_, u) => (u.overdue ? <Tag color="red">{u.overdue}</Tag> : 0), width: 80 },
            { title: t('cmd.minutesToAccept'), render: (_, u) => u.acceptMinutes ?? '—', width: 130 },
            { title: t('cmd.minutesToComplete'), render: (_, u) => u.completeMinutes ?? '—', width: 130 },
          ]}
        />
      </Card>
      {data.overdue.length > 0 && (
        <Card size="small" title={t('cmd.overdueTasks')}>
          <Table
            size="small"
            rowKey={(o) => `${o.unit}${o.title}${o.dueAt}`}
            pagination={false}
            dataSource={data.overdue}
            columns={[
              { title: t('cmd.unit'), render: (_, o) => unitName(o.unit) },
              { title: t('col.task'), dataIndex: 'title' },
              { title: t('col.status'), render: (_, o) => <TaskStateTag state={o.state} /> },
              { title: t('cmd.dueAt'), render: (_, o) => fmtTime(o.dueAt, lang) },
              { title: t('cmd.closedAt'), render: (_, o) => fmtTime(o.closedAt, lang) },
            ]}
          />
        </Card>
      )}
      {data.resources.length > 0 && (
        <Card size="small" title={t('cmd.resourcesUsed')}>
          <Table
            size="small"
            rowKey={(r) => `${r.name}${r.quantity}${r.status}`}
            pagination={false}
            dataSource={data.resources}
            columns={[
              { title: t('col.name'), dataIndex: 'name' },
              { title: t('cmd.quantity'), render: (_, r) => `${r.quantity}${r.unit ?? ''}` },
              { title: t('dev.department'), render: (_, r) => unitName(r.department) },
              { title: t('col.status'), render: (_, r) => (r.status === 'returned' ? t('cmd.returned') : t('cmd.out')) },
            ]}
          />
        </Card>
      )}
      <Card size="small" title={t('cmd.lessons')}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Input.TextArea
            rows={5}
            value={lessons}
            onChange={(e) => setLessons(e.target.value)}
            readOnly={!canDecide}
            placeholder={t('cmd.lessonsHint')}
            data-testid="lessons"
          />
          <Space>
            {canDecide && (
              <Button type="primary" onClick={save} disabled={!lessons.trim()} data-testid="save-lessons">
                {t('cmd.saveLessons')}
              </Button>
            )}
            {inc.planId && data.lessons && user.permissions.includes('command.manage') && (
              <Button onClick={() => nav(`/plans?edit=${encodeURIComponent(inc.planId!)}&from=${encodeURIComponent(id)}`)} data-testid="revise-plan">
                {t('cmd.revisePlan')}
              </Button>
            )}
          </Space>
        </Space>
      </Card>
      <Card size="small" title={t('cmd.timeline')}>
        <Table
          size="small"
          rowKey={(e) => `${e.at}${e.kind}${e.text}`}
          pagination={{ pageSize: 20 }}
          dataSource={data.timeline}
          columns={[
            { title: t('col.time'), render: (_, e) => fmtTime(e.at, lang), width: 120 },
            { title: t('col.action'), render: (_, e) => t(`cmd.ev.${e.kind}` as StringKey), width: 130 },
            { title: t('cmd.unit'), render: (_, e) => (e.unit ? unitName(e.unit) : '—'), width: 140 },
            { title: t('col.actor'), render: (_, e) => e.actor ?? t('cmd.system'), width: 110 },
            { title: '', render: (_, e) => <Typography.Text>{e.text}</Typography.Text> },
          ]}
        />
      </Card>
    </Space>
  );
}
