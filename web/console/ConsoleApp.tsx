import { App as AntApp, Button, ConfigProvider, Layout, Menu, Space, Tag, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import type { Me } from '../shared/api';
import { AuthGate, isStaff } from '../shared/auth';
import { type StringKey, useI18n } from '../shared/i18n';
import { useVocabulary } from '../shared/labels';
import { ApiKeysPage } from './pages/ApiKeys';
import { IncidentBoardPage } from './pages/command/Board';
import { IncidentsPage } from './pages/command/Incidents';
import { PlansPage } from './pages/command/Plans';
import { ResourcesPage } from './pages/command/Resources';
import { ReviewPage } from './pages/command/Review';
import { AuditPage } from './pages/Audit';
import { CalendarPage } from './pages/Calendar';
import { DepartmentsPage } from './pages/Departments';
import { DeviceTypesPage, DevicesPage } from './pages/Devices';
import { DistrictsPage } from './pages/Districts';
import { IndicatorsPage } from './pages/Indicators';
import { MatrixPage } from './pages/Matrix';
import { OverviewPage } from './pages/Overview';
import { RolesPage } from './pages/Roles';
import { CataloguePage } from './pages/sharing/Catalogue';
import { DatabasesPage } from './pages/sharing/Databases';
import { ExchangePage } from './pages/sharing/Exchange';
import { OpenDataPage } from './pages/sharing/OpenData';
import { RequestsPage } from './pages/sharing/Requests';
import { LicencesPage } from './pages/Licences';
import { CasesPage } from './pages/urban/Cases';
import { LicenceSharesPage, ScanPointsPage } from './pages/CityCode';
import { ServicesInboxPage } from './pages/Services';
import { ClassificationPage } from './pages/urban/Classification';
import { EvaluationPage } from './pages/urban/Evaluation';
import { TodoPage } from './pages/Todo';
import { UsersPage } from './pages/Users';
import { AlertsPage } from './pages/warning/Alerts';
import { RulesPage } from './pages/warning/Rules';
import { WarningSettingsPage } from './pages/warning/Settings';

interface NavItem {
  path: string;
  label: StringKey;
  permission: string;
  element: (user: Me) => React.ReactNode;
  /** Pages under this one (a record's own page), not in the menu. */
  sub?: { path: string; element: (user: Me) => React.ReactNode }[];
}

const NAV: NavItem[] = [
  // Where each staff role lands: what awaits them (see TodoPage).
  {
    path: 'todo',
    label: 'nav.todo',
    permission: 'city.read',
    element: (u) => <TodoPage user={u} items={NAV.filter((i) => u.permissions.includes(i.permission))} />,
  },
  { path: 'overview', label: 'nav.overview', permission: 'city.read', element: () => <OverviewPage /> },
  { path: 'departments', label: 'nav.departments', permission: 'city.read', element: (u) => <DepartmentsPage user={u} /> },
  { path: 'districts', label: 'nav.districts', permission: 'city.read', element: () => <DistrictsPage /> },
  { path: 'matrix', label: 'nav.matrix', permission: 'city.read', element: () => <MatrixPage /> },
  {
    path: 'alerts',
    label: 'nav.alerts',
    permission: 'warning.read',
    element: (u) => (
      <AlertsPage
        canAct={u.permissions.includes('warning.act')}
        canCommand={u.permissions.includes('command.report')}
        canReadDevices={u.permissions.includes('devices.read')}
      />
    ),
  },
  {
    path: 'rules',
    label: 'nav.rules',
    permission: 'warning.read',
    element: (u) => <RulesPage canManage={u.permissions.includes('warning.manage')} departments={u.scope.departments} />,
  },
  {
    path: 'warning-settings',
    label: 'nav.warningSettings',
    permission: 'warning.read',
    element: (u) => (
      <WarningSettingsPage
        canManage={u.permissions.includes('warning.manage')}
        canEditEscalation={u.permissions.includes('warning.manage') && u.scope.departments.includes('*')}
        department={u.department}
      />
    ),
  },
  {
    path: 'incidents',
    label: 'nav.incidents',
    permission: 'command.read',
    element: (u) => <IncidentsPage user={u} drill={false} />,
    sub: [
      { path: 'incidents/:id', element: (u) => <IncidentBoardPage user={u} /> },
      { path: 'incidents/:id/review', element: (u) => <ReviewPage user={u} /> },
    ],
  },
  { path: 'plans', label: 'nav.plans', permission: 'command.read', element: (u) => <PlansPage user={u} /> },
  { path: 'resources', label: 'nav.resources', permission: 'command.read', element: (u) => <ResourcesPage user={u} /> },
  { path: 'drills', label: 'nav.drills', permission: 'command.read', element: (u) => <IncidentsPage key="drills" user={u} drill /> },
  { path: 'indicators', label: 'nav.indicators', permission: 'brain.read', element: (u) => <IndicatorsPage user={u} /> },
  {
    path: 'devices',
    label: 'nav.devices',
    permission: 'devices.read',
    element: (u) => <DevicesPage canManage={u.permissions.includes('devices.manage')} me={u} />,
  },
  { path: 'device-types', label: 'nav.deviceTypes', permission: 'devices.read', element: () => <DeviceTypesPage /> },
  { path: 'catalogue', label: 'nav.catalogue', permission: 'sharing.read', element: (u) => <CataloguePage user={u} /> },
  { path: 'sharing-requests', label: 'nav.requests', permission: 'sharing.read', element: (u) => <RequestsPage user={u} /> },
  { path: 'databases', label: 'nav.databases', permission: 'sharing.read', element: (u) => <DatabasesPage user={u} /> },
  { path: 'gateway', label: 'nav.gateway', permission: 'sharing.read', element: (u) => <ExchangePage user={u} /> },
  { path: 'open-data', label: 'nav.opendata', permission: 'sharing.manage', element: (u) => <OpenDataPage user={u} /> },
  { path: 'licences', label: 'nav.licences', permission: 'licences.issue', element: (u) => <LicencesPage user={u} /> },
  { path: 'licence-shares', label: 'nav.licenceShares', permission: 'licences.receive', element: () => <LicenceSharesPage /> },
  { path: 'scan-points', label: 'nav.scanPoints', permission: 'citycode.scan', element: (u) => <ScanPointsPage user={u} /> },
  { path: 'services', label: 'nav.services', permission: 'services.read', element: () => <ServicesInboxPage /> },
  { path: 'cases', label: 'nav.cases', permission: 'urban.read', element: (u) => <CasesPage user={u} /> },
  { path: 'evaluation', label: 'nav.evaluation', permission: 'urban.read', element: () => <EvaluationPage /> },
  { path: 'classification', label: 'nav.classification', permission: 'urban.read', element: (u) => <ClassificationPage user={u} /> },
  { path: 'users', label: 'nav.users', permission: 'users.read', element: (u) => <UsersPage user={u} /> },
  { path: 'roles', label: 'nav.roles', permission: 'roles.read', element: () => <RolesPage /> },
  { path: 'calendar', label: 'nav.calendar', permission: 'calendar.read', element: (u) => <CalendarPage user={u} /> },
  { path: 'api-keys', label: 'nav.apikeys', permission: 'apikeys.manage', element: () => <ApiKeysPage /> },
  { path: 'audit', label: 'nav.audit', permission: 'audit.read', element: () => <AuditPage /> },
];

function Shell({ user, signOut }: { user: Me; signOut: () => void }) {
  const { t, lang, setLang } = useI18n();
  const vocab = useVocabulary();
  const nav = useNavigate();
  const loc = useLocation();
  const items = NAV.filter((i) => user.permissions.includes(i.permission));
  const current = loc.pathname.split('/')[1] ?? 'overview';
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={0} width={210} theme="dark">
        <div style={{ color: '#fff', padding: '18px 20px', fontWeight: 600, fontSize: 16 }}>
          {t('app.short')} · {t('app.console')}
        </div>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={[current]}
          items={items.map((i) => ({ key: i.path, label: t(i.label) }))}
          onClick={(e) => nav(`/${e.key}`)}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', padding: '0 24px', display: 'flex', justifyContent: 'flex-end', alignItems: 'center' }}>
          <Space wrap>
            <Typography.Text data-testid="current-user" translate="no">
              {user.displayName ?? user.name}
            </Typography.Text>
            {user.roles.map((r) => (
              <Tag key={r} color="blue" data-testid="role-badge">
                {vocab?.roles[r]?.[lang] ?? ''}
              </Tag>
            ))}
            <Button size="small" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} data-lang-switch lang={lang === 'zh' ? 'en' : 'zh-CN'}>
              {t('lang.switch')}
            </Button>
            <Button size="small" onClick={signOut}>
              {t('logout')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ margin: 24 }}>
          <Routes>
            {items.map((i) => (
              <Route key={i.path} path={`/${i.path}`} element={i.element(user)} />
            ))}
            {items.flatMap((i) => (i.sub ?? []).map((s) => <Route key={s.path} path={`/${s.path}`} element={s.element(user)} />))}
            <Route path="*" element={<Navigate to={`/${items[0]?.path ?? 'overview'}`} replace />} />
          </Routes>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

export function ConsoleApp() {
  const { t, lang } = useI18n();
  dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
  return (
    <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={{ token: { colorPrimary: '#1f5fbf' } }}>
      <AntApp>
        <AuthGate app={t('app.console')} allow={isStaff}>
          {(user, signOut) => (
            <BrowserRouter basename="/console">
              <Shell user={user} signOut={signOut} />
            </BrowserRouter>
          )}
        </AuthGate>
      </AntApp>
    </ConfigProvider>
  );
}
