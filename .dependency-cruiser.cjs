/**
 * Wudang's layering rules, checked by `npm run lint` (dependency-cruiser) and in CI.
 * docs/architecture.md explains them; the short version:
 *   server/ (composition root)  →  modules/ (domain)  →  platform/ (mechanisms)
 * and a module is used by others only through its index.ts.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'platform-below-everything',
      comment: 'platform/ holds mechanisms every module uses; it depends on nothing above it.',
      severity: 'error',
      from: { path: '^platform/' },
      to: { path: '^(modules|server|simulator|web|profiles)/' },
    },
    {
      name: 'modules-below-server',
      comment: 'server/ is the composition root: it builds modules, modules never reach up into it.',
      severity: 'error',
      from: { path: '^modules/' },
      to: { path: '^server/' },
    },
    {
      name: 'module-door',
      comment: "A module uses another only through that module's index.ts (or through bus events).",
      severity: 'error',
      from: { path: '^modules/([^/]+)/' },
      to: { path: '^modules/[^/]+/', pathNot: ['^modules/$1/', '^modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'web-reads-module-shapes',
      comment:
        'The web apps take the server\'s shapes from a module\'s door, type-only: no server code reaches the browser bundle. The one exception is platform/crypto/pure, plain TypeScript written for both sides (SM3 and the SM2 curve for offline city-code checks).',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^(modules|platform|server)/', pathNot: '^platform/crypto/pure/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'web-through-module-doors',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^modules/[^/]+/', pathNot: '^modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'no-cycles',
      comment: 'Files import each other one way (type-only imports included).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] },
  },
};
