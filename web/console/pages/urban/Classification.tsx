/**
 * The classification of components and events (部件、事件分类) as the centre keeps it: every
 * subcategory with its responsible unit (and the district's own), time limits, filing and closing
 * conditions and source; earlier versions to read; and, for the command centre, an editor whose
 * every save is a new version (cases keep the version they were filed under).
 */
import { App, Button, Drawer, Input, InputNumber, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import type { Classification, Subcategory } from '../../../../modules/urban/index';
import { api, type Me, problemText } from '../../../shared/api';
import { Field } from '../../../shared/Field';
import { useApi } from '../../../shared/hooks';
import { useI18n } from '../../../shared/i18n';
import { Code, Name, useDeptName } from '../../../shared/labels';
import { isCentre } from './Cases';

type Limit = Subcategory['limits']['normal'];

function useLimitText() {
  const { t } = useI18n();
  return (l: Limit | undefined) => {
    if (!l) return '—';
    if ('workingDays' in l) return `${l.workingDays} ${t('um.cls.workingDays')}`;
    if ('workingHours' in l) return `${l.workingHours} ${t('um.cls.workingHours')}`;
    return `${l.hours} ${t('um.cls.hours')}`;
  };
}

export function ClassificationPage({ user }: { user: Me }) {
  const { t, n } = useI18n();
  const dept = useDeptName();
  const limit = useLimitText();
  const versions = useApi<{ version: number; note: string | null; at: number }[]>('/api/urban/classification/versions');
  const [version, setVersion] = useState<number | null>(null);
  const cls = useApi<Classification>(`/api/urban/classification${version ? `?version=${version}` : ''}`);
  const [editing, setEditing] = useState<Subcategory | null>(null);
  const centre = isCentre(user, cls.data);
  const latest = versions.data?.[0]?.version ?? null;
  return (
    <>
      <Typography.Title level={3}>{t('nav.classification')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('um.cls.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Field>
          {t('um.cls.version')}{' '}
          <Select
            style={{ minWidth: 320 }}
            value={version ?? latest}
            onChange={(v) => setVersion(v === latest ? null : v)}
            options={(versions.data ?? []).map((v) => ({
              value: v.version,
              // The note is the editor's own words (or the first version's), shown as written.
              label: (
                <>
                  {v.version} · {dayjs(v.at).format('YYYY-MM-DD HH:mm')} · {v.note ? <Name>{v.note}</Name> : t('um.cls.initial')}
                </>
              ),
            }))}
          />
        </Field>
        {cls.data && (
          <Typography.Text type="secondary">
            {t('um.cls.count')} {cls.data.subcategories.length}
          </Typography.Text>
        )}
      </Space>
      <Table<Subcategory>
        rowKey="code"
        size="small"
        loading={cls.loading}
        dataSource={cls.data?.subcategories ?? []}
        pagination={{ pageSize: 100 }}
        columns={[
          { title: t('um.cls.code'), dataIndex: 'code', render: (v: string) => <Code>{v}</Code> },
          { title: t('um.cls.major'), render: (_: unknown, s) => `${s.kind === 'component' ? t('um.cls.component') : t('um.cls.event')} · ${n(s.major)}` },
          {
            title: t('um.col.category'),
            render: (_: unknown, s) => (
              <Space size={4}>
                {n(s.name)}
                {s.retired && <Tag>{t('um.cls.retired')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('um.col.unit'),
            render: (_: unknown, s) => (
              <Space direction="vertical" size={0}>
                <span>{dept(s.unit)}</span>
                {Object.entries(s.districtUnits ?? {}).map(([d, u]) => (
                  <Typography.Text key={d} type="secondary">
                    <Code>{d}</Code> {dept(u)}
                  </Typography.Text>
                ))}
              </Space>
            ),
          },
          { title: t('um.cls.normal'), render: (_: unknown, s) => limit(s.limits.normal) },
          { title: t('um.cls.urgent'), render: (_: unknown, s) => limit(s.limits.urgent) },
          { title: t('um.col.filing'), render: (_: unknown, s) => n(s.filing) },
          { title: t('um.cls.source'), dataIndex: 'source', render: (v: string) => <Name>{v}</Name> },
          ...(centre && version === null
            ? [
                {
                  title: '',
                  render: (_: unknown, s: Subcategory) => (
                    <Button size="small" onClick={() => setEditing(s)} data-testid={`edit-${s.code}`}>
                      {t('um.cls.edit')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Drawer open={editing !== null} onClose={() => setEditing(null)} width={560} title={t('um.cls.edit')} destroyOnHidden>
        {editing && (
          <Editor
            s={editing}
            onSaved={() => {
              setEditing(null);
              cls.reload();
              versions.reload();
            }}
          />
        )}
      </Drawer>
    </>
  );
}

function Editor({ s, onSaved }: { s: Subcategory; onSaved: () => void }) {
  const { t, n } = useI18n();
  const { message } = App.useApp();
  const dept = useDeptName();
  const departments = useApi<{ code: string }[]>('/api/departments');
  const [unit, setUnit] = useState(s.unit);
  const unitOf = (l: Limit) => ('workingDays' in l ? 'workingDays' : 'workingHours');
  const amountOf = (l: Limit) => ('workingDays' in l ? l.workingDays : 'workingHours' in l ? l.workingHours : l.hours);
  const [normalUnit, setNormalUnit] = useState(unitOf(s.limits.normal));
  const [normal, setNormal] = useState<number | null>(amountOf(s.limits.normal));
  const [filingZh, setFilingZh] = useState(s.filing.zh);
  const [closingZh, setClosingZh] = useState(s.closing.zh);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    try {
      const { code, ...rest } = s;
      await api('PUT', `/api/urban/classification/subcategories/${code}`, {
        ...rest,
        unit,
        limits: { ...s.limits, normal: { [normalUnit]: normal ?? 1 } },
        filing: { ...s.filing, zh: filingZh },
        closing: { ...s.closing, zh: closingZh },
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      message.success(t('um.cls.saved'));
      onSaved();
    } catch (e) {
      message.error(problemText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Text>
        <Code>{s.code}</Code> {n(s.name)}
      </Typography.Text>
      <Field block>
        {t('um.col.unit')}
        <Select
          style={{ width: '100%' }}
          value={unit}
          onChange={setUnit}
          options={(departments.data ?? []).map((d) => ({ value: d.code, label: dept(d.code) }))}
          showSearch
          optionFilterProp="label"
        />
      </Field>
      <Space>
        <Field>
          {t('um.cls.normal')} <InputNumber min={1} max={480} value={normal} onChange={setNormal} />
        </Field>
        <Select
          aria-label={t('um.cls.normal')}
          value={normalUnit}
          onChange={setNormalUnit}
          options={[
            { value: 'workingDays', label: t('um.cls.workingDays') },
            { value: 'workingHours', label: t('um.cls.workingHours') },
          ]}
        />
      </Space>
      <Field block>
        {t('um.col.filing')}
        <Input.TextArea rows={2} value={filingZh} onChange={(e) => setFilingZh(e.target.value)} />
      </Field>
      <Field block>
        {t('um.col.closing')}
        <Input.TextArea rows={2} value={closingZh} onChange={(e) => setClosingZh(e.target.value)} />
      </Field>
      <Field block>
        {t('um.cls.note')}
        <Input value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} />
      </Field>
      <Button type="primary" loading={busy} onClick={save} data-testid="cls-save">
        {t('um.cls.saveVersion')}
      </Button>
    </Space>
  );
}
