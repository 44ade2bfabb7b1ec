import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import redgrid from './eslint-rules/redgrid.js';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'e2e/.artifacts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  // The server's layering, enforced (docs/ARCHITECTURE.md): modules talk through index.ts, platform
  // never imports a module, raw SQL on an owned table carries its scope.
  {
    files: ['apps/server/src/**/*.ts', 'apps/server/test/**/*.ts', 'bench/**/*.ts'],
    plugins: { redgrid },
    rules: { 'redgrid/module-boundaries': 'error' },
  },
  {
    files: ['apps/server/src/modules/**/*.ts'],
    ignores: ['**/*.test.ts'],
    plugins: { redgrid },
    rules: { 'redgrid/scoped-sql': 'error' },
  },
  // Use cases and HTTP handlers never hold a database handle: they reach data through read/write and
  // the repositories a unit of work hands them.
  {
    files: ['apps/server/src/modules/**/*.service.ts', 'apps/server/src/modules/**/*.routes.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'kysely', message: 'no SQL in services or routes: put the query in a repository' }],
          patterns: [
            { group: ['**/db/**'], message: 'services and routes do not touch the database: use read/write (platform/unit-of-work.ts) and a repository' },
            { group: ['**/platform/data-access.ts', '**/platform/transaction.ts'], message: 'scoped queries belong in repositories; use cases open units of work' },
            {
              group: ['**/platform/unit-of-work.ts'],
              importNames: ['withActor', 'makeContext', 'asSystem', 'systemContext'],
              message: 'contexts and system units are made by the platform (app, seed, CLI): a use case cannot widen its own scope',
            },
          ],
        },
      ],
    },
  },
);
