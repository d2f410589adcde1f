import type { TaskDeps } from '../../server/jobs/tasks';

const unwired = (name: string) => async () => {
  throw new Error(`${name} is not wired in this test`);
};

/** Task deps a test does not exercise: a job that reaches one fails loudly instead of finishing as done. */
export const unwiredTaskDeps: Pick<TaskDeps, 'renewClioWebhooks' | 'matchContacts' | 'checkXeroConnections' | 'purgeUninstalledFirms' | 'checkAgreement'> = {
  renewClioWebhooks: unwired('renewClioWebhooks'),
  matchContacts: unwired('matchContacts'),
  checkXeroConnections: unwired('checkXeroConnections'),
  purgeUninstalledFirms: unwired('purgeUninstalledFirms'),
  checkAgreement: unwired('checkAgreement'),
};
