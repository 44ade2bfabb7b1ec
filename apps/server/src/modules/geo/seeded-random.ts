/**
 * mulberry32, keyed by a string: synthetic data that looks random but is the same on every run, and
 * one stage (or one grid) can change without reshuffling the others.
 */
export function seededRandom(seed: number, key: string): () => number {
  let hash = 2_166_136_261;
  for (const char of key) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 16_777_619);
  let state = (seed ^ hash) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
