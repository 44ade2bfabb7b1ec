import {
  createUserSchema,
  errorBodySchema,
  idParamsSchema,
  resetPasswordSchema,
  revealPhoneSchema,
  setRolesSchema,
  updateUserSchema,
  userListQuerySchema,
  userPageSchema,
  userViewSchema,
} from '@redgrid/contracts';
import { z } from 'zod';
import { ctxOf, type App } from '../../platform/http.ts';
import { createUser, getUser, listUsers, resetUserPassword, revealUserPhone, setUserRoles, updateUser } from './user.service.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

export function registerUserRoutes(app: App): void {
  app.get('/api/users', {
    config: { permission: 'user.read' },
    schema: { tags: ['users'], summary: '用户列表（管辖范围内）', querystring: userListQuerySchema, response: { 200: userPageSchema, ...errors } },
  }, (req) => listUsers(ctxOf(req), req.query));

  app.post('/api/users', {
    config: { permission: 'user.manage' },
    schema: { tags: ['users'], summary: '新建用户', body: createUserSchema, response: { 201: userViewSchema, ...errors } },
  }, async (req, reply) => reply.status(201).send(await createUser(ctxOf(req), req.body)));

  app.get('/api/users/:id', {
    config: { permission: 'user.read' },
    schema: { tags: ['users'], summary: '用户详情', params: idParamsSchema, response: { 200: userViewSchema, ...errors } },
  }, (req) => getUser(ctxOf(req), req.params.id));

  app.patch('/api/users/:id', {
    config: { permission: 'user.manage' },
    schema: { tags: ['users'], summary: '修改用户', params: idParamsSchema, body: updateUserSchema, response: { 200: userViewSchema, ...errors } },
  }, (req) => updateUser(ctxOf(req), req.params.id, req.body));

  app.put('/api/users/:id/roles', {
    config: { permission: 'user.manage' },
    schema: { tags: ['users'], summary: '设置用户角色', params: idParamsSchema, body: setRolesSchema, response: { 200: userViewSchema, ...errors } },
  }, (req) => setUserRoles(ctxOf(req), req.params.id, req.body.roles));

  app.post('/api/users/:id/reset-password', {
    config: { permission: 'user.manage' },
    schema: { tags: ['users'], summary: '重置密码（下次登录须修改）', params: idParamsSchema, body: resetPasswordSchema, response: { 204: z.null(), ...errors } },
  }, async (req, reply) => {
    await resetUserPassword(ctxOf(req), req.params.id, req.body.newPassword);
    return reply.status(204).send(null);
  });

  app.post('/api/users/:id/reveal-phone', {
    config: { permission: 'user.reveal_phone' },
    schema: { tags: ['users'], summary: '查看完整手机号（记录审计）', params: idParamsSchema, response: { 200: revealPhoneSchema, ...errors } },
  }, (req) => revealUserPhone(ctxOf(req), req.params.id));
}
