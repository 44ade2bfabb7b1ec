import type { Role } from '@redgrid/contracts';

export const DEMO_PASSWORD = 'Redgrid@2026';

export interface DemoAccount {
  username: string;
  password: string;
  displayName: string;
  description: string;
  phone: string;
  /** 12-digit division code of the area the role sits on. */
  areaCode: string;
  roles: Role[];
  /** The department (by its demo name, seed/demo-departments.ts) of a dept_staff account. */
  department?: string;
}

/** Documented demo accounts (README): the district's real division codes, synthetic people. */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: 'admin', password: DEMO_PASSWORD, displayName: '系统管理员', description: '系统管理员（全区）', phone: '13800000001', areaCode: '320000000000', roles: ['system_admin'] },
  { username: 'secadmin', password: DEMO_PASSWORD, displayName: '安全管理员', description: '安全管理员', phone: '13800000002', areaCode: '320000000000', roles: ['security_admin'] },
  { username: 'auditor', password: DEMO_PASSWORD, displayName: '审计管理员', description: '审计管理员：只看审计日志', phone: '13800000003', areaCode: '320000000000', roles: ['audit_admin'] },
  { username: 'jk_admin', password: DEMO_PASSWORD, displayName: '王建国', description: '区级管理员：常州经开区', phone: '13915000010', areaCode: '320412000000', roles: ['area_admin'] },
  { username: 'qsy_admin', password: DEMO_PASSWORD, displayName: '李红梅', description: '街道管理员：戚墅堰街道', phone: '13915000011', areaCode: '320412001000', roles: ['area_admin'] },
  { username: 'zb_admin', password: DEMO_PASSWORD, displayName: '张秀英', description: '社区管理员（书记）：站北社区', phone: '13915000012', areaCode: '320412001001', roles: ['area_admin'] },
  { username: 'zb_leader', password: DEMO_PASSWORD, displayName: '陈志强', description: '网格长：站北社区', phone: '13915000013', areaCode: '320412001001', roles: ['grid_leader', 'party_member'] },
  { username: 'zb_worker', password: DEMO_PASSWORD, displayName: '刘芳', description: '网格员：站北社区', phone: '13915000014', areaCode: '320412001001', roles: ['grid_worker'] },
  { username: 'zb_g1_worker', password: DEMO_PASSWORD, displayName: '吴敏', description: '网格员：站北社区第1网格', phone: '13915000018', areaCode: '320412001001001', roles: ['grid_worker'] },
  { username: 'lsh_worker', password: DEMO_PASSWORD, displayName: '赵磊', description: '网格员：丁堰街道蓝山湖社区', phone: '13915000015', areaCode: '320412002002', roles: ['grid_worker'] },
  { username: 'pcs_staff', password: DEMO_PASSWORD, displayName: '孙警官', description: '部门人员：戚墅堰派出所', phone: '13915000016', areaCode: '320412001000', roles: ['dept_staff'], department: '戚墅堰派出所' },
  { username: 'cg_staff', password: DEMO_PASSWORD, displayName: '钱立军', description: '部门人员：戚墅堰城管中队', phone: '13915000019', areaCode: '320412001000', roles: ['dept_staff'], department: '戚墅堰城管中队' },
  { username: 'dy_member', password: DEMO_PASSWORD, displayName: '周文', description: '党员（双报到）：站北社区', phone: '13915000017', areaCode: '320412001001', roles: ['party_member', 'volunteer'] },
];
