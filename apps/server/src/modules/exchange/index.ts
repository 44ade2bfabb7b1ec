/**
 * Table import and export (导入导出): a module makes its records importable by registering an import
 * kind here, and exports through `exportTable`. The engine (files, column mapping, the dry run and
 * its error report, batched resumable apply in the background) is the same for every kind.
 */
import { defineModule } from '../../platform/module.ts';
import { ImportRunner } from './exchange-runner.ts';
import { registerExchangeRoutes } from './exchange.routes.ts';

/** The runner of each app (tests reach it to wait for a job or to simulate a crash). */
export const importRunners = new WeakMap<object, ImportRunner>();

export const exchangeModule = defineModule('exchange', (app, { deps }) => {
  const runner = new ImportRunner(deps, app.log);
  importRunners.set(deps, runner);
  registerExchangeRoutes(app, runner);
  // Jobs a stopped server left checking or applying go on from their last committed batch.
  app.addHook('onReady', async () => {
    const left = await runner.resumeLeftJobs();
    if (left > 0) app.log.info({ jobs: left }, 'import jobs resumed');
  });
  app.addHook('onClose', async () => runner.stop());
});

export { registerImportKind, type BatchCounts, type ImportFieldSpec, type ImportJobInfo, type ImportKind, type ParsedRow, type ParseResult, type RowIssue } from './import-kinds.ts';
export { exportTable, type ExportSpec, type FileDownload } from './exchange.service.ts';
export { sendFile } from './exchange.routes.ts';
export type { ImportRunner } from './exchange-runner.ts';
