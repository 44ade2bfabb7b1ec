import { claimInputSchema, claimListQuerySchema, claimPageSchema, errorBodySchema, idParamsSchema, organisationViewSchema, personDetailSchema } from '@redgrid/contracts';
import { ctxOf, type App } from '../../platform/http.ts';
import { claimOrganisation, claimPerson, listClaims } from './claims/claim.service.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };
const tags = ['basedata'];

/** 认领: the community's waiting records and claiming one into the caller's grid. */
export function registerClaimRoutes(app: App): void {
  app.get('/api/basedata/claims', {
    config: { permission: 'basedata.manage' },
    schema: { tags, summary: '待认领的人员或单位（社区一级导入、尚未落到网格的记录）', querystring: claimListQuerySchema, response: { 200: claimPageSchema, ...errors } },
  }, (req) => listClaims(ctxOf(req), req.query));

  app.post('/api/basedata/persons/:id/claim', {
    config: { permission: 'basedata.manage' },
    schema: { tags, summary: '认领人员到本人管辖的网格、楼栋或单元（同户成员一并认领；重复提交无副作用）', params: idParamsSchema, body: claimInputSchema, response: { 200: personDetailSchema, ...errors } },
  }, (req) => claimPerson(ctxOf(req), req.params.id, req.body));

  app.post('/api/basedata/organisations/:id/claim', {
    config: { permission: 'basedata.manage' },
    schema: { tags, summary: '认领单位到本人管辖的网格、楼栋或单元（重复提交无副作用）', params: idParamsSchema, body: claimInputSchema, response: { 200: organisationViewSchema, ...errors } },
  }, (req) => claimOrganisation(ctxOf(req), req.params.id, req.body));
}
