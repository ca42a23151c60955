// Lint is part of `npm test`. Type-checked rules for TypeScript, Vue rules for the client, and
// import restrictions that hold the layer rule of ARCHITECTURE.md §2 in place.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import globals from 'globals';

const serviceBans = {
  patterns: [
    {
      group: ['express', 'socket.io', 'pkcs11js', 'koffi', 'serialport', 'kysely', 'pg', 'better-sqlite3'],
      message: 'Services see interfaces only (ARCHITECTURE.md §2).',
    },
    {
      group: ['node:child_process', 'child_process'],
      message: 'Services never spawn processes; drivers do.',
    },
    {
      // Relative paths up into server/http, server/socket or server/db (shared/socket is fine).
      regex: '^(\\.\\./)+(http|socket|db)/',
      message: 'Services never import the edges or the database.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'data/**', 'coverage', '.tmp', 'client/dist'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...vue.configs['flat/recommended'],
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.vue'],
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    files: ['**/*.vue'],
    languageOptions: {
      parser: (await import('vue-eslint-parser')).default,
      parserOptions: { parser: tseslint.parser, projectService: true, extraFileExtensions: ['.vue'] },
      globals: { ...globals.browser },
    },
  },
  {
    files: ['client/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/server/**', '**/hardware-sims/**'], message: 'The client imports shared/ only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**', '**/client/**', '**/hardware-sims/**', 'node:*'],
              message: 'shared/ is pure and runs in both Node and the browser.',
            },
          ],
        },
      ],
    },
  },
  { files: ['server/services/**'], rules: { 'no-restricted-imports': ['error', serviceBans] } },
  {
    files: ['server/drivers/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(services|http|socket|db)/|hardware-sims/',
              message: 'Drivers depend on shared/ and their own layer only.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests read loosely typed HTTP bodies (supertest's `any`) on purpose; they assert shapes.
    files: ['test/**', 'client/src/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
