import type { CreateGroup, GroupConfig, UpdateGroup } from '@redgrid/contracts';
import type { RequestContext } from '../../../platform/context.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import { read, write } from '../../../platform/unit-of-work.ts';
import { groupRepository } from './groups.repository.ts';

/**
 * Care groups and key-population categories as configuration (system admin, basedata.configure):
 * a district renames them, sets reminder days, adds its own, retires one, and decides which roles
 * may see membership. Every change is on the audit trail with before and after.
 */

export function listGroupConfig(ctx: RequestContext): Promise<GroupConfig[]> {
  return read(ctx, 'basedata.configure', async (unit) => (await unit.use(groupRepository).all()).map(({ id: _id, ...g }) => g));
}

export function createGroup(ctx: RequestContext, input: CreateGroup): Promise<GroupConfig[]> {
  return write(ctx, 'basedata.configure', async (unit) => {
    const groups = unit.use(groupRepository);
    if (await groups.find(input.code)) throw new AppError('conflict', `代码 ${input.code} 已存在`);
    await groups.insert(input);
    await unit.audit({ action: 'create', entity: 'person_group', entityId: input.code, after: input });
    return (await groups.all()).map(({ id: _id, ...g }) => g);
  });
}

export function updateGroup(ctx: RequestContext, code: string, input: UpdateGroup): Promise<GroupConfig[]> {
  return write(ctx, 'basedata.configure', async (unit) => {
    const groups = unit.use(groupRepository);
    const before = await groups.find(code);
    if (!before) throw notFound('类别');
    await groups.update(code, input);
    const { id: _id, ...shape } = before;
    await unit.audit({ action: 'update', entity: 'person_group', entityId: code, before: shape, after: { ...shape, ...input } });
    return (await groups.all()).map(({ id: _idx, ...g }) => g);
  });
}
