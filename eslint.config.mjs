import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const lib = (name) => `lib:${name}`;

// What each project may import (the libraries of the README's Layout section). Apps never import
// apps.
const dependencyRules = [
  { sourceTag: lib('domain'), onlyDependOnLibsWithTags: [lib('domain')] },
  { sourceTag: lib('queue-contracts'), onlyDependOnLibsWithTags: [lib('domain')] },
  { sourceTag: lib('platform'), onlyDependOnLibsWithTags: [lib('domain')] },
  // Serving HTTP: only the HTTP apps import it, so worker and beat carry no web framework.
  { sourceTag: lib('http-edge'), onlyDependOnLibsWithTags: [lib('domain'), lib('platform')] },
  { sourceTag: lib('db'), onlyDependOnLibsWithTags: [lib('domain'), lib('platform')] },
  { sourceTag: lib('licensing'), onlyDependOnLibsWithTags: [lib('domain'), lib('platform')] },
  {
    sourceTag: lib('audit'),
    onlyDependOnLibsWithTags: [lib('domain'), lib('db'), lib('platform'), lib('queue-contracts')],
  },
  {
    sourceTag: lib('identity'),
    onlyDependOnLibsWithTags: [lib('domain'), lib('audit'), lib('db'), lib('platform')],
  },
  {
    sourceTag: lib('tokens'),
    onlyDependOnLibsWithTags: [
      lib('domain'),
      lib('audit'),
      lib('db'),
      lib('platform'),
      lib('queue-contracts'),
    ],
  },
  {
    sourceTag: lib('device-flow'),
    onlyDependOnLibsWithTags: [
      lib('domain'),
      lib('audit'),
      lib('tokens'),
      lib('licensing'),
      lib('platform'),
      lib('queue-contracts'),
    ],
  },
  // The CLI is a client of the services: of the workspace it may use only the pure rules.
  { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: [lib('domain')] },
  { sourceTag: 'type:testing', notDependOnLibsWithTags: ['type:app'] },
  { sourceTag: 'type:app', notDependOnLibsWithTags: ['type:app'] },
];

// Framework-free libraries: rules and contracts must not drag a framework into every consumer.
const FRAMEWORKS = [
  '@nestjs/*',
  'bullmq',
  'typeorm',
  'ioredis',
  'fastify',
  'pg',
  'nestjs-pino',
  'pino',
];

const TEST_FILES = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'];

// What a library's own tests may import beyond its production dependencies (the test harness
// aside). identity and licensing have guards of their own: their tests drive them through a real
// HTTP app. device-flow's integration tests run the real DbModule that token issuance writes
// through; its production code reaches the database only through libs/tokens, so db stays out of
// its rule. (libs/testing cannot hand them the DbModule instead: db's own tests import libs/testing.)
const testOnlyDependencies = {
  [lib('identity')]: [lib('http-edge')],
  [lib('licensing')]: [lib('http-edge')],
  [lib('device-flow')]: [lib('db')],
};

function moduleBoundaries({ allowTestingLib }) {
  const rules = allowTestingLib
    ? dependencyRules.map((rule) =>
        rule.onlyDependOnLibsWithTags
          ? {
              ...rule,
              onlyDependOnLibsWithTags: [
                ...rule.onlyDependOnLibsWithTags,
                ...(testOnlyDependencies[rule.sourceTag] ?? []),
                lib('testing'),
              ],
            }
          : rule,
      )
    : dependencyRules;
  return [
    'error',
    {
      enforceBuildableLibDependency: false,
      allow: [],
      depConstraints: [
        ...rules,
        {
          sourceTag: lib('domain'),
          bannedExternalImports: [...FRAMEWORKS, 'class-validator', 'class-transformer'],
        },
        { sourceTag: lib('queue-contracts'), bannedExternalImports: FRAMEWORKS },
      ],
    },
  ];
}

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', '.nx/**', 'tmp/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries({ allowTestingLib: false }),
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through the env schema, not process.env.',
        },
      ],
    },
  },
  {
    // Env loading is where process.env is read; tests and tools set up processes.
    files: [
      'libs/platform/src/env/**/*.ts',
      'apps/cli/src/env/**/*.ts',
      ...TEST_FILES,
      'libs/testing/**/*.ts',
      'tools/**/*.ts',
    ],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Tests of a library may use the test harness; production code of a library may not.
    files: TEST_FILES,
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries({ allowTestingLib: true }) },
  },
  {
    files: [...TEST_FILES, 'libs/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      // Raw SQL rows in tests are typed at the point of use.
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false, program: null, project: false },
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        __dirname: 'readonly',
        module: 'writable',
        require: 'readonly',
        fetch: 'readonly',
        AbortSignal: 'readonly',
        AbortController: 'readonly',
      },
    },
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      'no-console': 'off',
      // Jest and Node configs at the root are CommonJS.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  prettier,
);
