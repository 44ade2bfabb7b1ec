import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../../platform/errors.ts';
import type { FieldCipher } from '../../../platform/crypto.ts';
import { maskIdentityNumber, maskPhone } from '../../../platform/masking.ts';
import { namePinyin } from '../shared/names.ts';

/**
 * Sealing the persons an import writes: SM4 of identity numbers and phones, HMAC-SM3 blind indexes,
 * masks, pinyin — all of a row that needs no database, and most of an import's CPU (SM4 per value
 * dominates). Done in a worker thread while the main thread reads and parses the file and the
 * database writes the previous batch; in the main thread when no worker can be had.
 */

/** What a row carries into sealing (its plain identity number and phone: in memory only, never logged). */
export interface PlainPerson {
  rowNumber: number;
  idValue: string;
  phone: string | null;
  name: string;
}

/** A row's protected fields sealed, and its search keys. */
export interface SealedPerson {
  idEnc: string;
  /** The blind index under the current key, then under retired index keys (a rotation half-way). */
  idCandidates: readonly string[];
  idMasked: string;
  phoneEnc: string | null;
  phoneBidx: string | null;
  phoneMasked: string | null;
  pinyin: string;
  initials: string;
}

/** Rows sealed a slice at a time; in the main thread the event loop is free in between. */
const SEAL_SLICE = 500;

/** Seals rows in this thread, keyed by row number. */
export async function sealPersons(cipher: FieldCipher, rows: readonly PlainPerson[]): Promise<Map<number, SealedPerson>> {
  const out = new Map<number, SealedPerson>();
  for (let at = 0; at < rows.length; at += SEAL_SLICE) {
    if (at > 0) await yieldToLoop();
    const slice = rows.slice(at, at + SEAL_SLICE);
    const ids = cipher.encryptMany(slice.map((r) => r.idValue));
    const withPhone = slice.filter((r) => r.phone !== null);
    const phones = cipher.encryptMany(withPhone.map((r) => r.phone!));
    const phoneOf = new Map(withPhone.map((r, i) => [r.rowNumber, phones[i]!]));
    slice.forEach((r, i) => {
      const { full, initials } = namePinyin(r.name);
      out.set(r.rowNumber, {
        idEnc: ids[i]!,
        idCandidates: cipher.blindIndexCandidates(r.idValue),
        idMasked: maskIdentityNumber(r.idValue),
        phoneEnc: r.phone === null ? null : phoneOf.get(r.rowNumber)!,
        phoneBidx: r.phone === null ? null : cipher.blindIndex(r.phone),
        phoneMasked: r.phone === null ? null : maskPhone(r.phone),
        pinyin: full,
        initials,
      });
    });
  }
  return out;
}

/** The message a worker answers a request with. */
export type SealReply = { id: number; sealed: [number, SealedPerson][] } | { id: number; error: string };

export interface PersonSealer {
  seal(rows: readonly PlainPerson[]): Promise<Map<number, SealedPerson>>;
  /** Ends the worker (a new one starts at the next seal). */
  close(): Promise<void>;
}

export const SEAL_FAILED = '人员信息加密（SM4 加密线程）出错，导入已停止；已提交的批次保留，可从中断处继续';

/**
 * One worker thread sealing batches, started at the first batch; it keeps the process alive only
 * while it holds a batch. A worker that fails — an error in it, an exit —
 * rejects every batch it holds with SEAL_FAILED (the job fails, resumable from its cursor) and is
 * replaced at the next batch. `entry` is for tests (a worker that fails); by default
 * person-seal.worker.ts, run through tsx when the server runs from TypeScript.
 */
export function personSealer(cipher: FieldCipher, entry?: URL): PersonSealer {
  let worker: Worker | null = null;
  let nextId = 1;
  const waiting = new Map<number, { resolve: (m: Map<number, SealedPerson>) => void; reject: (e: Error) => void }>();

  const failure = (cause: unknown) => Object.assign(new AppError('internal', SEAL_FAILED), { cause });
  const failAll = (cause: unknown) => {
    worker = null;
    for (const w of waiting.values()) w.reject(failure(cause));
    waiting.clear();
  };

  const start = (): Worker => {
    const file = entry ?? new URL('./person-seal.worker.ts', import.meta.url);
    // A TypeScript entry starts through person-seal.boot.mjs, which registers tsx in the worker first.
    const boot = file.pathname.endsWith('.ts') ? new URL('./person-seal.boot.mjs', import.meta.url) : file;
    // A small heap: left alone, the worker's young generation and lazy collection grew its share of the
    // process by ~140 MB over a few batches (the import's peak RSS target is 512 MB); a batch of 5,000
    // rows needs a few MB. Beyond the cap the worker stops and the job fails with SEAL_FAILED.
    const w = new Worker(boot, { workerData: { ring: cipher.keyRingForWorker(), entry: file.href }, resourceLimits: { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 4 } });
    w.on('message', (reply: SealReply) => {
      const pending = waiting.get(reply.id);
      if (!pending) return;
      waiting.delete(reply.id);
      if (waiting.size === 0) w.unref();
      if ('error' in reply) pending.reject(failure(new Error(reply.error)));
      else pending.resolve(new Map(reply.sealed));
    });
    w.on('error', (err) => {
      if (worker === w) failAll(err);
    });
    w.on('exit', (code) => {
      if (worker === w) failAll(new Error(`seal worker exited with code ${code}`));
    });
    // Idle, the worker never holds the process open (unref after the listeners: a 'message' listener refs the port).
    w.unref();
    return w;
  };

  return {
    seal(rows) {
      if (rows.length === 0) return Promise.resolve(new Map());
      worker ??= start();
      const id = nextId++;
      const w = worker;
      return new Promise((resolve, reject) => {
        // Held open while it seals: the batch's answer is awaited.
        if (waiting.size === 0) w.ref();
        waiting.set(id, { resolve, reject });
        w.postMessage({ id, rows });
      });
    },
    async close() {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
      for (const p of waiting.values()) p.reject(failure(new Error('seal worker closed')));
      waiting.clear();
    },
  };
}
