import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { AREA_LEVELS, usernameSchema, type AreaLevel } from '@redgrid/contracts';
import { systemContext } from '../boot.ts';
import { loadConfig } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { openConfiguredDatabase } from '../db/open.ts';
import { anchorAuditChainAfterMigration, appendAudit } from '../platform/audit.ts';
import { FieldCipher } from '../platform/crypto.ts';
import { assertPasswordPolicy, hashPassword } from '../platform/password.ts';
import pino from 'pino';

/**
 * `npm run admin:create -- --username NAME --display-name 姓名 --area-code CODE [--area-name 名称 --area-level province]`
 * Creates the first system admin in production: there are no default passwords there. The password
 * comes from REDGRID_ADMIN_PASSWORD or is asked for on the terminal. When the area tree is empty,
 * --area-name and --area-level create its root.
 */
const { values } = parseArgs({
  options: {
    username: { type: 'string' },
    'display-name': { type: 'string' },
    'area-code': { type: 'string' },
    'area-name': { type: 'string' },
    'area-level': { type: 'string', default: 'province' },
  },
});

function fail(message: string): never {
  console.error(`admin:create: ${message}`);
  process.exit(1);
}

const username = usernameSchema.safeParse(values.username ?? '');
if (!username.success) fail(`--username: ${username.error.issues[0]?.message ?? 'invalid'}`);
const displayName = values['display-name'] ?? fail('--display-name is required');
const areaCode = values['area-code'] ?? fail('--area-code is required (the area the admin governs, e.g. 320000000000)');
const level = values['area-level'] as AreaLevel;
if (!AREA_LEVELS.includes(level)) fail(`--area-level must be one of ${AREA_LEVELS.join(', ')}`);

async function askPassword(): Promise<string> {
  const fromEnv = process.env.REDGRID_ADMIN_PASSWORD;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) fail('set REDGRID_ADMIN_PASSWORD or run in a terminal');
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const password = await rl.question('Password for the new admin: ');
  rl.close();
  return password;
}

const config = loadConfig();
const password = await askPassword();
try {
  assertPasswordPolicy(password, config.passwordPolicy, username.data);
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
const passwordHash = await hashPassword(password);
const opened = await openConfiguredDatabase(config);
try {
  await anchorAuditChainAfterMigration(opened.database, config, await migrate(opened.database));
  const deps = { config, database: opened.database, cipher: new FieldCipher(config.dataKeys), clock: () => new Date() };
  const ctx = systemContext(deps, pino({ level: 'warn' }));
  // An operator tool, like the migrations: it owns the database for its run, outside any request.
  const id = await opened.database.db.transaction().execute(async (tx) => {
    let area = await tx.selectFrom('areas').select(['id']).where('code', '=', areaCode).executeTakeFirst();
    if (!area) {
      const any = await tx.selectFrom('areas').select('id').limit(1).executeTakeFirst();
      if (any || !values['area-name']) fail(`area ${areaCode} does not exist${any ? '' : ' (the tree is empty: pass --area-name and --area-level to create its root)'}`);
      area = await tx.insertInto('areas').values({ code: areaCode, name: values['area-name'], level, parent_id: null }).returning('id').executeTakeFirstOrThrow();
    }
    const taken = await tx.selectFrom('users').select('id').where((eb) => eb(eb.fn('lower', ['username']), '=', username.data.toLowerCase())).executeTakeFirst();
    if (taken) fail(`username ${username.data} is taken`);
    const user = await tx
      .insertInto('users')
      .values({ username: username.data, display_name: displayName, password_hash: passwordHash, home_area_id: area.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.insertInto('role_assignments').values({ user_id: user.id, role: 'system_admin', area_id: area.id }).execute();
    await appendAudit(tx, ctx, { action: 'create', entity: 'user', entityId: user.id, areaId: area.id, actorOverride: { id: null, name: 'cli:admin-create' }, after: { username: username.data, roles: [`system_admin@${areaCode}`] } });
    return user.id;
  });
  console.log(`created system admin ${username.data} (id ${id}) on area ${areaCode}`);
} finally {
  await opened.close();
}
