import { defineConfig } from 'vitest/config';
import base from './vitest.config';

/**
 * The tests Stryker runs against each mutant (`npm run mutation`): the ones guarding the modules
 * in stryker.config.json's `mutate`. Kept to fast files; a module added to `mutate` needs its
 * guarding test files here too.
 */
export default defineConfig({
  test: {
    ...base.test,
    include: [
      'test/auth/session.test.ts',
      'test/xero/signature-and-errors.test.ts',
      'test/ui-api/settings-validation.test.ts',
      'test/sync/mapping/**/*.test.ts',
      'test/sync/plan.test.ts',
      'test/sync/errors.test.ts',
      'test/sync/contact-matching.test.ts',
      'test/clio/webhooks.security.test.ts',
      'test/clio/custom-actions.security.test.ts',
    ],
  },
});
