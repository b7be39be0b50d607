import { App, Button, Card, Col, DatePicker, Form, Input, InputNumber, Row, Select, Space, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { type Me, api, problemText } from '../../shared/api';
import { useApi } from '../../shared/hooks';
import { useI18n } from '../../shared/i18n';

interface Day {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
}

interface YearsInfo {
  years: { year: number; days: number; source: string | null }[];
  officeHours: { start: string; end: string }[];
}

export function CalendarPage({ user }: { user: Me }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const info = useApi<YearsInfo>('/api/calendar/years');
  const [year, setYear] = useState(new Date().getFullYear());
  const data = useApi<{ year: number; days: Day[]; source: string | null }>(`/api/calendar/years/${year}`);
  const [days, setDays] = useState<Day[]>([]);
  const [source, setSource] = useState('');
  const [dirty, setDirty] = useState(false);
  const canManage = user.permissions.includes('calendar.manage');
  const [addForm] = Form.useForm<{ date: dayjs.Dayjs; kind: Day['kind']; name: string }>();
  const [calc, setCalc] = useState<{ from: dayjs.Dayjs; n: number; result?: string }>({ from: dayjs(), n: 5 });

  useEffect(() => {
    setDays(data.data?.days ?? []);
    setSource(data.data?.source ?? '');
    setDirty(false);
  }, [data.data]);

  const save = async () => {
    try {
      await api('PUT', `/api/calendar/years/${year}`, { source: source || undefined, days });
      message.success(t('common.saved'));
      data.reload();
      info.reload();
    } catch (err) {
      message.error(problemText(err));
    }
  };

  const compute = async () => {
    const r = await api<{ date: string; deadline: string }>('GET', `/api/calendar/deadline?from=${calc.from.format('YYYY-MM-DD')}&workingDays=${calc.n}`);
    setCalc({ ...calc, result: `${r.date} (${dayjs(r.deadline).format('YYYY-MM-DD HH:mm')})` });
  };

  const years = Array.from(new Set([...(info.data?.years.map((y) => y.year) ?? []), new Date().getFullYear(), new Date().getFullYear() + 1])).sort();
  return (
    <Row gutter={16}>
      <Col xs={24} lg={16}>
        <Card
          title={t('nav.calendar')}
          extra={
            <Space>
              {t('calendar.year')}
              <Select
                aria-label={t('calendar.year')}
                value={year}
                onChange={setYear}
                options={years.map((y) => ({ value: y, label: y }))}
                style={{ width: 100 }}
                data-testid="calendar-year"
              />
              {canManage && (
                <Button type="primary" disabled={!dirty} onClick={save}>
                  {t('action.save')}
                </Button>
              )}
            </Space>
          }
        >
          {canManage && (
            <Space direction="vertical" style={{ width: '100%', marginBottom: 12 }}>
              <Input
                addonBefore={t('calendar.source')}
                aria-label={t('calendar.source')}
                maxLength={200}
                showCount
                value={source}
                onChange={(e) => {
                  setSource(e.target.value);
                  setDirty(true);
                }}
              />
              <Form
                form={addForm}
                layout="inline"
                onFinish={(v) => {
                  const date = v.date.format('YYYY-MM-DD');
                  setDays([...days.filter((d) => d.date !== date), { date, kind: v.kind, name: v.name }].sort((a, b) => a.date.localeCompare(b.date)));
                  setDirty(true);
                  addForm.resetFields();
                }}
              >
                <Form.Item name="date" rules={[{ required: true, message: t('form.required') }]}>
                  <DatePicker
                    aria-label={t('col.date')}
                    placeholder={t('col.date')}
                    defaultPickerValue={dayjs(`${year}-01-01`)}
                    disabledDate={(d) => d.year() !== year}
                    data-testid="calendar-add-date"
                  />
                </Form.Item>
                <Form.Item name="kind" initialValue="holiday">
                  <Select
                    style={{ width: 140 }}
                    aria-label={t('col.kind')}
                    options={[
                      { value: 'holiday', label: t('calendar.holiday') },
                      { value: 'workday', label: t('calendar.workday') },
                    ]}
                  />
                </Form.Item>
                <Form.Item name="name" rules={[{ required: true, message: t('form.required') }]}>
                  <Input placeholder={t('col.name')} aria-label={t('col.name')} maxLength={40} showCount />
                </Form.Item>
                <Button htmlType="submit">{t('action.add')}</Button>
              </Form>
            </Space>
          )}
          <Table
            rowKey="date"
            size="small"
            loading={data.loading}
            dataSource={days}
            pagination={false}
            columns={[
              { title: t('col.date'), dataIndex: 'date', width: 130 },
              { title: '', render: (_, d) => dayjs(d.date).format('ddd'), width: 70 },
              {
                title: t('col.kind'),
                render: (_, d) => <Tag color={d.kind === 'holiday' ? 'red' : 'blue'}>{t(d.kind === 'holiday' ? 'calendar.holiday' : 'calendar.workday')}</Tag>,
              },
              { title: t('col.name'), dataIndex: 'name', render: (v: string) => holidayName(v, lang) },
              ...(canManage
                ? [
                    {
                      title: '',
                      render: (_: unknown, d: Day) => (
                        <Button
                          size="small"
                          type="link"
                          danger
                          onClick={() => {
                            setDays(days.filter((x) => x.date !== d.date));
                            setDirty(true);
                          }}
                        >
                          {t('action.delete')}
                        </Button>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} lg={8}>
        <Card title={t('calendar.deadline')}>
          <Space direction="vertical">
            <Space>
              {t('calendar.from')}
              <DatePicker aria-label={t('calendar.from')} value={calc.from} onChange={(v) => v && setCalc({ ...calc, from: v, result: undefined })} />
            </Space>
            <Space>
              +{' '}
              <InputNumber
                aria-label={t('calendar.workingDays')}
                min={0}
                max={365}
                value={calc.n}
                onChange={(v) => setCalc({ ...calc, n: Number(v ?? 0), result: undefined })}
              />{' '}
              {t('calendar.workingDays')}
              <Button onClick={compute}>=</Button>
            </Space>
            {calc.result && (
              <div data-testid="deadline-result">
                {t('calendar.result')}: <b>{calc.result}</b>
              </div>
            )}
            <div style={{ color: '#666' }}>
              {t('calendar.officeHours')}: {info.data?.officeHours.map((w) => `${w.start}–${w.end}`).join(', ')}
            </div>
          </Space>
        </Card>
      </Col>
    </Row>
  );
}

/**
 * A holiday's name in the UI's language. The State Council's schedule names each day in Chinese
 * with its English name after a space (春节 Spring Festival); a name typed in one language is shown as is.
 */
export function holidayName(name: string, lang: 'zh' | 'en'): string {
  const m = /^([\u3400-\u9fff0-9（）·]+)\s+(.+)$/.exec(name);
  if (!m) return name;
  return lang === 'zh' ? m[1]! : m[2]!;
}
