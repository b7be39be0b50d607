import { createContext, type ReactNode, useContext, useState } from 'react';
import type { BRAIN_STRINGS } from './strings-brain';
import type { CONSOLE_STRINGS } from './strings-console';
import { APP_STRINGS } from './strings-app';

export type Lang = 'zh' | 'en';

/**
 * UI strings: Simplified Chinese by default, English available. The words every app shows are
 * here (with the super app's); the console's own (strings-console.ts) and the screen's
 * (strings-brain.ts) are added by those apps at start (addStrings), so a phone opening the super
 * app downloads only what it can show.
 */
const COMMON = {
  ...APP_STRINGS,
  'app.name': { zh: '武当城市平台', en: 'Wudang City Platform' },
  'app.short': { zh: '武当', en: 'Wudang' },
  'app.console': { zh: '部门控制台', en: 'Department console' },
  'app.brain': { zh: '城市运行指挥中心', en: 'City operations centre' },
  'app.app': { zh: '城市超级APP', en: 'City super app' },
  'login.title': { zh: '登录', en: 'Log in' },
  'login.username': { zh: '用户名', en: 'Username' },
  'login.password': { zh: '密码', en: 'Password' },
  'login.submit': { zh: '登录', en: 'Log in' },
  'login.failed': {
    zh: '用户名或密码错误。多次失败后，账号将在该地址暂时锁定，可请管理员解锁。',
    en: 'Wrong username or password. After repeated failures the account is locked at this address for a while; an administrator can unlock it.',
  },
  'pw.title': { zh: '请修改临时密码', en: 'Change your temporary password' },
  'pw.intro': {
    zh: '您的密码由管理员设置，须先修改才能继续使用。',
    en: 'Your password was set by an administrator; change it before you go on.',
  },
  'pw.current': { zh: '当前密码', en: 'Current password' },
  'pw.new': { zh: '新密码', en: 'New password' },
  'pw.repeat': { zh: '再次输入新密码', en: 'New password again' },
  'pw.mismatch': { zh: '两次输入的新密码不一致', en: 'The two new passwords differ' },
  'pw.submit': { zh: '修改密码', en: 'Change password' },
  'pw.policy': {
    zh: '至少10个字符，至少包含小写字母、大写字母、数字、符号中的三类；不得包含用户名；不得为常见密码。',
    en: 'At least 10 characters, with three of lower-case, upper-case, digits and symbols; not the username; not a common password.',
  },
  logout: { zh: '退出登录', en: 'Log out' },
  'map.city': { zh: '城市地图', en: 'City map' },
  'noaccess.title': { zh: '无权访问', en: 'No access' },
  'noaccess.text': {
    zh: '，此应用供政府部门和运行指挥中心工作人员使用，您的账号无权打开。市民和企业的服务在城市超级APP中。',
    en: ': this app is for the staff of government departments and the operations centre, and your account cannot open it. Services for residents and businesses are in the city super app.',
  },
  'noaccess.app': { zh: '前往城市超级APP', en: 'Go to the city super app' },
  'lang.switch': { zh: 'English', en: '中文' },
  'form.required': { zh: '请填写此项', en: 'Required' },
  'form.choose': { zh: '请选择', en: 'Choose one' },
  'form.bothCoordinates': { zh: '经度和纬度须同时填写', en: 'Give both longitude and latitude' },
  'form.lonRange': { zh: '经度须在 −180 到 180 之间', en: 'Longitude lies between −180 and 180' },
  'form.latRange': { zh: '纬度须在 −90 到 90 之间', en: 'Latitude lies between −90 and 90' },
  'form.outsideCity': { zh: '不在本市范围内', en: 'Outside the city' },
  'form.phone': {
    zh: '请输入 11 位手机号或带区号的固定电话（如 0719-8101234）',
    en: 'A mobile number of 11 digits, or a landline with its area code (0719-8101234)',
  },
  'common.all': { zh: '全部', en: 'All' },
  'common.cityLevel': { zh: '市级', en: 'City level' },
  'common.loading': { zh: '加载中…', en: 'Loading…' },
  'common.saved': { zh: '已保存', en: 'Saved' },
  'common.comingSoon': { zh: '即将开放', en: 'Coming soon' },
  'open.portal': { zh: '公共数据开放平台', en: 'Open data portal' },
  'open.tagline': { zh: '政府数据依法开放，免登录检索、预览和下载', en: 'Government data, open by law: search, preview and download without signing in' },
  'open.developers': { zh: '开发者接口', en: 'For developers' },
  'open.ckanApi': { zh: 'CKAN 兼容接口', en: 'CKAN-compatible API' },
  'open.dcat': { zh: 'DCAT-AP 元数据', en: 'DCAT-AP metadata' },
  'open.apiDocs': { zh: '接口文档', en: 'API documentation' },
  'open.searchLabel': { zh: '检索开放数据', en: 'Search open data' },
  'open.searchHint': { zh: '输入关键词，如：招标、企业、地址', en: 'Words such as trading, entities, addresses' },
  'open.search': { zh: '检索', en: 'Search' },
  'open.filters': { zh: '筛选', en: 'Filters' },
  'open.provider': { zh: '提供部门', en: 'Provider' },
  'open.theme': { zh: '主题', en: 'Theme' },
  'open.openType': { zh: '开放类型', en: 'Access' },
  'open.all': { zh: '全部', en: 'All' },
  'open.found': { zh: '共 {n} 个数据集', en: '{n} datasets' },
  'open.updated': { zh: '更新于', en: 'Updated' },
  'open.downloads': { zh: '下载次数', en: 'Downloads' },
  'open.pages': { zh: '分页', en: 'Pages' },
  'open.prev': { zh: '上一页', en: 'Previous' },
  'open.next': { zh: '下一页', en: 'Next' },
  'open.loading': { zh: '正在加载…', en: 'Loading…' },
  'open.back': { zh: '返回', en: 'Back' },
  'open.withdrawn': { zh: '该数据集已撤回，不再提供下载。', en: 'This dataset has been withdrawn; it is no longer downloadable.' },
  'open.cycle': { zh: '更新周期', en: 'Update cycle' },
  'open.licence': { zh: '许可协议', en: 'Licence' },
  'open.rows': { zh: '数据量（条）', en: 'Records' },
  'open.keywords': { zh: '关键词', en: 'Keywords' },
  'open.noData': { zh: '该数据集尚无可下载的数据', en: 'No rows to download yet' },
  'open.download': { zh: '下载', en: 'Download' },
  'open.items': { zh: '数据项', en: 'Data items' },
  'open.itemName': { zh: '名称', en: 'Name' },
  'open.itemKey': { zh: '字段名', en: 'Field' },
  'open.itemType': { zh: '类型', en: 'Type' },
  'open.type.string': { zh: '文字', en: 'Text' },
  'open.type.code': { zh: '代码', en: 'Code' },
  'open.type.integer': { zh: '整数', en: 'Whole number' },
  'open.type.number': { zh: '数值', en: 'Number' },
  'open.type.date': { zh: '日期', en: 'Date' },
  'open.type.datetime': { zh: '日期时间', en: 'Date and time' },
  'open.type.boolean': { zh: '是否', en: 'Yes or no' },
  'open.preview': { zh: '数据预览（前 20 条）', en: 'Preview (first 20 rows)' },
  'open.synthetic': { zh: '合成数据（演示）', en: 'Synthetic (demo) data' },
  'open.applyLogin': {
    zh: '有条件开放的数据须申请。请先登录城市超级APP，再回到本页申请。',
    en: 'Conditionally open data needs an application. Sign in to the city app, then come back to apply.',
  },
  'open.signIn': { zh: '登录', en: 'Sign in' },
  'open.applied': { zh: '已提交申请，提供部门审核后即可下载。', en: 'Application sent: you can download once the provider approves it.' },
  'open.apply': { zh: '申请使用', en: 'Apply to use this data' },
  'open.refused': { zh: '上次申请未获同意：', en: 'Your last application was refused: ' },
  'open.organisation': { zh: '申请单位', en: 'Organisation' },
  'open.purpose': { zh: '用途', en: 'Purpose' },
  'open.contact': { zh: '联系方式', en: 'Contact' },
  'open.submitApplication': { zh: '提交申请', en: 'Send the application' },
  'app.svc.verify': { zh: '证照核验', en: 'Verify a licence' },
  'verify.title': { zh: '电子证照核验', en: 'Verify an electronic licence' },
  'verify.intro': {
    zh: '扫描或上传电子证照上的二维码，核验证照是否由本市发证机关签发、是否有效。无需登录。',
    en: 'Scan or upload the QR code of an electronic licence to check that the city issued it and that it is in force. No login needed.',
  },
  'verify.camera': { zh: '扫码核验', en: 'Scan with the camera' },
  'verify.stop': { zh: '停止扫码', en: 'Stop scanning' },
  'verify.cameraView': { zh: '摄像头画面', en: 'Camera view' },
  'verify.image': { zh: '选择二维码图片', en: 'Choose a QR image' },
  'verify.text': { zh: '或粘贴证照文本（二维码内容）', en: 'Or paste the licence text (the QR code’s content)' },
  'verify.check': { zh: '核验', en: 'Verify' },
  'verify.noCamera': { zh: '无法打开摄像头，请选择二维码图片。', en: 'The camera cannot be opened; choose a QR image instead.' },
  'verify.noQr': { zh: '图片中没有找到二维码，请换一张清晰的图片。', en: 'No QR code was found in the image; try a sharper one.' },
  'verify.badImage': { zh: '无法读取这张图片。', en: 'This image cannot be read.' },
  'verify.verdict.valid': { zh: '有效', en: 'Valid' },
  'verify.verdict.expired': { zh: '已过期', en: 'Expired' },
  'verify.verdict.not_yet_valid': { zh: '尚未生效', en: 'Not yet valid' },
  'verify.verdict.suspended': { zh: '已暂停', en: 'Suspended' },
  'verify.verdict.revoked': { zh: '已注销', en: 'Revoked' },
  'verify.verdict.forged': { zh: '伪造或被篡改', en: 'Forged or altered' },
  'verify.verdict.unknown_issuer': { zh: '发证机关不明', en: 'Unknown issuer' },
  'verify.verdict.malformed': { zh: '不是本市电子证照', en: 'Not a licence of the city' },
  'verify.type': { zh: '证照类型', en: 'Type' },
  'verify.number': { zh: '证照编号', en: 'Number' },
  'verify.holder': { zh: '持证主体', en: 'Holder' },
  'verify.issuer': { zh: '发证机关', en: 'Issuer' },
  'verify.validity': { zh: '有效期', en: 'Valid' },
  'verify.noExpiry': { zh: '长期', en: 'no expiry' },
  'verify.forgedHint': {
    zh: '请勿采信此证照，并可向发证机关或 12345 热线反映。',
    en: 'Do not rely on this licence; you may report it to the issuer or the 12345 hotline.',
  },
  'um.cls.intro': {
    zh: '数字城管部件和事件的小类：责任单位、处置时限、立案和结案条件及依据。指挥中心每次修改都生成新版本，已立案的案件沿用立案时的版本。',
    en: 'The subcategories of components and events: responsible units, time limits, filing and closing conditions and their sources. Each change by the command centre is a new version; filed cases keep the version they were filed under.',
  },
  'um.cls.version': { zh: '版本', en: 'Version' },
  'um.cls.initial': { zh: '按城市配置初始化', en: 'from the city profile' },
  'um.cls.count': { zh: '小类数：', en: 'Subcategories: ' },
  'um.cls.code': { zh: '编码', en: 'Code' },
  'um.cls.major': { zh: '大类', en: 'Major class' },
  'um.cls.component': { zh: '部件', en: 'Component' },
  'um.cls.event': { zh: '事件', en: 'Event' },
  'um.cls.retired': { zh: '已停用', en: 'Retired' },
  'um.cls.normal': { zh: '一般时限', en: 'Normal limit' },
  'um.cls.urgent': { zh: '紧急时限', en: 'Urgent limit' },
  'um.cls.source': { zh: '依据', en: 'Source' },
  'um.cls.edit': { zh: '修改', en: 'Edit' },
  'um.cls.saved': { zh: '已保存为新版本', en: 'Saved as a new version' },
  'um.cls.note': { zh: '修改说明', en: 'Why it changed' },
  'um.cls.saveVersion': { zh: '保存为新版本', en: 'Save as a new version' },
  'um.cls.workingDays': { zh: '个工作日', en: 'working days' },
  'um.cls.workingHours': { zh: '个工作小时', en: 'working hours' },
  'um.cls.hours': { zh: '小时', en: 'hours' },
  'um.act.close': { zh: '核查合格，结案', en: 'Verified: close' },
  'um.act.dispatch': { zh: '派遣', en: 'Dispatch' },
  'um.act.extension': { zh: '申请延期', en: 'Ask for more time' },
  'um.act.file': { zh: '立案', en: 'File' },
  'um.act.hang': { zh: '申请挂账', en: 'Ask to hang up' },
  'um.act.merge': { zh: '合并到重复案件', en: 'Merge into the case it repeats' },
  'um.act.rate': { zh: '评价', en: 'Rate' },
  'um.act.reject': { zh: '不予立案', en: 'Do not file' },
  'um.act.reportBack': { zh: '处置反馈', en: 'Report the result' },
  'um.act.resume': { zh: '恢复处置', en: 'Resume' },
  'um.act.return': { zh: '退回', en: 'Return' },
  'um.act.rework': { zh: '不合格，返工', en: 'Not done: rework' },
  'um.app.addressHint': { zh: '例如：人民北路与朝阳路交叉口东北角', en: 'e.g. the north-east corner of the crossroads' },
  'um.app.back': { zh: '返回', en: 'Back' },
  'um.app.closed': { zh: '已结案', en: 'Closed' },
  'um.app.gridCount': { zh: '负责网格数：', en: 'Grids: ' },
  'um.app.locate': { zh: '使用当前位置', en: 'Use my position' },
  'um.app.myGrids': { zh: '我负责的网格', en: 'My grids' },
  'um.app.noGrid': { zh: '不在任何网格内', en: 'outside every grid' },
  'um.app.noGrids': { zh: '尚未为您分配网格，请联系指挥中心。', en: 'No grids are assigned to you yet: ask the command centre.' },
  'um.app.noLocation': { zh: '无法获取位置，请允许定位后重试。', en: 'Your position is not available: allow location and try again.' },
  'um.app.noReports': { zh: '您还没有上报过问题。', en: 'You have not reported anything yet.' },
  'um.app.resultPhotos': { zh: '处置后照片', en: 'Photos of the result' },
  'um.app.progress': { zh: '办理进度', en: 'Progress' },
  'um.app.step.reported': { zh: '受理', en: 'Received' },
  'um.app.step.filed': { zh: '立案', en: 'Filed' },
  'um.app.step.handling': { zh: '处置', en: 'Handling' },
  'um.app.step.verifying': { zh: '核查', en: 'Check' },
  'um.app.step.closed': { zh: '结案', en: 'Closed' },
  'um.app.rate': { zh: '对处理结果满意吗？', en: 'How satisfied are you with the result?' },
  'um.app.rateSubmit': { zh: '提交评价', en: 'Send the rating' },
  'um.app.yourRating': { zh: '您的评价', en: 'Your rating' },
  'um.app.noTasks': { zh: '暂无核查任务。', en: 'No verification tasks.' },
  'um.app.patrol': { zh: '网格巡查', en: 'Grid patrol' },
  'um.app.photo': { zh: '现场照片', en: 'Photo of the problem' },
  'um.app.pick': { zh: '请选择问题类别', en: 'Choose the category' },
  'um.app.reported': { zh: '已上报，案件编号', en: 'Reported: case' },
  'um.app.reworked': { zh: '已退回责任单位返工', en: 'Sent back to the unit for rework' },
  'um.app.snap': { zh: '随手拍', en: 'Report a city problem' },
  'um.app.submit': { zh: '上报', en: 'Report' },
  'um.app.tabGrids': { zh: '我的网格', en: 'My grids' },
  'um.app.tabMine': { zh: '我的上报', en: 'My reports' },
  'um.app.tabReport': { zh: '上报问题', en: 'Report' },
  'um.app.tabTasks': { zh: '核查任务', en: 'Verification tasks' },
  'um.approve': { zh: '批准', en: 'Approve' },
  'um.approved': { zh: '已批准', en: 'Approved' },
  'um.case': { zh: '案件', en: 'Case' },
  'um.col.case': { zh: '案件编号', en: 'Case' },
  'um.col.category': { zh: '类别', en: 'Category' },
  'um.col.closing': { zh: '结案条件', en: 'Closing condition' },
  'um.col.counts': { zh: '退回、返工、延期', en: 'Returns, reworks, extensions' },
  'um.col.description': { zh: '问题描述', en: 'Description' },
  'um.col.due': { zh: '处置时限', en: 'Due' },
  'um.col.filing': { zh: '立案条件', en: 'Filing condition' },
  'um.col.grid': { zh: '单元网格', en: 'Unit grid' },
  'um.col.hours': { zh: '延期工作小时', en: 'Working hours asked' },
  'um.col.kind': { zh: '申请类型', en: 'Request' },
  'um.col.place': { zh: '位置描述', en: 'Place' },
  'um.col.reason': { zh: '理由', en: 'Reason' },
  'um.col.reported': { zh: '上报时间', en: 'Reported' },
  'um.col.reporter': { zh: '上报人', en: 'Reporter' },
  'um.col.source': { zh: '来源', en: 'Source' },
  'um.col.state': { zh: '状态', en: 'State' },
  'um.col.unit': { zh: '责任单位', en: 'Responsible unit' },
  'um.comment': { zh: '说明（可选）', en: 'Comment (optional)' },
  'um.commentRequired': { zh: '说明（必填）', en: 'Comment (required)' },
  'um.done': { zh: '已办理', en: 'Done' },
  'um.duplicate': { zh: '疑似重复', en: 'Possible duplicate' },
  'um.duplicateOf': { zh: '疑似与以下未结案件重复：', en: 'Possibly a duplicate of the open case' },
  'um.ev.closed': { zh: '结案数', en: 'Closed' },
  'um.ev.dispatched': { zh: '派遣数', en: 'Dispatched' },
  'um.ev.districts': { zh: '区域评价', en: 'Districts' },
  'um.ev.filed': { zh: '立案数', en: 'Filed' },
  'um.ev.hung': { zh: '挂账数', en: 'Hung' },
  'um.ev.inspectors': { zh: '监督员评价', en: 'Inspectors' },
  'um.ev.intro': {
    zh: '按 CJ/T 292 对区域、责任单位和岗位进行月度评价：按时处置率、按时结案率、返工和退回，加权得分排名。',
    en: 'The month’s evaluation of districts, responsible units and posts (CJ/T 292): on-time handling and closing, rework and returns, ranked by weighted score.',
  },
  'um.ev.month': { zh: '评价月份', en: 'Month' },
  'um.ev.name': { zh: '名称', en: 'Name' },
  'um.ev.onTimeClosing': { zh: '按时结案率', en: 'On-time closing' },
  'um.ev.onTimeHandling': { zh: '按时处置率', en: 'On-time handling' },
  'um.ev.operators': { zh: '受理派遣员评价', en: 'Operators' },
  'um.ev.overdue': { zh: '超时数', en: 'Overdue' },
  'um.ev.pdf': { zh: '导出 PDF', en: 'Export PDF' },
  'um.ev.rank': { zh: '排名', en: 'Rank' },
  'um.ev.reported': { zh: '上报数', en: 'Reported' },
  'um.ev.returned': { zh: '退回数', en: 'Returned' },
  'um.ev.rework': { zh: '返工数', en: 'Rework' },
  'um.ev.score': { zh: '综合得分', en: 'Score' },
  'um.ev.trend': { zh: '近六个月得分走势（前五名单位）', en: 'Scores over six months (top five units)' },
  'um.ev.unitScores': { zh: '责任单位得分', en: 'Units’ scores' },
  'um.ev.units': { zh: '部门评价', en: 'Units' },
  'um.ev.verified': { zh: '核查结案数', en: 'Verified and closed' },
  'um.ev.weights': { zh: '权重（按时结案/按时处置/无返工/无退回）：', en: 'Weights (on-time closing/on-time handling/no rework/no return): ' },
  'um.ev.xlsx': { zh: '导出 Excel', en: 'Export Excel' },
  'um.extendDays': { zh: '延期工作日', en: 'Working days' },
  'um.extendHours': { zh: '延期工作小时', en: 'Working hours' },
  'um.extensions': { zh: '延期', en: 'extensions' },
  'um.intro.centre': {
    zh: '监督指挥中心：受理上报、立案、派遣，审批延期和挂账，督办超时案件。',
    en: 'Command centre: take reports, file and dispatch them, decide extensions and hang-ups, chase overdue cases.',
  },
  'um.intro.district': { zh: '本区县内的全部城管案件（只读）。', en: 'Every city-management case in your district (read-only).' },
  'um.intro.inspector': {
    zh: '监督员：核查派给您的案件，查看所辖区县的案件。上报问题请用手机打开“随手拍”。',
    en: 'Inspector: verify the cases given to you and follow your districts’ cases. Report from your phone’s report page.',
  },
  'um.intro.unit': {
    zh: '责任单位：按时限处置派遣给本单位的案件，附处置后照片反馈；不属本单位职责的请退回。',
    en: 'Responsible unit: handle the cases dispatched to you within their limits and report back with a photo; return those outside your remit.',
  },
  'um.notices': { zh: '告知上报人', en: 'Told to the reporter' },
  'um.overdue': { zh: '已超时', en: 'Overdue' },
  'um.photoTooLarge': { zh: '照片须小于 8 MB', en: 'A photo is at most 8 MB' },
  'um.photos': { zh: '照片（可选）', en: 'Photos (optional)' },
  'um.readOnly': { zh: '您对本区县案件只有查看权限。', en: 'You may read the cases of your district but not act on them.' },
  'um.refuse': { zh: '不批准', en: 'Refuse' },
  'um.refused': { zh: '未批准', en: 'Refused' },
  'um.result': { zh: '处置后：', en: 'After: ' },
  'um.resultPhotos': { zh: '处置后照片（必传）', en: 'Photos of the result (required)' },
  'um.returns': { zh: '退回', en: 'returns' },
  'um.reworks': { zh: '返工', en: 'reworks' },
  'um.src.alert': { zh: '预警转办', en: 'Early warning' },
  'um.src.citizen': { zh: '市民随手拍', en: 'Citizen' },
  'um.src.hotline': { zh: '12345 热线', en: '12345 hotline' },
  'um.src.inspector': { zh: '监督员上报', en: 'Inspector' },
  'um.src.open311': { zh: '开放接口', en: 'Open311' },
  'um.src.staff': { zh: '工作人员', en: 'Staff' },
  'um.src.video': { zh: '视频识别', en: 'Video analytics' },
  'um.step.created': { zh: '上报', en: 'Reported' },
  'um.step.escalated': { zh: '超时督办', en: 'Escalated' },
  'um.step.overdue': { zh: '超过处置时限', en: 'Past the deadline' },
  'um.step.reminded': { zh: '临期提醒', en: 'Reminder before the deadline' },
  'um.submit': { zh: '提交', en: 'Submit' },
  'um.tab.closed': { zh: '已结案', en: 'Closed' },
  'um.tab.dispatch': { zh: '待派遣', en: 'To dispatch' },
  'um.tab.district': { zh: '辖区案件', en: 'District cases' },
  'um.tab.duplicates': { zh: '疑似重复', en: 'Possible duplicates' },
  'um.tab.handling': { zh: '处置中', en: 'Being handled' },
  'um.tab.incoming': { zh: '待立案', en: 'To file' },
  'um.tab.mine': { zh: '本单位案件', en: 'Our cases' },
  'um.tab.overdue': { zh: '超时案件', en: 'Overdue' },
  'um.tab.requests': { zh: '延期与挂账审批', en: 'Extension and hang-up requests' },
  'um.tab.verify': { zh: '我的核查任务', en: 'My verification tasks' },
  'um.timeline': { zh: '办理过程', en: 'Timeline' },
  'um.urgent': { zh: '紧急', en: 'Urgent' },
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

type Table = typeof COMMON & typeof CONSOLE_STRINGS & typeof BRAIN_STRINGS;
export type StringKey = keyof Table;
type Text = { zh: string; en: string };

const STRINGS: Partial<Record<StringKey, Text>> = { ...COMMON };

/** Adds an app's own words to the table; call before the first render. */
export function addStrings(table: Partial<Record<StringKey, Text>>): void {
  Object.assign(STRINGS, table);
}

const missing = new Set<string>();
function lookup(k: StringKey, lang: Lang): string {
  const v = STRINGS[k];
  if (v) return v[lang];
  // A word of an app whose table this one did not add: visible in the console (the tour fails on it).
  if (!missing.has(k)) {
    missing.add(k);
    console.error(`i18n: no string ${k} in this app's table`);
  }
  return k;
}

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
  const value: I18n = { lang, setLang, t: (k) => lookup(k, lang), n: (names) => names[lang] };
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
