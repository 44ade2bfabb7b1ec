import type { Db } from '../../platform/data-access.ts';

/**
 * Open311 API keys (migration 0025): the deployment's reference data, owned by no area (like the
 * working calendar), so no scope predicate; who may manage them is the service's rule.
 */
export function open311KeysRepository(db: Db) {
  const columns = ['id', 'name', 'owner', 'key_prefix as keyPrefix', 'rate_per_minute as ratePerMinute', 'active', 'created_by as createdBy', 'created_at as createdAt', 'revoked_by as revokedBy', 'revoked_at as revokedAt', 'last_used_at as lastUsedAt'] as const;
  return {
    list: () => db.selectFrom('open311_keys').select(columns).orderBy('active', 'desc').orderBy('id', 'desc').limit(500).execute(),
    get: (id: number) => db.selectFrom('open311_keys').select(columns).where('id', '=', id).executeTakeFirst(),
    /** The key a client presented, by its hash; revoked keys too, so the refusal can say so. */
    byHash: (hash: string) => db.selectFrom('open311_keys').select(['id', 'name', 'rate_per_minute as ratePerMinute', 'active']).where('key_hash', '=', hash).executeTakeFirst(),
    hashTaken: async (hash: string) => (await db.selectFrom('open311_keys').select('id').where('key_hash', '=', hash).executeTakeFirst()) !== undefined,
    insert: (k: { name: string; owner: string; keyHash: string; keyPrefix: string; ratePerMinute: number; createdBy: number | null; at: Date }) =>
      db
        .insertInto('open311_keys')
        .values({ name: k.name, owner: k.owner, key_hash: k.keyHash, key_prefix: k.keyPrefix, rate_per_minute: k.ratePerMinute, created_by: k.createdBy, created_at: k.at })
        .returning('id')
        .executeTakeFirstOrThrow(),
    /** Revokes an active key; answers whether this call did (a second revoke changes nothing). */
    revoke: async (id: number, by: number, at: Date) => {
      const r = await db.updateTable('open311_keys').set({ active: false, revoked_by: by, revoked_at: at }).where('id', '=', id).where('active', '=', true).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    /** When the key was last used; written at most once a minute per key (see the service). */
    touch: (id: number, at: Date) => db.updateTable('open311_keys').set({ last_used_at: at }).where('id', '=', id).where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)])).execute(),
  };
}
