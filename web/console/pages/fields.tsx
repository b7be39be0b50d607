import { Alert, Form, Select } from 'antd';
import { useDistricts } from '../../shared/CityMap';
import { type FieldError, useApi } from '../../shared/hooks';
import { useI18n } from '../../shared/i18n';
import { fieldPath, useVocabulary } from '../../shared/labels';
import type { Department } from './types';

/** The form fields that give a user or an API key its roles and data scope (department × districts). */
export function ScopeFields({ roles }: { roles: readonly string[] }) {
  const { t, n, lang } = useI18n();
  const vocab = useVocabulary();
  const depts = useApi<Department[]>('/api/departments');
  const { districts } = useDistricts(false);
  return (
    <>
      <Form.Item name="roles" label={t('col.roles')} rules={[{ required: true }]}>
        <Select mode="multiple" optionFilterProp="label" options={roles.map((r) => ({ value: r, label: vocab?.roles[r]?.[lang] ?? r }))} />
      </Form.Item>
      <Form.Item name="department" label={t('col.department')}>
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          options={(depts.data ?? []).map((d) => ({ value: d.code, label: `${n(d.name)} (${d.code})` }))}
        />
      </Form.Item>
      <Form.Item name="districts" label={t('col.districts')} rules={[{ required: true }]}>
        <Select
          optionFilterProp="label"
          mode="multiple"
          options={[{ value: '*', label: t('common.all') }, ...(districts ?? []).map((d) => ({ value: d.adcode, label: `${n(d.name)} ${d.adcode}` }))]}
        />
      </Form.Item>
    </>
  );
}

/** A draft's field errors from the server, each at its JSON pointer (the editors' live check). */
export function FieldErrorList({
  errors,
  title,
  testId,
  parts,
}: {
  errors: FieldError[] | null;
  title?: string;
  testId: string;
  /** Names of this form's own fields, where they differ from the common ones. */
  parts?: Record<string, { zh: string; en: string }>;
}) {
  const { lang } = useI18n();
  if (!errors?.length) return null;
  const list = (
    <ul style={{ margin: 0, paddingLeft: 18 }}>
      {errors.map((e) => (
        <li key={`${e.pointer}${e.detail}`}>
          {fieldPath(e.pointer, lang, parts)}
          {lang === 'zh' ? '：' : ': '}
          {e.detail}
        </li>
      ))}
    </ul>
  );
  return <Alert type="error" data-testid={testId} message={title ?? list} {...(title ? { description: list } : {})} />;
}
