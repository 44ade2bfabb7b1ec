/**
 * The shape of the data-key ring, read from configuration (config.ts) and used by the field cipher
 * (platform/crypto.ts). Here, below both, so configuration needs nothing from the platform.
 */

export interface DataKey {
  /** 1–16 letters, digits, '_' or '-' (never ':'), e.g. 'k1'. */
  id: string;
  /** 16 bytes. */
  key: Buffer;
}

/**
 * The keys personal data is encrypted and indexed under. Writes use `current`; values under a
 * `retired` key still decrypt until the rekey job (platform/rekey.ts) has moved them. The blind
 * index has keys of its own: `index` (null = derived from the current data key, as before key rings
 * existed) and `retiredIndex`, searched too while a rotation is half-way.
 */
export interface KeyRing {
  current: DataKey;
  retired: readonly DataKey[];
  index: Buffer | null;
  retiredIndex: readonly Buffer[];
}

/** The id a key has when none is configured: the key of a deployment from before key rings. */
export const DEFAULT_KEY_ID = 'k1';
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,16}$/;
