import { affairsEnUS, affairsZhCN } from '../../features/affairs/affairs.i18n';
import { areasEnUS, areasZhCN } from '../../features/areas/areas.i18n';
import { auditEnUS, auditZhCN } from '../../features/audit/audit.i18n';
import { basedataEnUS, basedataZhCN } from '../../features/basedata/basedata.i18n';
import { calendarEnUS, calendarZhCN } from '../../features/calendar/calendar.i18n';
import { caseKpiEnUS, caseKpiZhCN } from '../../features/case-kpi/case-kpi.i18n';
import { casesEnUS, casesZhCN } from '../../features/cases/cases.i18n';
import { hotlineEnUS, hotlineZhCN } from '../../features/hotline/hotline.i18n';
import { dashboardEnUS, dashboardZhCN } from '../../features/dashboard/dashboard.i18n';
import { departmentsEnUS, departmentsZhCN } from '../../features/departments/departments.i18n';
import { divisionsEnUS, divisionsZhCN } from '../../features/divisions/divisions.i18n';
import { exchangeEnUS, exchangeZhCN } from '../../features/exchange/exchange.i18n';
import { jobsEnUS, jobsZhCN } from '../../features/jobs/jobs.i18n';
import { open311EnUS, open311ZhCN } from '../../features/open311/open311.i18n';
import { publicReportEnUS, publicReportZhCN } from '../../features/public-report/public-report.i18n';
import { caseMapEnUS, caseMapZhCN } from '../../features/map/case-map.i18n';
import { mapEnUS, mapZhCN } from '../../features/map/map.i18n';
import { notificationsEnUS, notificationsZhCN } from '../../features/notifications/notifications.i18n';
import { securityEnUS, securityZhCN } from '../../features/security/security.i18n';
import { usersEnUS, usersZhCN } from '../../features/users/users.i18n';
import { commonEnUS } from './en-US';
import { commonZhCN } from './zh-CN';

/**
 * Every string of the console in one `translation` namespace: the shared ones, then each feature's
 * under its own key (`map.*` from features/map/map.i18n.ts, and so on).
 */
export const zhCN = {
  ...commonZhCN,
  dashboard: dashboardZhCN,
  areas: areasZhCN,
  map: mapZhCN,
  caseMap: caseMapZhCN,
  divisions: divisionsZhCN,
  users: usersZhCN,
  departments: departmentsZhCN,
  audit: auditZhCN,
  security: securityZhCN,
  exchange: exchangeZhCN,
  basedata: basedataZhCN,
  calendar: calendarZhCN,
  affairs: affairsZhCN,
  cases: casesZhCN,
  hotline: hotlineZhCN,
  caseKpi: caseKpiZhCN,
  notifications: notificationsZhCN,
  jobs: jobsZhCN,
  open311: open311ZhCN,
  publicReport: publicReportZhCN,
};

/** The keys `t()` accepts (i18next.d.ts): a key missing in one language does not compile. */
export type Messages = typeof zhCN;

export const enUS: Messages = {
  ...commonEnUS,
  dashboard: dashboardEnUS,
  areas: areasEnUS,
  map: mapEnUS,
  caseMap: caseMapEnUS,
  divisions: divisionsEnUS,
  users: usersEnUS,
  departments: departmentsEnUS,
  audit: auditEnUS,
  security: securityEnUS,
  exchange: exchangeEnUS,
  basedata: basedataEnUS,
  calendar: calendarEnUS,
  affairs: affairsEnUS,
  cases: casesEnUS,
  hotline: hotlineEnUS,
  caseKpi: caseKpiEnUS,
  notifications: notificationsEnUS,
  jobs: jobsEnUS,
  open311: open311EnUS,
  publicReport: publicReportEnUS,
};

export const resources = {
  'zh-CN': { translation: zhCN },
  'en-US': { translation: enUS },
};
