import type { PersonSearchQuery } from '@redgrid/contracts';
import type { RequestContext } from '../../../platform/context.ts';
import { AppError, forbidden } from '../../../platform/errors.ts';
import type { Cell, TableFormat } from '../../../platform/tabular/index.ts';
import { read, write } from '../../../platform/unit-of-work.ts';
import { exportTable } from '../../exchange/index.ts';
import { personRepository } from './person.repository.ts';
import { searchPersons } from './person.service.ts';

const HEADERS = ['姓名', '性别', '出生日期', '公民身份号码', '联系电话', '人口类型', '人户状态', '与户主关系', '社区', '网格', '楼栋单元', '现住址', '信息状态'];
const SEX: Record<string, string> = { male: '男', female: '女' };
const POPULATION: Record<string, string> = { registered: '户籍人口', floating: '流动人口', unsettled: '未落户人员', overseas: '境外人员', lodging: '寄住人员', other: '其他' };
const RESIDENCE: Record<string, string> = { together: '人户同在', registered_absent: '户在人不在', present_unregistered: '人在户不在' };
const RELATION: Record<string, string> = { head: '户主', spouse: '配偶', child: '子女', parent: '父母', grandchild: '孙子女', grandparent: '祖父母', sibling: '兄弟姐妹', child_in_law: '儿媳/女婿', other: '其他' };
const PROVENANCE: Record<string, string> = { entered: '录入', claimed: '认领', verified: '已核实' };
/** An export stops here: a bigger one belongs to a district's data exchange, not a page. */
const EXPORT_LIMIT = 200_000;

/**
 * Persons in scope (the same filters as the search) to CSV or XLSX, watermarked with the exporter's
 * name and time and recorded in the audit trail. ID numbers and phones are masked unless the caller
 * may reveal and gives a reason, which the audit trail keeps with the export.
 */
export async function exportPersons(ctx: RequestContext, query: Omit<PersonSearchQuery, 'limit' | 'after'>, format: TableFormat, unmasked: { reason: string } | null) {
  if (unmasked && !ctx.actor?.permissions.has('basedata.reveal')) throw forbidden('您不能导出未脱敏的证件号和电话');
  if (unmasked) await write(ctx, 'basedata.reveal', (unit) => unit.audit({ action: 'reveal', entity: 'person_export', entityId: null, areaId: query.areaId ?? null, after: { reason: unmasked.reason, filter: query } }));
  // The first page before any byte is sent: an area outside scope is a 404, not a broken download.
  const first = await searchPersons(ctx, { ...query, limit: 200 });
  async function* rows(): AsyncGenerator<readonly Cell[]> {
    let after: string | undefined;
    let sent = 0;
    for (;;) {
      const page = after === undefined ? first : await searchPersons(ctx, { ...query, limit: 200, after });
      const full = unmasked
        ? await read(ctx, 'basedata.reveal', async (unit) => {
            const repo = unit.use(personRepository);
            const out = new Map<number, { id: string | null; phone: string | null }>();
            for (const p of page.items) {
              const row = await repo.find(p.id);
              out.set(p.id, { id: row?.id_enc ? ctx.cipher.decrypt(row.id_enc) : null, phone: row?.phone_enc ? ctx.cipher.decrypt(row.phone_enc) : null });
            }
            return out;
          })
        : null;
      for (const p of page.items) {
        yield [
          p.name,
          p.sex ? SEX[p.sex]! : '',
          p.birthDate ?? '',
          full?.get(p.id)?.id ?? p.idMasked ?? '',
          full?.get(p.id)?.phone ?? p.phoneMasked ?? '',
          POPULATION[p.populationType] ?? p.populationType,
          RESIDENCE[p.residenceStatus] ?? p.residenceStatus,
          p.relationToHead ? (RELATION[p.relationToHead] ?? p.relationToHead) : '',
          p.place.communityName ?? '',
          p.place.gridName ?? '',
          p.place.placeName ?? '',
          p.address ?? '',
          PROVENANCE[p.provenance] ?? p.provenance,
        ];
        sent += 1;
        if (sent >= EXPORT_LIMIT) return;
      }
      if (!page.next) return;
      after = page.next;
    }
  }
  if (query.q && query.q.length > 40) throw new AppError('validation_failed', '查询条件过长');
  return exportTable(ctx, { kind: 'person', label: '实有人口', permission: 'basedata.export', format, headers: HEADERS, filter: { ...query, unmasked: unmasked !== null }, areaId: query.areaId ?? null, rows: rows() });
}
