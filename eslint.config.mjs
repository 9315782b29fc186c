// ESLint flat config: typescript-eslint's recommended rules (syntax only, no type information, so a
// run over the whole tree stays in seconds) and an import-cycle check between our own modules.
//   npm run lint
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import noFolderCycle from './scripts/eslint/no-folder-cycle.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX, handshake: { rules: { 'no-folder-cycle': noFolderCycle } } },
    languageOptions: { globals: { ...globals.node } },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'] })],
    },
    rules: {
      // A cycle between our modules makes load order matter (undefined classes in Nest's DI, half-built
      // module objects); type-only imports are erased at compile time and do not count.
      'import-x/no-cycle': ['error', { ignoreExternal: true, allowUnsafeDynamicCyclicDependency: false }],
      // The same between feature folders (src/billing <-> src/suppliers), see scripts/eslint/no-folder-cycle.mjs.
      'handshake/no-folder-cycle': 'error',
      // Off on purpose: `any` here types untyped data at its edge, rows from raw SQL (TypeORM's
      // query() returns any[]) and JSON response bodies in tests, read field by field right after.
      // Typing every row shape is a rewrite of its own, not a lint fix.
      '@typescript-eslint/no-explicit-any': 'off',
      // `_name` marks an argument or binding that is there on purpose (a callback's signature, a
      // destructured field left out of a copy).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // The plain-JavaScript tools (test and bench runners, configs) are CommonJS scripts run by Node.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
  },
  {
    // Scripts the pages load (served from templates/assets: no inline script under the CSP) run in browsers.
    files: ['templates/assets/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
  },
);
