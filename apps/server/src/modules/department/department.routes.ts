import {
  createDepartmentSchema,
  departmentListQuerySchema,
  departmentPageSchema,
  departmentViewSchema,
  errorBodySchema,
  idParamsSchema,
  setDepartmentActiveSchema,
  setDepartmentAreasSchema,
  updateDepartmentSchema,
} from '@redgrid/contracts';
import { ctxOf, type App } from '../../platform/http.ts';
import { createDepartment, getDepartment, listDepartments, setDepartmentActive, setDepartmentAreas, updateDepartment } from './department.service.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

export function registerDepartmentRoutes(app: App): void {
  app.get('/api/departments', {
    config: { permission: 'department.read' },
    schema: { tags: ['departments'], summary: '部门列表（管辖范围内；部门人员只看本部门）', querystring: departmentListQuerySchema, response: { 200: departmentPageSchema, ...errors } },
  }, (req) => listDepartments(ctxOf(req), req.query));

  app.post('/api/departments', {
    config: { permission: 'department.manage' },
    schema: { tags: ['departments'], summary: '设立部门（所属区域、服务区域）', body: createDepartmentSchema, response: { 201: departmentViewSchema, ...errors } },
  }, async (req, reply) => reply.status(201).send(await createDepartment(ctxOf(req), req.body)));

  app.get('/api/departments/:id', {
    config: { permission: 'department.read' },
    schema: { tags: ['departments'], summary: '部门详情', params: idParamsSchema, response: { 200: departmentViewSchema, ...errors } },
  }, (req) => getDepartment(ctxOf(req), req.params.id));

  app.patch('/api/departments/:id', {
    config: { permission: 'department.manage' },
    schema: { tags: ['departments'], summary: '修改部门（名称、类别、办公电话）', params: idParamsSchema, body: updateDepartmentSchema, response: { 200: departmentViewSchema, ...errors } },
  }, (req) => updateDepartment(ctxOf(req), req.params.id, req.body));

  app.put('/api/departments/:id/active', {
    config: { permission: 'department.manage' },
    schema: { tags: ['departments'], summary: '启用或停用部门（停用后不再接收派遣）', params: idParamsSchema, body: setDepartmentActiveSchema, response: { 200: departmentViewSchema, ...errors } },
  }, (req) => setDepartmentActive(ctxOf(req), req.params.id, req.body.active));

  app.put('/api/departments/:id/areas', {
    config: { permission: 'department.manage' },
    schema: { tags: ['departments'], summary: '设置部门服务区域', params: idParamsSchema, body: setDepartmentAreasSchema, response: { 200: departmentViewSchema, ...errors } },
  }, (req) => setDepartmentAreas(ctxOf(req), req.params.id, req.body.areaIds));
}
