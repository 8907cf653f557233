// ESLint for the extension and its unit tests (scripts/test.sh lint stage, tests/lint/run.sh).
import js from '@eslint/js';
import globals from 'globals';

export default [
  js.configs.recommended,
  {
    files: ['extension/src/**/*.js'],
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.webextensions, ...globals.serviceworker },
    },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
      // Declared-then-assigned-in-try is this code base's idiom for fail-closed defaults.
      'no-useless-assignment': 'off',
      eqeqeq: ['error', 'always'],
      'no-var': 'error',
      'prefer-const': 'error',
    },
  },
  {
    // Content scripts are classic scripts (no imports), injected into pages.
    files: ['extension/src/content/**/*.js'],
    languageOptions: { sourceType: 'script' },
  },
  {
    files: ['tests/extension-unit/**/*.js', 'tests/lint/**/*.mjs'],
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: { ...globals.node } },
    // Fakes in tests keep the signature of what they stand for (unused parameters are fine).
    rules: { 'no-unused-vars': ['error', { args: 'none', caughtErrors: 'none' }], 'no-empty': ['error', { allowEmptyCatch: true }] },
  },
];
