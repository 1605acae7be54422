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
    docs: 'API 文档', logout: '退出', language: '语言', audit: '审计日志',
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
  regions: {
    title: '区域', addCountry: '新建国家', addChild: '新建下级', rename: '重命名', delete: '删除', editTitle: '修改区域',
    childOf: '在“{name}”下新建区域', levelLabel: '层级', code: '编码', name: '名称',
    level: { country: '国家', region: '大区', province: '省', city: '市' },
    confirmDelete: '删除区域“{name}”？只能删除没有下级、没有网点、不在任何人权限范围内的区域。',
    deleted: '已删除区域“{name}”', refused: '无法删除“{name}”：{reason}', nowIs: '当前为：{code} {name}',
  },
  sites: {
    title: '网点', region: '区域', kind: '类型', status: '状态', search: '编码、名称或地址', edit: '编辑',
    editTitle: '编辑网点 {code}', importTitle: '导入网点 (CSV)', shown: '已显示 {n} 个', lat: '纬度', lon: '经度',
    radius: '服务半径 (公里)', polygon: '服务范围为多边形（{n} 个顶点），此处不修改', typeEnter: '输入后回车添加',
    theyChanged: '对方修改了：{fields}。您填写的内容已保留，请核对后重新保存。',
    kinds: { service_station: '服务站', repair_center: '特约维修中心', dealer: '经销商' },
    statuses: { active: '启用', suspended: '暂停', closed: '关闭' },
    f: {
      code: '编码', name: '名称', kind: '类型', status: '状态', region_id: '区域', address: '地址', phone: '电话', location: '位置',
      area: '服务范围', daily_capacity: '日接单能力', reputation: '信誉分', auto_assign: '自动派给技师', product_lines: '授权产品线',
      skills: '技能', tags: '标签',
    },
  },
  technicians: {
    title: '技师', search: '编码、姓名或电话', skill: '技能', tag: '标签', workload: '在手工单', editTitle: '编辑技师 {code}',
    importTitle: '导入技师 (CSV)',
    statuses: { available: '可接单', busy: '忙碌', off: '休息' },
    f: { code: '编码', name: '姓名', phone: '电话', site_id: '网点', status: '状态', skills: '技能', tags: '标签' },
  },
  imports: {
    open: '导入 CSV', file: 'CSV 文件', charset: '文件编码', send: '上传并导入', progress: '导入进度',
    hint: '第一行为列名，列的顺序不限，多个值用 | 分隔。列：{columns}', pickFile: '请先选择 CSV 文件',
    sending: '正在上传… {percent}%', working: '服务器正在逐行校验并写入…',
    summary: '共 {total} 行：新建 {created}，更新 {updated}，失败 {failed}', row: '行号', field: '列', message: '问题',
  },
  audit: {
    title: '审计日志', actor: '操作人', action: '操作', resource: '对象类型', resourceId: '对象', at: '时间', range: '时间范围',
    from: '开始时间', to: '结束时间', show: '查看变更', hide: '收起', diff: '变更前后对比', field: '字段', before: '变更前',
    after: '变更后', changed: '（已变更）', request: '来源地址 {client}，请求 {request}',
    actions: { create: '新建', update: '修改', delete: '删除', revoke: '吊销', rotate_secret: '轮换密钥', suspend: '停用', resume: '恢复' },
    resources: {
      user: '用户', api_key: 'API 密钥', role: '角色', grants: '授权', settings: '设置', sms_settings: '短信设置', webhook: 'Webhook',
      plugin_binding: '插件绑定', region: '区域', site: '网点', technician: '技师', tenant: '租户',
    },
  },
  notBuilt: '页面不存在',
}
