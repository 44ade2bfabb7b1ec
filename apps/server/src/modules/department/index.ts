/**
 * Departments (职能部门: 派出所, 城管, 住建, 民政, 市场监管 …) for "社区吹哨、部门报到": set up by an area,
 * serving areas inside it, their staff reaching them through scope's department axis. Other modules
 * route to them (`departmentFor`); the user module checks dept_staff assignments against them.
 */
import { defineModule } from '../../platform/module.ts';
import { registerDepartmentRoutes } from './department.routes.ts';

export const departmentModule = defineModule('department', (app) => registerDepartmentRoutes(app));

export { departmentFor, departmentsForAssignment, type RoutedDepartment } from './department-routing.ts';
/** For the system's own work (the demo seed), in a unit from `asSystem`. */
export { seedDepartments, type SeedDepartment } from './department-seed.service.ts';
