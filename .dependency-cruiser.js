// The layer order of src/ (README, "Architecture"), checked in CI by `npm run lint`.
// Type-only imports count too: a type import is still a reason to read the folder above.
const FEATURES = '(analysis|auth|customers|ingest|personas|scoring|segments|value)';

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
      name: 'features-below-server',
      comment: 'server/ composes the features; nothing below it reaches up.',
      severity: 'error',
      from: { path: `^src/(${FEATURES.slice(1, -1)}|filter|common|db|entities)/` },
      to: { path: '^src/server/' },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/migrations/' },
  },
};
