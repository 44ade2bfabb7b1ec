import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { OWNED } from '../../../../eslint-rules/redgrid.js';
import { OWNERS } from './data-access.ts';

/**
 * The layering rules are enforced by lint, not by review: each planted violation below must fail
 * `npm run lint` with the rule that names it, and the allowed shapes must pass.
 */
const root = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
const eslint = new ESLint({ cwd: root });

async function problems(relativePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, relativePath) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('architecture lint rules', () => {
  it('refuse a database import in a service or a route', async () => {
    const service = await problems('apps/server/src/modules/case/case.service.ts', "import type { Database } from '../../db/engine.ts';\nexport type X = Database;\n");
    expect(service.join('\n')).toMatch(/no-restricted-imports: .*do not touch the database/);
    const route = await problems('apps/server/src/modules/case/case.routes.ts', "import { sql } from 'kysely';\nexport const q = sql`select 1`;\n");
    expect(route.join('\n')).toMatch(/no-restricted-imports: .*no SQL in services or routes/);
    const widen = await problems('apps/server/src/modules/case/case.service.ts', "import { withActor } from '../../platform/unit-of-work.ts';\nexport const w = withActor;\n");
    expect(widen.join('\n')).toMatch(/cannot widen its own scope/);
    const tx = await problems('apps/server/src/modules/case/case.service.ts', "import { scopedFrom } from '../../platform/data-access.ts';\nexport const f = scopedFrom;\n");
    expect(tx.join('\n')).toMatch(/scoped queries belong in repositories/);
  });

  it('refuse a deep import into another module, and platform importing a module', async () => {
    const deep = await problems('apps/server/src/modules/case/case.service.ts', "import { userRepository } from '../user/user.repository.ts';\nexport const r = userRepository;\n");
    expect(deep.join('\n')).toMatch(/redgrid\/module-boundaries: .*reaches inside module 'user'/);
    const front = await problems('apps/server/src/modules/case/case.service.ts', "import { userModule } from '../user/index.ts';\nexport const m = userModule;\n");
    expect(front.filter((p) => p.startsWith('redgrid/'))).toEqual([]);
    const seed = await problems('apps/server/src/seed/x.ts', "import { userRepository } from '../modules/user/user.repository.ts';\nexport const r = userRepository;\n");
    expect(seed.join('\n')).toMatch(/reaches inside module 'user'/);
    const upward = await problems('apps/server/src/platform/x.ts', "import { userModule } from '../modules/user/index.ts';\nexport const m = userModule;\n");
    expect(upward.join('\n')).toMatch(/platform code may not import module 'user'/);
  });

  it('refuse raw SQL on an owned table without the scope predicate', async () => {
    const code = (body: string) =>
      `import { sql } from 'kysely';\nimport { ownedBy } from '../../platform/data-access.ts';\nexport const q = (scope: never) => ${body};\nexport const o = ownedBy;\n`;
    const bare = await problems('apps/server/src/modules/case/case.repository.ts', code('sql`SELECT id FROM areas a WHERE a.level = \'grid\'`'));
    expect(bare.join('\n')).toMatch(/redgrid\/scoped-sql: raw SQL on owned table 'areas'/);
    const scoped = await problems('apps/server/src/modules/case/case.repository.ts', code("sql`SELECT id FROM areas a WHERE ${ownedBy(scope, 'areas as a')}`"));
    expect(scoped.filter((p) => p.startsWith('redgrid/'))).toEqual([]);
  });

  it('know the same owned tables as the data-access layer', () => {
    expect([...OWNED].sort()).toEqual(Object.keys(OWNERS).sort());
  });
});
