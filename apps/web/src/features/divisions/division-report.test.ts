// @vitest-environment jsdom
import { divisionImportReportSchema, type DivisionImportReport } from '@redgrid/contracts';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../shared/api/api-error';
import { rejectedReport, settleImport } from './division-report';

const report: DivisionImportReport = {
  kind: 'divisions',
  applied: false,
  dryRun: true,
  total: 3,
  ok: 2,
  errorCount: 1,
  warningCount: 0,
  errors: [{ row: 3, field: 'parent_code', code: 'parent_missing', message: '上级代码不在区域树中', areaCode: '320412001001' }],
  warnings: [],
  changeId: null,
  durationMs: 12,
  message: '导入未执行：1 处错误',
  created: 0,
  createdByLevel: { province: 0, city: 0, district: 0, street: 0, community: 0 },
  renamed: 0,
  unchanged: 2,
};

const rejected = (details: Record<string, unknown> | null) => new ApiError({ status: 422, code: 'import_rejected', message: '导入未执行', details });

describe('rejectedReport', () => {
  it('reads the report of a 422 import_rejected', () => {
    expect(rejectedReport(rejected({ report }), divisionImportReportSchema)).toEqual(report);
  });

  it('ignores other errors and reports that break the contract', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(rejectedReport(new ApiError({ status: 409, code: 'conflict', message: '已存在' }), divisionImportReportSchema)).toBeNull();
    expect(rejectedReport(rejected({ report: { kind: 'divisions' } }), divisionImportReportSchema)).toBeNull();
    expect(rejectedReport(rejected(null), divisionImportReportSchema)).toBeNull();
    expect(rejectedReport(new Error('boom'), divisionImportReportSchema)).toBeNull();
  });
});

describe('settleImport', () => {
  it('resolves with the report on success and on rejection, and rethrows the rest', async () => {
    await expect(settleImport(Promise.resolve(report), divisionImportReportSchema)).resolves.toBe(report);
    await expect(settleImport(Promise.reject(rejected({ report })), divisionImportReportSchema)).resolves.toEqual(report);
    const conflict = new ApiError({ status: 409, code: 'conflict', message: '已存在' });
    await expect(settleImport(Promise.reject(conflict), divisionImportReportSchema)).rejects.toBe(conflict);
  });
});
