/**
 * Cases (网格事件 / 案件, issue 10): the workflow as a pure state machine (case-workflow.ts), the deadlines
 * of each step on the working-time clock (case-deadline.ts), and the use cases — report, act, read, inbox —
 * over an append-only timeline with the case row as its projection.
 */
import { defineModule } from '../../platform/module.ts';
import { schedulerFor } from '../../platform/scheduler.ts';
import { registerAttachmentOwner } from '../attachment/index.ts';
import { registerImportKind } from '../exchange/index.ts';
import { caseOverdueJob } from './case-overdue.job.ts';
import { registerPublicCaseRoutes } from './case-public.routes.ts';
import { registerCaseRoutes } from './case.routes.ts';
import { locateCaseForAttachment } from './case.service.ts';
import { hotlineImportKind } from './hotline/hotline-import.ts';
import { registerHotlineRoutes } from './hotline/hotline.routes.ts';

export const caseModule = defineModule('case', async (app, { deps }) => {
  schedulerFor(deps, app.log).register(caseOverdueJob({ autoYellowCard: deps.config.caseAutoCard }));
  // Photos and files of a case (the scene, evidence of an on-the-spot closure, a handling result) sit
  // in the case's grid, and whoever reads the case sees them.
  registerAttachmentOwner({ type: 'case', label: '事件', readPermission: 'case.read', attachPermission: 'case.read', purposes: ['photo', 'document'], locate: locateCaseForAttachment });
  registerCaseRoutes(app);
  // The resident's channel without an account: report, photos, tracking (居民随手拍).
  await registerPublicCaseRoutes(app, deps.config);
  // The 12345 desk: work orders entered or imported (import kind hotline_orders), replies exported.
  registerHotlineRoutes(app);
  registerImportKind(hotlineImportKind(deps.cipher, deps.clock));
});
export { actOnCase, getCase, listCases, reportCase } from './case.service.ts';
/** For the other channels (public report, 12345, household visits, Open311): file a case in their own unit of work. */
export { caseDetailOf, caseItem, fileCase, sealReporter, type CaseIntake, type SealedReporter } from './case.service.ts';
/** The household-visit channel: the problems a visit found, filed as cases in the visit's transaction. */
export { casesOfVisit, fileVisitProblems, type VisitProblem } from './visit-channel.ts';
/** The demo quarter of cases, seeded with the demo district; a stored case is the fold of its timeline (what its tests check). */
export { seedDemoCases, type DemoCaseCounts } from './seed/demo-cases.ts';
export { fold as foldTimeline } from './case-workflow.ts';
export { eventOfRow } from './case.service.ts';
