import type { ClioClient } from '../clio/client';
import { ClioApiError } from '../clio/errors';

/**
 * Clio tasks the sync asks a person to do (Task in Clio's OpenAPI: `name`, `description` and
 * `assignee {id, type}` required; a firm without advanced tasks has pending and complete only).
 * Each task's description carries a marker naming the record it is about, so a create that may
 * have landed before a crash is found again by Clio's `query` search instead of sent twice.
 */

export interface TaskDraft {
  name: string;
  description: string;
  /** The user the task is assigned to. */
  assigneeId: number;
  matterId: number | null;
  /** ISO date-time. */
  dueAt: string;
}

interface ClioTask {
  id: number;
  description?: string | null;
  status?: string;
}

/** The user whose grant the sync holds: the firm's billing user, who installed the add-on. */
export const billingUserId = async (clio: ClioClient): Promise<number> => (await clio.get<{ id: number }>('/users/who_am_i.json', { fields: 'id' })).id;

/** A Clio bank account's name (the one the settings chose for payments made in Xero), or null when it is gone. */
export async function bankAccountName(clio: ClioClient, id: string): Promise<string | null> {
  try {
    return (await clio.get<{ name: string }>(`/bank_accounts/${id}.json`, { fields: 'id,name' })).name;
  } catch (err) {
    if (err instanceof ClioApiError && err.status === 404) return null;
    throw err;
  }
}

export async function createTask(clio: ClioClient, t: TaskDraft): Promise<number> {
  const data = {
    name: t.name,
    description: t.description,
    assignee: { id: t.assigneeId, type: 'User' },
    due_at: t.dueAt,
    ...(t.matterId ? { matter: { id: t.matterId } } : {}),
  };
  return (await clio.post<ClioTask>('/tasks.json', data, { fields: 'id' })).id;
}

/** The task whose description holds this marker (a create interrupted after Clio saved it). */
export async function findTask(clio: ClioClient, marker: string): Promise<number | undefined> {
  for await (const t of clio.list<ClioTask>('/tasks.json', { fields: 'id,description', query: { query: marker } })) {
    if (t.description?.includes(marker)) return t.id;
  }
  return undefined;
}

/** Marks the task complete; one deleted in Clio meanwhile (404) has nothing left to close. */
export async function completeTask(clio: ClioClient, id: string): Promise<void> {
  try {
    await clio.patch<ClioTask>(`/tasks/${id}.json`, { status: 'complete' }, { fields: 'id,status' });
  } catch (err) {
    if (err instanceof ClioApiError && err.status === 404) return;
    throw err;
  }
}
