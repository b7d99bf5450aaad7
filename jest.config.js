// ESM TypeScript through ts-jest: the sources use NodeNext ".js" import specifiers,
// which the mapper points back at the ".ts" files.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }]
  },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  // End-to-end suites spawn the bundle and emulators; two workers fit a 2-core machine.
  maxWorkers: 2,
  testTimeout: 30000
}
