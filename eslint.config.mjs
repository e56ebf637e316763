// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** The browser globals the web console (apps/web) may use; it runs in no Node. */
const BROWSER_GLOBALS = Object.fromEntries(
  [
    'window', 'document', 'navigator', 'location', 'history', 'console', 'sessionStorage',
    'localStorage', 'fetch', 'Headers', 'Request', 'Response', 'URL', 'URLSearchParams',
    'FormData', 'Blob', 'File', 'FileReader', 'AbortController', 'crypto', 'ResizeObserver',
    'HTMLElement', 'HTMLInputElement', 'Event', 'KeyboardEvent', 'MouseEvent', 'Intl',
    'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'requestAnimationFrame',
  ].map((name) => [name, 'readonly']),
);

const FRAMEWORKS = ['@nestjs/*', 'typeorm', 'typeorm/*', 'bullmq', 'ioredis', 'pg', 'rxjs', 'express'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Issue 16 item 5: TypeORM (the migration runner and the pool) is database/'s alone; the rest
    // queries through Database/Sql and reads SqlError's code, never a DataSource or driverError.
    // Before the domain's block, whose own restrictions (typeorm among them) win on its files.
    files: ['apps/**/*.ts', 'libs/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    ignores: ['libs/infra/src/database/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['typeorm', 'typeorm/*'], message: 'TypeORM stays in libs/infra/src/database: use Database, openDatabase and SqlError.' }] }],
    },
  },
  {
    // ARCHITECTURE.md convention 1: the domain is pure. No framework, no clock, no randomness.
    files: ['libs/domain/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.testing.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: FRAMEWORKS, message: 'libs/domain stays pure: no framework or I/O imports.' }] }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'time comes from the command metadata' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'time comes from the command metadata' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'ids and randomness come from outside the domain' },
        { selector: "CallExpression[callee.name='randomUUID']", message: 'ids come from outside the domain' },
      ],
    },
  },
  {
    // Issue 16 item 3: arrows in libs/ run one way. The TypeScript resolver follows the @bp/* paths
    // of tsconfig.json, so a cycle through the barrel is caught as well as a relative one.
    files: ['libs/domain/src/**/*.ts', 'libs/infra/src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // without the TypeScript extensions and parser import-x reads no .ts file and finds nothing
      'import-x/extensions': ['.ts'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // Issue 16: no function in libs/ is over 40 lines (blank lines and comments not counted);
    // a longer one is split into named steps. Specs, fixtures and migrations are exempt.
    files: ['libs/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.testing.ts', '**/migrations/**'],
    rules: {
      'max-lines-per-function': ['error', { max: 40, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Issue 16 item 1: one pipeline from a command to an append. Only event-store/handle.ts calls
    // the store's append; everything else uses handle, handleOnce or appendBatch.
    files: ['libs/infra/**/*.ts', 'apps/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', 'libs/infra/src/event-store/handle.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name=/^append(Many)?$/][callee.object.name=/store$/i]", message: 'append through the pipeline (event-store/handle.ts): handle, handleOnce or appendBatch' },
        { selector: "CallExpression[callee.property.name=/^append(Many)?$/][callee.object.property.name=/store$/i]", message: 'append through the pipeline (event-store/handle.ts): handle, handleOnce or appendBatch' },
      ],
    },
  },
  {
    // the web console: browser code, TSX
    files: ['apps/web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: BROWSER_GLOBALS },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
