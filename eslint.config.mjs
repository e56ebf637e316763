// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

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
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
