import { parentPort, workerData } from 'node:worker_threads';
import { FieldCipher, type KeyRing } from '../../../platform/crypto.ts';
import { boundHeap } from '../../../platform/heap-bound.ts';
import { sealPersons, type PlainPerson, type SealReply } from './person-seal.ts';

/**
 * The worker thread of person-seal.ts: builds the same cipher from the key ring it is handed and
 * seals the batches it is sent, one at a time, answering each with its id. An error answers that
 * batch with the error's message (never a value: the cipher's errors name no data).
 */
const { ring } = workerData as { ring: KeyRing };
const cipher = new FieldCipher(ring);
const port = parentPort!;

port.on('message', (message: { id: number; rows: PlainPerson[] }) => {
  sealPersons(cipher, message.rows).then(
    (sealed) => {
      port.postMessage({ id: message.id, sealed: [...sealed] } satisfies SealReply);
      // The batch just sent is garbage now: keep this thread's heap near its live size (heap-bound.ts).
      boundHeap(32, 24);
    },
    (err: unknown) => port.postMessage({ id: message.id, error: err instanceof Error ? err.message : 'sealing failed' } satisfies SealReply),
  );
});
