// Portal texts in Simplified Chinese (the default for zh-CN tenants). Terms
// follow ../shared/GLOSSARY.md. en.ts must have the same keys (a unit test
// checks).
export default {
  app: { name: '售后服务平台', skip: '跳到主要内容' },
  common: {
    save: '保存', cancel: '取消', search: '搜索', reset: '重置', refresh: '刷新', loading: '加载中…',
    empty: '暂无数据', actions: '操作', confirm: '确认', back: '返回', more: '加载更多', all: '全部',
    retry: '重试', close: '关闭', yes: '是', no: '否', unknown: '未知',
  },
  form: {
    required: '必填', minLength: '至少 {n} 个字符', maxLength: '最多 {n} 个字符', pattern: '格式不正确',
    oneOf: '只能是:{values}', minimum: '不能小于 {n}', maximum: '不能大于 {n}', maxItems: '最多 {n} 项',
  },
  login: {
    title: '登录', tenant: '租户', username: '用户名', password: '密码', submit: '登录',
    platform: '平台管理员', tenantUser: '租户用户', token: '平台令牌',
    expired: '会话已过期,请重新登录。', loggedOut: '已退出登录。',
    required: '请填写{field}',
  },
  nav: {
    home: '首页', agent: '坐席工作台', dispatch: '派工看板', orders: '工单', admin: '管理',
    regions: '区域', sites: '网点', technicians: '技师', customers: '客户', catalog: '产品与故障代码',
    users: '用户与权限', settings: '设置', sms: '短信', webhooks: 'Webhook', plugins: '插件',
    platform: '平台管理', tenants: '租户', monitor: '任务监控', site: '网点工作台', technician: '我的工单',
    docs: 'API 文档', logout: '退出', language: '语言',
  },
  home: {
    welcome: '{name},您好', tenant: '租户', roles: '角色', scope: '范围', scopeAll: '全租户',
    scopeSome: '{regions} 个区域,{sites} 个网点',
  },
  platform: {
    tenants: '租户', plugins: '插件注册表', onboard: '开通租户', status: '状态', active: '正常', suspended: '已停用',
    slug: '租户代码', slugHint: '登录时填写,小写字母、数字和连字符,如 acme', name: '名称', locale: '语言', timezone: '时区',
    suspend: '停用', resume: '恢复', suspendTitle: '停用租户 {name}', reason: '原因(租户用户可见)',
    stepCompany: '厂家', stepRegion: '语言与时区', stepAdmin: '首个管理员', stepReview: '确认', next: '下一步',
    displayName: '显示名', onboarded: '{name} 已开通', signInAs: '管理员以租户代码 {tenant}、用户名 {user} 登录',
    register: '登记插件', kind: '类型', version: '版本', path: '程序路径', enabled: '启用', delete: '删除',
    deletePlugin: '删除插件 {name}?有租户绑定时无法删除,可改为停用。', kindParts: '备件 ERP', kindRules: '派工规则',
  },
  orders: {
    title: '工单', number: '工单号', type: '类型', status: '状态', sla: '时效', created: '创建时间',
    customer: '客户', site: '网点', technician: '技师', address: '地址', description: '描述',
    productLine: '产品线', filterStatus: '按状态', noMore: '没有更多了',
  },
  status: {
    created: '已创建', dispatched: '已派网点', assigned: '已派技师', accepted: '已接单', en_route: '在途', on_site: '已到达', waiting_parts: '待件', in_workshop: '返厂维修', completed: '已完工', confirmed: '已确认', closed: '已关闭', cancelled: '已取消',
  },
  sla: { none: '无', on_track: '正常', at_risk: '即将超时', breached: '已超时', met: '已达成' },
  dispatch: {
    region: '区域', queue: { waiting: '待派', unaccepted: '已派未接', at_risk: '即将超时', breached: '已超时' },
    queueReason: '待派原因', updated: '更新于 {time}', open: '查看', decision: '派工决策', ranking: '网点排名',
    outcome: '结果', by: '操作人', reason: '原因', reasonOptional: '原因(可选)', ineligible: '不符合条件',
    noDecision: '尚未派工', noCandidates: '没有可选网点',
    kind: { engine: '系统派工', queued: '待人工派工', override: '人工改派网点', assign: '指派技师', reassign: '改派技师', decline: '技师退回' },
    override: '改派网点', toSite: '改派到网点', overridden: '已改派', assignTech: '指派技师', reassignTech: '改派技师', assigned: '已指派',
    urge: '催办', urgeNote: '催办说明(随通知发送)', urged: '已催办', respondBy: '响应截止', arriveBy: '上门截止',
    fullPage: '打开工单详情', techStatus: { available: '空闲', busy: '忙碌', off: '休息' },
  },
  siteDesk: {
    counts: '待指派 {toAssign} · 待确认 {toConfirm}', confirm: '确认完工', confirmed: '已确认完工',
    nothing: '今天没有需要处理的工单', noSite: '您的范围内没有网点',
  },
  problem: {
    network: '网络不可用,请检查连接后重试。', server: '服务器出错({status})。', forbidden: '没有权限执行此操作。',
    notFound: '未找到,或不在您的范围内。', conflict: '数据已被他人更改,已重新加载。',
  },
  notBuilt: '页面不存在',
}
