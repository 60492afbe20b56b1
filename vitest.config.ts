// One vitest run for every target. Renderer component tests get jsdom; everything else runs in Node.
// The browser end-to-end suite (e2e/) runs in its own project so it can be run or skipped on its own.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'src-shared/**/*.test.ts',
            'server/**/*.test.ts',
            'src-main/**/*.test.ts',
            'test/**/*.test.ts',
            'integrations/**/*.test.ts',
            'scripts/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'web',
          environment: 'jsdom',
          include: ['src-renderer/**/*.test.ts', 'src-renderer/**/*.test.tsx'],
          testTimeout: 15_000,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['e2e/**/*.e2e.test.ts'],
          // Builds the UI with its test hook into dist/renderer-e2e (the production build has none).
          globalSetup: ['e2e/support/build-ui.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
