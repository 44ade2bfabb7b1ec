import type { ESLint } from 'eslint';

/** The owned tables the scoped-sql rule knows (kept equal to OWNERS in platform/data-access.ts by a test). */
export const OWNED: readonly string[];
declare const plugin: ESLint.Plugin;
export default plugin;
