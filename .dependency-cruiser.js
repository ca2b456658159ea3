// The layer order of src/ (README, "Architecture"), checked in CI by `npm run lint`.
// Type-only imports count too: a type import is still a reason to read the folder above.
const FEATURES =
  '(analysis|auth|catalog|customers|export|ingest|membership|personas|scoring|segments|value|webhooks)';

module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      comment: 'Folders stack: if a imports b, nothing in b leads back to a.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-module-cycles',
      comment: 'Modules import each other one way.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'filter-stands-alone',
      comment: 'The filter engine reads only itself, pure helpers (common/) and dialect types (db/).',
      severity: 'error',
      from: { path: '^src/filter/' },
      to: { path: '^src/', pathNot: '^src/(filter|common|db)/' },
    },
    {
      name: 'filter-has-no-graphql',
      comment: 'No GraphQL and no entity decorators in the engine, not even through a helper.',
      severity: 'error',
      from: { path: '^src/(filter|common|db)/' },
      to: { path: ['node_modules/(graphql|type-graphql|graphql-scalars)/', '^src/entities/'] },
    },
    {
      name: 'shared-layers-below-features',
      comment:
        'common, db, entities, orm, filter, graphql and saved-filters serve every feature and read none.',
      severity: 'error',
      from: { path: '^src/(common|db|entities|orm|filter|graphql|saved-filters)/' },
      to: { path: `^src/(${FEATURES.slice(1, -1)}|server|cli)/` },
    },
    {
      name: 'common-reads-below',
      comment: 'common/ reads only: nothing else in src/ (README, Architecture).',
      severity: 'error',
      from: { path: '^src/common/' },
      to: { path: '^src/', pathNot: '^src/(common)/' },
    },
    {
      name: 'db-reads-below',
      comment: 'db/ reads only: common/ (README, Architecture).',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^src/', pathNot: '^src/(db|common)/' },
    },
    {
      name: 'entities-reads-below',
      comment: 'entities/ reads only: db/, common/ (README, Architecture).',
      severity: 'error',
      from: { path: '^src/entities/' },
      to: { path: '^src/', pathNot: '^src/(entities|db|common)/' },
    },
    {
      name: 'orm-reads-below',
      comment: 'orm/ reads only: entities/, db/, common/ (README, Architecture).',
      severity: 'error',
      from: { path: '^src/orm/' },
      to: { path: '^src/', pathNot: '^src/(orm|entities|db|common)/' },
    },
    {
      name: 'graphql-reads-below',
      comment: 'graphql/ reads only: common/ (README, Architecture).',
      severity: 'error',
      from: { path: '^src/graphql/' },
      to: { path: '^src/', pathNot: '^src/(graphql|common)/' },
    },
    {
      name: 'saved-filters-reads-below',
      comment: 'saved-filters/ reads only: graphql/, filter/, db/, common/ (README, Architecture).',
      severity: 'error',
      from: { path: '^src/saved-filters/' },
      to: { path: '^src/', pathNot: '^src/(saved-filters|graphql|filter|db|common)/' },
    },
    {
      name: 'export-is-the-top-feature',
      comment:
        'export/ streams what the features below it hold (members, ingestion); only server/ and cli/ read it.',
      severity: 'error',
      from: {
        path: `^src/(${FEATURES.slice(1, -1)}|filter|common|db|entities|orm|graphql|saved-filters)/`,
        pathNot: '^src/export/',
      },
      to: { path: '^src/export/' },
    },
    {
      name: 'features-below-server',
      comment: 'server/ composes the features; nothing below it reaches up.',
      severity: 'error',
      from: { path: `^src/(${FEATURES.slice(1, -1)}|filter|common|db|entities|orm|graphql|saved-filters)/` },
      to: { path: '^src/server/' },
    },
    {
      name: 'studio-uses-the-public-api-only',
      comment:
        'The studio (browser code) talks to /graphql like any frontend: it imports nothing of the service.',
      severity: 'error',
      from: { path: '^src/studio/' },
      to: { path: '^src/', pathNot: '^src/studio/' },
    },
    {
      name: 'nothing-imports-the-studio',
      comment: 'The service serves the studio as a built bundle, never as modules it imports.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/studio/' },
      to: { path: '^src/studio/' },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/migrations/' },
  },
};
