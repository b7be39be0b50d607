/**
 * Roles and the permissions each grants. Roles are fixed by the platform (modules add
 * permissions to them here); which roles a user or API key holds is data.
 */

export const ROLES = ['platform_admin', 'duty_officer', 'dept_leader', 'dept_staff', 'grid_inspector', 'citizen', 'enterprise', 'api_client'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, { zh: string; en: string }> = {
  platform_admin: { zh: '平台管理员', en: 'Platform administrator' },
  duty_officer: { zh: '运行指挥中心值班员', en: 'Operations duty officer' },
  dept_leader: { zh: '部门领导', en: 'Department leader' },
  dept_staff: { zh: '部门工作人员', en: 'Department staff' },
  grid_inspector: { zh: '网格员', en: 'Grid inspector' },
  citizen: { zh: '市民', en: 'Citizen' },
  enterprise: { zh: '企业', en: 'Enterprise' },
  api_client: { zh: '系统接入', en: 'API client (system)' },
};

export const PERMISSIONS = [
  'city.read', // districts, departments, responsibility matrix
  'city.manage', // departments
  'users.read',
  'users.manage',
  'roles.read',
  'apikeys.manage',
  'audit.read',
  'calendar.read',
  'calendar.manage',
  'settings.manage',
  'workflow.read',
  'workflow.act',
  'workflow.manage',
  'devices.read', // device types, devices, telemetry, live stream (within the data scope)
  'devices.manage', // provision, edit, retire devices of one's department
  'devicetypes.manage', // define device types
  'telemetry.ingest', // post observations for devices in scope (gateways)
  'warning.read', // warning rules, and the alerts routed to one's department and district
  'warning.act', // acknowledge, comment on, resolve and close those alerts
  'warning.manage', // create and edit one's department's rules, maintenance windows
  'command.read', // emergency plans, incidents and the situation board
  'command.manage', // write and revise one's department's emergency plans
  'command.report', // report an incident, or make one from an alert
  'command.decide', // activate, raise, lower and end a response (duty officers and leaders)
  'command.act', // accept, report on and complete one's unit's tasks
  'brain.read', // the operations centre's city indicators, their history and breakdowns
  'brain.manage', // define one's department's city indicators
  'sharing.read', // the government data resource catalogue (共享目录): what every department holds
  'sharing.manage', // catalogue entries and base databases one's department provides; the data authority governs all
  'licences.issue', // issue, suspend and revoke the licence types one's department issues
  'urban.read', // urban-management cases one may see: the centre and inspectors their districts, a unit its own, the public its reports
  'urban.report', // report a city problem (inspectors, citizens, the 12345 hotline's and video systems' keys)
  'urban.act', // act in the case loop: the centre files and dispatches, units handle, inspectors verify
  'urban.manage', // the classification, grids and components (the command centre's department)
  'citycode.scan', // scan residents' city codes at one's department's scan points (counters, buses, gates)
  'citycode.manage', // set up one's department's scan points
  'licences.receive', // open the licences residents shared with one's department, with their consent
  'services.read', // the service item catalogue's history, and (with the applications) one's department's work
  'services.manage', // keep service items: the government services authority every item, a department its own
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What each permission lets a person do, as the console shows it. */
export const PERMISSION_LABELS: Record<Permission, { zh: string; en: string }> = {
  'city.read': { zh: '查看城市基础信息', en: 'View city reference data' },
  'city.manage': { zh: '管理部门', en: 'Manage departments' },
  'users.read': { zh: '查看用户', en: 'View users' },
  'users.manage': { zh: '管理用户', en: 'Manage users' },
  'roles.read': { zh: '查看角色', en: 'View roles' },
  'apikeys.manage': { zh: '管理接口密钥', en: 'Manage API keys' },
  'audit.read': { zh: '查看审计日志', en: 'View the audit log' },
  'calendar.read': { zh: '查看节假日日历', en: 'View the holiday calendar' },
  'calendar.manage': { zh: '维护节假日日历', en: 'Maintain the holiday calendar' },
  'settings.manage': { zh: '管理平台设置', en: 'Manage platform settings' },
  'workflow.read': { zh: '查看办理流程', en: 'View workflows' },
  'workflow.act': { zh: '办理流程事项', en: 'Act on workflow items' },
  'workflow.manage': { zh: '管理办理流程', en: 'Manage workflows' },
  'devices.read': { zh: '查看感知设备与数据', en: 'View devices and readings' },
  'devices.manage': { zh: '管理本部门设备', en: "Manage one's department's devices" },
  'devicetypes.manage': { zh: '定义设备类型', en: 'Define device types' },
  'telemetry.ingest': { zh: '上报监测数据', en: 'Send readings' },
  'warning.read': { zh: '查看预警与规则', en: 'View alerts and rules' },
  'warning.act': { zh: '处置预警', en: 'Handle alerts' },
  'warning.manage': { zh: '管理预警规则', en: 'Manage warning rules' },
  'command.read': { zh: '查看预案与事件', en: 'View plans and incidents' },
  'command.manage': { zh: '编制应急预案', en: 'Write emergency plans' },
  'command.report': { zh: '上报事件', en: 'Report incidents' },
  'command.decide': { zh: '启动与调整应急响应', en: 'Launch and change responses' },
  'command.act': { zh: '承办处置任务', en: 'Carry out response tasks' },
  'brain.read': { zh: '查看城市运行指标', en: 'View city indicators' },
  'brain.manage': { zh: '定义城市运行指标', en: 'Define city indicators' },
  'sharing.read': { zh: '查阅政务数据资源目录', en: 'Browse the data resource catalogue' },
  'sharing.manage': { zh: '编制本部门数据资源目录', en: "Keep one's department's data resources" },
  'licences.issue': { zh: '签发本部门电子证照', en: "Issue one's department's licences" },
  'urban.read': { zh: '查看城管案件', en: 'View urban-management cases' },
  'urban.report': { zh: '上报城市管理问题', en: 'Report city problems' },
  'urban.act': { zh: '办理城管案件', en: 'Act on urban-management cases' },
  'urban.manage': { zh: '维护城管分类、网格与部件', en: 'Keep the urban-management classification, grids and components' },
  'citycode.scan': { zh: '扫描城市码', en: 'Scan city codes' },
  'citycode.manage': { zh: '设置本部门扫码点', en: "Set up one's department's scan points" },
  'licences.receive': { zh: '查看市民授权共享的证照', en: 'Open licences residents shared with one’s department' },
  'services.read': { zh: '查看政务服务事项与办件', en: 'View service items and applications' },
  'services.manage': { zh: '维护政务服务事项', en: 'Keep service items' },
};

/** Kinds of county-level divisions (GB/T 2260) and the city's special zones. */
export const DISTRICT_KIND_LABELS: Record<string, { zh: string; en: string }> = {
  district: { zh: '市辖区', en: 'District' },
  county: { zh: '县', en: 'County' },
  county_city: { zh: '县级市', en: 'County-level city' },
  special_zone: { zh: '功能区', en: 'Special zone' },
};

const STAFF: Permission[] = [
  'city.read',
  'calendar.read',
  'workflow.read',
  'workflow.act',
  'roles.read',
  'sharing.read',
  'urban.read',
  'urban.report',
  'urban.act',
  'citycode.scan',
  'licences.receive',
  'services.read',
];
/** What every department's people do with warnings and emergency command. */
const WORK: Permission[] = [
  'warning.read',
  'warning.act',
  'warning.manage',
  'command.read',
  'command.manage',
  'command.report',
  'command.act',
  'brain.read',
  'brain.manage',
];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  platform_admin: PERMISSIONS,
  duty_officer: [...STAFF, ...WORK, 'users.read', 'devices.read', 'command.decide'],
  dept_leader: [
    ...STAFF,
    ...WORK,
    'users.read',
    'devices.read',
    'devices.manage',
    'command.decide',
    'sharing.manage',
    'licences.issue',
    'urban.manage',
    'citycode.manage',
    'services.manage',
  ],
  dept_staff: [...STAFF, ...WORK, 'devices.read', 'devices.manage', 'sharing.manage', 'licences.issue', 'urban.manage', 'citycode.manage', 'services.manage'],
  grid_inspector: ['city.read', 'calendar.read', 'workflow.read', 'workflow.act', 'urban.read', 'urban.report', 'urban.act'],
  citizen: ['city.read', 'calendar.read', 'urban.read', 'urban.report'],
  enterprise: ['city.read', 'calendar.read', 'urban.read', 'urban.report'],
  api_client: [
    'city.read',
    'calendar.read',
    'workflow.read',
    'devices.read',
    'telemetry.ingest',
    'warning.read',
    'command.read',
    'command.report',
    'brain.read',
    'sharing.read',
    'urban.read',
    'urban.report',
  ],
};

/** Roles whose data scope is the whole city whatever department they belong to. */
export const CITY_WIDE_ROLES: readonly Role[] = ['platform_admin', 'duty_officer'];

/** Roles a person holds as a member of the public; they see only their own records. */
export const PUBLIC_ROLES: readonly Role[] = ['citizen', 'enterprise'];

export function isRole(x: string): x is Role {
  return (ROLES as readonly string[]).includes(x);
}

export function permissionsOf(roles: readonly Role[]): Set<Permission> {
  const out = new Set<Permission>();
  for (const r of roles) for (const p of ROLE_PERMISSIONS[r]) out.add(p);
  return out;
}
