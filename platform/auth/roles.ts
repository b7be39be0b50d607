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
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const STAFF: Permission[] = ['city.read', 'calendar.read', 'workflow.read', 'workflow.act', 'roles.read'];
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
  dept_leader: [...STAFF, ...WORK, 'users.read', 'devices.read', 'devices.manage', 'command.decide'],
  dept_staff: [...STAFF, ...WORK, 'devices.read', 'devices.manage'],
  grid_inspector: ['city.read', 'calendar.read', 'workflow.read', 'workflow.act'],
  citizen: ['city.read', 'calendar.read'],
  enterprise: ['city.read', 'calendar.read'],
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
