import { createContext, type ReactNode, useContext, useState } from 'react';

export type Lang = 'zh' | 'en';

/** UI strings: Simplified Chinese by default, English available. */
const STRINGS = {
  'app.name': { zh: '武当城市平台', en: 'Wudang City Platform' },
  'app.console': { zh: '部门控制台', en: 'Department console' },
  'app.brain': { zh: '城市运行指挥中心', en: 'City operations centre' },
  'app.app': { zh: '城市超级APP', en: 'City super app' },
  'login.title': { zh: '登录', en: 'Log in' },
  'login.username': { zh: '用户名', en: 'Username' },
  'login.password': { zh: '密码', en: 'Password' },
  'login.submit': { zh: '登录', en: 'Log in' },
  'login.failed': { zh: '用户名或密码错误', en: 'Wrong username or password' },
  'login.locked': { zh: '账号已锁定，请稍后再试', en: 'Account locked; try again later' },
  logout: { zh: '退出登录', en: 'Log out' },
  'lang.switch': { zh: 'English', en: '中文' },
  'nav.overview': { zh: '城市概览', en: 'Overview' },
  'nav.departments': { zh: '部门', en: 'Departments' },
  'nav.districts': { zh: '行政区划', en: 'Districts' },
  'nav.matrix': { zh: '责任分工', en: 'Responsibility matrix' },
  'nav.users': { zh: '用户', en: 'Users' },
  'nav.roles': { zh: '角色', en: 'Roles' },
  'nav.calendar': { zh: '节假日日历', en: 'Holiday calendar' },
  'nav.apikeys': { zh: '接口密钥', en: 'API keys' },
  'nav.audit': { zh: '审计日志', en: 'Audit log' },
  'nav.devices': { zh: '感知设备', en: 'Devices' },
  'nav.deviceTypes': { zh: '设备类型', en: 'Device types' },
  'dev.status.online': { zh: '在线', en: 'Online' },
  'dev.status.offline': { zh: '离线', en: 'Offline' },
  'dev.status.unknown': { zh: '未上报', en: 'Never reported' },
  'dev.new': { zh: '新建设备', en: 'New device' },
  'dev.import': { zh: '批量导入', en: 'Import' },
  'dev.type': { zh: '类型', en: 'Type' },
  'dev.department': { zh: '权属部门', en: 'Owner' },
  'dev.district': { zh: '所在区县', en: 'District' },
  'dev.lastSeen': { zh: '最近上报', en: 'Last seen' },
  'dev.latest': { zh: '最新读数', en: 'Latest values' },
  'dev.value': { zh: '数值', en: 'Value' },
  'dev.time': { zh: '观测时间', en: 'Observed at' },
  'dev.search': { zh: '编号 / 名称', en: 'ID / name' },
  'dev.health': { zh: '设备健康', en: 'Health' },
  'dev.accepted': { zh: '已接收', en: 'Accepted' },
  'dev.rejected': { zh: '已拒收', en: 'Rejected' },
  'dev.lastError': { zh: '最近错误', en: 'Last error' },
  'dev.stuck': { zh: '数值停滞', en: 'Stuck values' },
  'dev.chart': { zh: '历史曲线（分钟汇总）', en: 'History (per-minute rollups)' },
  'dev.token': { zh: '设备密钥（仅显示一次）', en: 'Device token (shown once)' },
  'dev.rotate': { zh: '重置密钥', en: 'New token' },
  'dev.simulated': { zh: '模拟', en: 'Simulated' },
  'dev.attributes': { zh: '属性', en: 'Attributes' },
  'dev.unit': { zh: '单位', en: 'Unit' },
  'dev.range': { zh: '合理范围', en: 'Plausible range' },
  'dev.interval': { zh: '上报间隔（秒）', en: 'Interval (s)' },
  'dev.csv': {
    zh: 'CSV 内容（首行为列名：id,name,type,department,lon,lat,datum,tags,intervalSeconds）',
    en: 'CSV (header: id,name,type,department,lon,lat,datum,tags,intervalSeconds)',
  },
  'city.districts': { zh: '县市区', en: 'Districts' },
  'city.departments': { zh: '部门', en: 'Departments' },
  'city.tasks': { zh: '建设任务', en: 'Plan tasks' },
  'city.population': { zh: '常住人口', en: 'Population' },
  'col.code': { zh: '代码', en: 'Code' },
  'col.name': { zh: '名称', en: 'Name' },
  'col.district': { zh: '所属区划', en: 'District' },
  'col.lead': { zh: '牵头任务', en: 'Leads' },
  'col.responsible': { zh: '责任任务', en: 'Responsible for' },
  'col.kind': { zh: '类型', en: 'Kind' },
  'col.username': { zh: '用户名', en: 'Username' },
  'col.displayName': { zh: '姓名', en: 'Name' },
  'col.roles': { zh: '角色', en: 'Roles' },
  'col.department': { zh: '部门', en: 'Department' },
  'col.districts': { zh: '区划范围', en: 'Districts' },
  'col.status': { zh: '状态', en: 'Status' },
  'col.phone': { zh: '电话', en: 'Phone' },
  'col.actions': { zh: '操作', en: 'Actions' },
  'col.permissions': { zh: '权限', en: 'Permissions' },
  'col.date': { zh: '日期', en: 'Date' },
  'col.time': { zh: '时间', en: 'Time' },
  'col.actor': { zh: '操作人', en: 'Actor' },
  'col.action': { zh: '事件', en: 'Action' },
  'col.target': { zh: '对象', en: 'Target' },
  'col.outcome': { zh: '结果', en: 'Outcome' },
  'col.task': { zh: '任务', en: 'Task' },
  'status.active': { zh: '正常', en: 'Active' },
  'status.disabled': { zh: '停用', en: 'Disabled' },
  'status.locked': { zh: '已锁定', en: 'Locked' },
  'action.create': { zh: '新建', en: 'Create' },
  'action.edit': { zh: '编辑', en: 'Edit' },
  'action.save': { zh: '保存', en: 'Save' },
  'action.cancel': { zh: '取消', en: 'Cancel' },
  'action.delete': { zh: '删除', en: 'Delete' },
  'action.revoke': { zh: '吊销', en: 'Revoke' },
  'action.resetPassword': { zh: '重置密码', en: 'Reset password' },
  'action.unlock': { zh: '解锁', en: 'Unlock' },
  'action.disable': { zh: '停用', en: 'Disable' },
  'action.enable': { zh: '启用', en: 'Enable' },
  'action.verify': { zh: '校验哈希链', en: 'Verify hash chain' },
  'action.search': { zh: '搜索', en: 'Search' },
  'action.add': { zh: '添加', en: 'Add' },
  'calendar.holiday': { zh: '放假', en: 'Holiday' },
  'calendar.workday': { zh: '调休上班', en: 'Make-up working day' },
  'calendar.year': { zh: '年度', en: 'Year' },
  'calendar.source': { zh: '依据', en: 'Source' },
  'calendar.deadline': { zh: '期限计算', en: 'Deadline calculator' },
  'calendar.from': { zh: '起始日', en: 'From' },
  'calendar.workingDays': { zh: '工作日', en: 'Working days' },
  'calendar.result': { zh: '到期日', en: 'Due' },
  'calendar.officeHours': { zh: '办公时间', en: 'Office hours' },
  'users.new': { zh: '新建用户', en: 'New user' },
  'users.tempPassword': { zh: '临时密码（仅显示一次）', en: 'Temporary password (shown once)' },
  'apikeys.new': { zh: '新建密钥', en: 'New API key' },
  'apikeys.secret': { zh: '密钥（仅显示一次）', en: 'Key (shown once)' },
  'audit.ok': { zh: '哈希链完整', en: 'Hash chain intact' },
  'audit.broken': { zh: '哈希链被破坏', en: 'Hash chain broken' },
  'common.all': { zh: '全部', en: 'All' },
  'common.cityLevel': { zh: '市级', en: 'City level' },
  'common.loading': { zh: '加载中…', en: 'Loading…' },
  'common.saved': { zh: '已保存', en: 'Saved' },
  'common.comingSoon': { zh: '即将开放', en: 'Coming soon' },
  'brain.subtitle': { zh: '一屏概览 · 一键决策 · 一体化联动', en: 'One screen · one click · one response' },
  'brain.districts': { zh: '县市区', en: 'Districts' },
  'brain.departments': { zh: '联动部门', en: 'Linked departments' },
  'brain.duty': { zh: '值班', en: 'On duty' },
  'app.hello': { zh: '您好', en: 'Hello' },
  'app.services': { zh: '城市服务', en: 'City services' },
  'app.svc.gov': { zh: '政务服务', en: 'Government services' },
  'app.svc.report': { zh: '随手拍', en: 'Report a problem' },
  'app.svc.health': { zh: '预约挂号', en: 'Hospital booking' },
  'app.svc.travel': { zh: '武当山旅游', en: 'Visit Wudang' },
  'app.svc.code': { zh: '城市码', en: 'City code' },
  'app.svc.progress': { zh: '办件进度', en: 'My applications' },
  'app.city': { zh: '我的城市', en: 'My city' },
} as const;

export type StringKey = keyof typeof STRINGS;

interface I18n {
  lang: Lang;
  setLang(l: Lang): void;
  t(key: StringKey): string;
  /** Picks the name in the current language from a {zh, en} pair. */
  n(names: { zh: string; en: string }): string;
}

const Ctx = createContext<I18n | null>(null);

export function initialLang(): Lang {
  const saved = localStorage.getItem('wudang.lang');
  return saved === 'en' ? 'en' : 'zh';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang());
  const setLang = (l: Lang) => {
    localStorage.setItem('wudang.lang', l);
    document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
    setLangState(l);
  };
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  const value: I18n = { lang, setLang, t: (k) => STRINGS[k][lang], n: (names) => names[lang] };
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
