/** 工作台 (dashboard.*): the Chinese strings, the source of the keys. */
export const dashboardZhCN = {
  greetingMorning: '早上好，{{name}}',
  greetingAfternoon: '下午好，{{name}}',
  greetingEvening: '晚上好，{{name}}',
  subtitle: '欢迎使用红网格，党建引领网格化治理工作平台。',
  myRoles: '我的角色与责任区域',
  currentArea: '当前区域',
  wholeScope: '全部管辖区域',
  scopeTitle: '管辖{{level}}',
  subordinateTitle: '下辖{{level}}',
  unitAreas: '个',
  unitPeople: '人',
  nextLevel: '再下一级单位',
  userCount: '辖区用户',
  noChildren: '该区域没有下级区域',
  comingSoon: '事件、走访、党员积分等统计将在后续版本提供。',
};

/** The English strings; the type keeps their keys in step with the Chinese. */
export const dashboardEnUS: typeof dashboardZhCN = {
  greetingMorning: 'Good morning, {{name}}',
  greetingAfternoon: 'Good afternoon, {{name}}',
  greetingEvening: 'Good evening, {{name}}',
  subtitle: 'Welcome to Redgrid, the party-building-led grid governance platform.',
  myRoles: 'My roles and areas',
  currentArea: 'Current area',
  wholeScope: 'All my areas',
  scopeTitle: '{{level}} in my scope',
  subordinateTitle: '{{level}} below',
  unitAreas: '',
  unitPeople: '',
  nextLevel: 'Units one level further down',
  userCount: 'Users in the area',
  noChildren: 'This area has no sub-areas',
  comingSoon: 'Statistics on cases, visits and party-member points will come in later releases.',
};
