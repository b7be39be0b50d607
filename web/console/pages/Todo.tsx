/**
 * 我的待办 (my to-do): where each staff role lands. Alerts to acknowledge, the unit's tasks to
 * accept or report on with the time left (soonest first), and incidents awaiting the user's
 * decision; for a role with none of these, what it can do in the console today.
 */
import { Card, Col, Empty, List, Row, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { Me } from '../../shared/api';
import { useApi, useCoalesced, useLive } from '../../shared/hooks';
import { type StringKey, useI18n } from '../../shared/i18n';
import { LEVEL_ROMAN, levelColour, levelText } from '../../shared/levels';
import type { AlertRow } from './warning/common';
import type { RequestView } from '../../../modules/sharing/index';
import { useOnce } from '../../shared/labels';

interface TaskInHand {
  id: string;
  incidentId: string;
  incidentTitle: string;
  drill: boolean;
  title: { zh: string; en: string };
  state: string;
  level: number;
  deadlineAt: number | null;
  overdue: boolean;
}
interface OpenIncident {
  id: string;
  title: string;
  severity: number;
  createdAt: number;
}

/** Minutes as a person reads them: 35 分钟, 2 小时 5 分钟. */
function duration(ms: number, lang: 'zh' | 'en'): string {
  const m = Math.max(0, Math.round(ms / 60_000));
  const h = Math.floor(m / 60);
  const rest = m % 60;
  if (lang === 'zh') return h ? `${h} 小时${rest ? ` ${rest} 分钟` : ''}` : `${m} 分钟`;
  return h ? `${h} h${rest ? ` ${rest} min` : ''}` : `${m} min`;
}

export function TodoPage({ user, items }: { user: Me; items: { path: string; label: StringKey }[] }) {
  const { t, n, lang } = useI18n();
  const nav = useNavigate();
  const can = (p: string) => user.permissions.includes(p);
  const alerts = useApi<{ items: AlertRow[]; total: number }>(can('warning.act') ? '/api/alerts?open=true&status=raised&inbox=true&limit=50' : null);
  const tasks = useApi<TaskInHand[]>(can('command.act') ? '/api/command/my-tasks' : null);
  const decisions = useApi<OpenIncident[]>(can('command.decide') ? '/api/command/incidents?drill=false&status=open&limit=50' : null);
  const requests = useApi<{ items: RequestView[]; total: number }>(can('sharing.manage') ? '/api/sharing/requests?box=todo&limit=50' : null);
  const states = useOnce<{ states: { code: string; name: { zh: string; en: string } }[] }>(can('sharing.manage') ? '/api/sharing/requests/vocabulary' : null);
  const reload = useCoalesced(() => {
    alerts.reload();
    tasks.reload();
    decisions.reload();
  }, 1000);
  // Live for what this role reads; a role that reads neither opens no stream.
  useLive([can('warning.read') ? 'alerts' : '', can('command.read') ? 'incidents' : ''].filter(Boolean).join(','), reload, reload);
  // Time left is counted down as the page stays open.
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const nothing = !can('warning.act') && !can('command.act') && !can('command.decide') && !can('sharing.manage');
  const left = (task: TaskInHand) =>
    task.deadlineAt === null
      ? ''
      : task.deadlineAt < now
        ? `${t('todo.overdueBy')} ${duration(now - task.deadlineAt, lang)}`
        : `${t('todo.left')} ${duration(task.deadlineAt - now, lang)}`;
  return (
    <div data-testid="todo">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('nav.todo')}
      </Typography.Title>
      {nothing ? (
        <Card title={t('todo.youCan')} data-testid="todo-can">
          <List
            dataSource={items.filter((i) => i.path !== 'todo')}
            renderItem={(i) => (
              <List.Item onClick={() => nav(`/${i.path}`)} style={{ cursor: 'pointer' }}>
                <Typography.Link>{t(i.label)}</Typography.Link>
              </List.Item>
            )}
          />
          <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
            {t('todo.inspectorNote')}
          </Typography.Paragraph>
        </Card>
      ) : (
        <Row gutter={[16, 16]}>
          {can('command.act') && (
            <Col xs={24} xl={12}>
              <Card title={`${t('todo.tasks')}（${tasks.data?.length ?? 0}）`} data-testid="todo-tasks">
                <List
                  locale={{ emptyText: <Empty description={t('todo.noTasks')} /> }}
                  dataSource={tasks.data ?? []}
                  renderItem={(x) => (
                    <List.Item onClick={() => nav(`/incidents/${x.incidentId}`)} style={{ cursor: 'pointer' }} data-task={x.id}>
                      <List.Item.Meta
                        title={
                          <Space wrap>
                            <Tag color={x.state === 'dispatched' ? 'orange' : 'blue'}>{t(`cmd.task.${x.state}` as StringKey)}</Tag>
                            {n(x.title)}
                          </Space>
                        }
                        description={<span translate="no">{x.incidentTitle}</span>}
                      />
                      <Typography.Text type={x.overdue || (x.deadlineAt ?? Infinity) < now ? 'danger' : undefined} data-testid="time-left">
                        {left(x)}
                      </Typography.Text>
                    </List.Item>
                  )}
                />
              </Card>
            </Col>
          )}
          {can('sharing.manage') && (requests.data?.total ?? 0) > 0 && (
            <Col xs={24} xl={12}>
              <Card title={`${t('todo.requests')}（${requests.data?.total ?? 0}）`} data-testid="todo-requests">
                <List
                  dataSource={requests.data?.items ?? []}
                  renderItem={(r) => (
                    <List.Item onClick={() => nav(`/sharing-requests?request=${encodeURIComponent(r.id)}`)} style={{ cursor: 'pointer' }}>
                      <Space wrap>
                        <Tag color="blue">{n(states?.states.find((s) => s.code === r.state)?.name ?? { zh: r.state, en: r.state })}</Tag>
                        {n(r.resource.name)}
                      </Space>
                      <Typography.Text type={r.deadlineAt !== null && r.deadlineAt < now ? 'danger' : undefined}>
                        {r.deadlineAt === null
                          ? ''
                          : r.deadlineAt < now
                            ? `${t('todo.overdueBy')} ${duration(now - r.deadlineAt, lang)}`
                            : `${t('todo.left')} ${duration(r.deadlineAt - now, lang)}`}
                      </Typography.Text>
                    </List.Item>
                  )}
                />
              </Card>
            </Col>
          )}
          {can('warning.act') && (
            <Col xs={24} xl={12}>
              <Card title={`${t('todo.alerts')}（${alerts.data?.total ?? 0}）`} data-testid="todo-alerts">
                <List
                  locale={{ emptyText: <Empty description={t('todo.noAlerts')} /> }}
                  dataSource={alerts.data?.items ?? []}
                  renderItem={(a) => (
                    <List.Item onClick={() => nav(`/alerts?alert=${encodeURIComponent(a.id)}`)} style={{ cursor: 'pointer' }}>
                      <Space>
                        <Tag color={levelColour(a.level)} style={{ color: levelText(a.level) }}>
                          {LEVEL_ROMAN[a.level]}
                        </Tag>
                        <span translate="no">{n(a.title)}</span>
                      </Space>
                      <Typography.Text type="secondary">
                        {t('todo.raised')} {duration(now - a.raisedAt, lang)}
                      </Typography.Text>
                    </List.Item>
                  )}
                />
              </Card>
            </Col>
          )}
          {can('command.decide') && (
            <Col xs={24} xl={12}>
              <Card title={`${t('todo.decisions')}（${decisions.data?.length ?? 0}）`} data-testid="todo-decisions">
                <List
                  locale={{ emptyText: <Empty description={t('todo.noDecisions')} /> }}
                  dataSource={decisions.data ?? []}
                  renderItem={(i) => (
                    <List.Item onClick={() => nav(`/incidents/${i.id}`)} style={{ cursor: 'pointer' }}>
                      <Space>
                        <Tag color={levelColour(i.severity)} style={{ color: levelText(i.severity) }}>
                          {LEVEL_ROMAN[i.severity]}
                        </Tag>
                        <span translate="no">{i.title}</span>
                      </Space>
                      <Typography.Text type="secondary">
                        {t('todo.reported')} {duration(now - i.createdAt, lang)}
                      </Typography.Text>
                    </List.Item>
                  )}
                />
              </Card>
            </Col>
          )}
        </Row>
      )}
    </div>
  );
}
