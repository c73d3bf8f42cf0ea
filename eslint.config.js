import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.data/**', '.tmp/**', '**/migrations/**', 'bench-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
      // Only a service's config.ts (and a tool's config module) may read the environment.
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read environment variables only in config.ts.' },
      ],
    },
  },
  {
    files: [
      '**/src/config.ts',
      'tools/*/src/*-config.ts',
      '**/test/**',
      'tests/**',
      'tools/testing/**',
      'vitest.config.ts',
      'drizzle.config.ts',
      '**/drizzle.config.ts',
      'tools/launcher/src/**',
      'tools/bench/src/**',
      'tools/ci/src/**',
    ],
    rules: { 'no-restricted-properties': 'off', 'no-console': 'off' },
  },
);
