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
  tech: {
    offline: '离线:操作已保存在手机上,联网后按顺序自动提交。', pending: '{n} 个操作待提交', sending: '正在提交…',
    refused: '工单 {number} 的「{action}」未完成', held: '其后 {n} 个操作随之搁置', dismiss: '知道了',
    asOf: '数据更新于 {time}', noOrders: '暂无待办工单', call: '拨打 {name} 的电话', navigate: '导航到 {address}',
    customer: '客户', phone: '电话', address: '地址', description: '故障描述', productLine: '产品线', warranty: '保修',
    inWarranty: '保内', outOfWarranty: '保外', state: '状态', order: '工单 {number}', notFound: '找不到该工单(可能已改派)。',
    queued: '已保存,联网后自动提交。', done: '已完成', refusedNow: '未完成:{detail}',
    accept: '接单', decline: '拒单', start_travel: '出发', arrive: '到达', complete: '完工', record: '填写服务记录',
    declineTitle: '拒单原因', declineReason: '原因', reasonRequired: '请填写原因',
    locating: '正在获取位置…', noPosition: '无法获取位置,到达时间照常记录。', completedNote: '工单已完工,等待网点确认。',
    declinedNote: '已拒单,工单退回网点。',
    recordTitle: '服务记录', serial: '机器序列号', scan: '扫码', scanTitle: '扫描条码', scanHint: '将条码对准取景框',
    noCamera: '无法使用摄像头,请手动输入或拍照识别。', photo: '拍照识别', notRecognised: '未识别到条码,请重试或手动输入。',
    symptom: '故障现象码', cause: '原因码', object: '对象码', action: '维修措施码', choose: '请选择',
    parts: '使用的备件', partBarcode: '备件条码', quantity: '数量', addPart: '添加备件', removePart: '删除备件 {code}',
    badBarcode: '条码只能包含字母、数字和 . _ -,最多 32 位', badQuantity: '数量为 1–1000',
    confirmation: '客户确认', name: '客户姓名', proof: '确认方式', signature: '客户签名', code: '短信确认码',
    signHere: '请客户在此签名', clear: '清除签名', unsigned: '客户尚未签名', codeRequired: '请填写客户收到的确认码',
    notes: '备注', submit: '提交并完工', required: '请填写{field}', tooLong: '{field}过长',
  },
  notBuilt: '页面不存在',
}
