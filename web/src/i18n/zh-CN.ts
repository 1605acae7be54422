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
  problem: {
    network: '网络不可用,请检查连接后重试。', server: '服务器出错({status})。', forbidden: '没有权限执行此操作。',
    notFound: '未找到,或不在您的范围内。', conflict: '数据已被他人更改,已重新加载。',
  },
  agent: {
    title: '坐席工作台', stream: { connecting: '正在连接来电…', open: '等待来电', retrying: '正在重连…', closed: '来电推送已停止' },
    incoming: '来电 {phone}', lookup: '查询号码', phone: '电话', find: '查询',
    unknownCaller: '陌生来电:没有客户使用此号码。', newCustomer: '新建客户', customerName: '姓名',
    createCustomer: '创建客户', customer: '客户', vip: '贵宾', units: '产品', noUnits: '没有登记的产品',
    serial: '序列号', model: '型号', purchased: '购买日期', inWarranty: '在保,剩余 {days} 天', outWarranty: '已过保({date} 起)',
    recentOrders: '最近工单', noOrders: '暂无工单', complaints: '未结投诉',
    intake: '新建工单', intakeHint: 'Alt+N 聚焦此表单;回车创建工单。',
    type: '类型', unit: '产品', noUnit: '不指定产品', savedAddress: '已存地址', otherAddress: '其他地址',
    address: '地址', productLine: '产品线', description: '描述', skills: '所需技能',
    skillsHint: '用逗号分隔,例如 install, electric', submit: '创建工单', created: '工单 {number} 已创建',
    openOrder: '打开工单', dial: '拨打 {number}', dialed: '正在呼叫 {number}…', pickCustomer: '客户', required: '请填写{field}',
  },
  types: {
    repair: '维修', installation: '安装', maintenance: '保养', consultation: '咨询', complaint: '投诉',
    suggestion: '建议', price_inquiry: '询价', parts_inquiry: '配件咨询', purchase_lead: '购买意向',
  },
  decision: {
    title: '派工决策', site: '网点', technician: '技师', suggested: '建议', outcome: '结果', by: '由 {name}',
    noSite: '无网点:{reason}', noTechnician: '未指定技师:{reason}', ranking: '参与评估的网点', technicians: '{site}的技师',
    eligible: '符合条件', notEligible: '不符合条件', score: '得分', distance: '{km} 公里', reasons: '原因',
    components: '距离 {distance},负荷 {load},信誉 {reputation},准时 {sla}',
    techComponents: '技能 {skills},距离 {distance},工作量 {workload}', kinds: {
      engine: '派工引擎选择', queued: '在调度队列中等待', override: '调度员改派', assign: '已指定技师',
      reassign: '已更换技师', decline: '技师已拒单',
    },
    techStatus: { available: '空闲', busy: '忙碌', off: '休息' },
  },
  order: {
    title: '工单 {number}', details: '详情', channel: '渠道', serviceType: '服务类型', warranty: '保修',
    inWarranty: '在保,至 {date}', outWarranty: '已过保', unknownWarranty: '未指定产品', sla: '时效',
    respond_by: '响应时限', arrive_by: '到达时限', complete_by: '完工时限', left: '剩余 {time}', overdue: '已超时 {time}',
    done: '已于 {at} 完成', noDeadline: '无时限', timeline: '处理记录', system: '系统', actionsTitle: '操作',
    noActions: '您当前不能对此工单执行操作。', reason: '原因', technician: '技师', site: '网点',
    changed: '工单已被他人更改:{what}。已重新加载。', stateNow: '当前状态为"{state}"', done2: '已完成:{action}',
    onPhone: '技师在手机页面完工。', unit: '产品', queue: '排队原因:{reason}',
    payload: { reason: '原因', override_reason: '改派原因', site_id: '网点', from_site: '原网点', technician_id: '技师',
      previous: '原技师', status: '状态', kind: '类别', to: '接收方', note: '备注', summary: '摘要', channel: '渠道', error: '错误', due_at: '时限' },
    smsStatus: { queued: '排队中', sending: '发送中', sent: '已发送', delivered: '已送达', failed: '失败', received: '已接收' },
    smsKind: { technician_assigned: '派工通知技师', customer_assigned: '上门通知客户',
      customer_satisfaction: '满意度回访', help_reply: '帮助回复', site_urge: '催办网点', sla_breached: '超时通知调度' },
    events: {
      created: '创建', dispatched: '派网点', queued: '排队', routed: '转经销商', assigned: '派技师',
      accepted: '接单', declined: '拒单', rejected: '网点退单', reassigned: '改派', en_route: '出发',
      arrived: '到达', waiting_parts: '待件', resumed: '恢复', taken_to_workshop: '拖机返修',
      completed: '完工', confirmed: '确认', closed: '关闭', cancelled: '取消', urged: '催办',
      sla_breached: '超时', sms_status: '短信', satisfaction_scored: '满意度评分',
    },
  },
  actions: {
    dispatch: '派工', reassign: '改派', assign: '指派技师', accept: '接单', decline: '拒单', reject: '退单',
    start_travel: '出发', arrive: '到达', wait_parts: '待件', resume: '恢复', take_to_workshop: '拖机返修',
    complete: '完工', confirm: '确认', close: '关闭', cancel: '取消工单',
  },
  notBuilt: '页面不存在',
}
