import { Hono } from 'hono';
import { byId, byValue, checkIfMatch, findRow, listHandler, paths, readData, respond, showHandler, type Collection } from './collection';
import type { ApiEnv, Emulator } from './context';
import { invalid } from './errors';
import type { Json, Shape } from './fields';
import type { Task } from './records';
import { matterShape, userShape } from './shapes';
import type { ClioState } from './state';
import { isoSeconds } from './store';

/**
 * Tasks (`/tasks.json`; the OpenAPI's Task body, Task_base and relations). A create names `name`,
 * `description` and `assignee {id, type}` (the body schema's `required`); `status` defaults to
 * pending, `priority` to Normal, `permission` to public (its defaults). The emulated firm has no
 * "advanced tasks", so only pending and complete are accepted (the `status` description: "Users
 * without advanced tasks are allowed to select Complete or Pending only"). Completing stamps
 * `completed_at`; reopening clears it. UNCONFIRMED: the wording of each refusal.
 */

const STATUSES = ['pending', 'in_progress', 'in_review', 'complete'] as const;
const PRIORITIES = ['High', 'Normal', 'Low'] as const;
const PERMISSIONS = ['private', 'public'] as const;
const BASIC_STATUSES: readonly string[] = ['pending', 'complete'];

export const taskShape: Shape<Task> = {
  name: 'task',
  scalars: [
    'id',
    'etag',
    'created_at',
    'updated_at',
    'name',
    'status',
    'description',
    'description_text_type',
    'priority',
    'due_at',
    'permission',
    'completed_at',
    'notify_completion',
    'statute_of_limitations',
    'time_estimated',
    'time_entries_count',
  ],
  relations: {
    assignee: {
      many: false,
      keys: () => ['id', 'type', 'name', 'enabled'],
      resolve: (t, s) => {
        const who = t.assignee_type === 'User' ? s.users.get(t.assignee_id) : s.contacts.get(t.assignee_id);
        return who ? { id: who.id, type: t.assignee_type, name: who.name, ...('enabled' in who ? { enabled: who.enabled } : {}) } : null;
      },
    },
    assigner: {
      many: false,
      keys: () => userShape.scalars,
      resolve: (t, s) => {
        const user = s.users.get(t.assigner_id);
        return user ? userShape.view(user, s) : null;
      },
    },
    matter: {
      many: false,
      keys: () => matterShape.scalars,
      resolve: (t, s) => {
        const matter = t.matter_id === null ? undefined : s.matters.get(t.matter_id);
        return matter ? matterShape.view(matter, s) : null;
      },
    },
  },
  view: ({ assignee_id: _a, assignee_type: _t, assigner_id: _r, matter_id: _m, ...t }) => ({ ...t, time_entries_count: 0 }) as Json,
};

export const tasks: Collection<Task> = {
  shape: taskShape,
  table: (s) => s.tasks,
  filters: {
    assignee_id: byId((t) => t.assignee_id),
    assignee_type: (t, v) => t.assignee_type.toLowerCase() === v.toLowerCase(),
    assigner_id: byId((t) => t.assigner_id),
    matter_id: byId((t) => t.matter_id),
    status: byValue((t) => t.status),
    priority: (t, v) => t.priority.toLowerCase() === v.toLowerCase(),
    complete: (t, v) => (t.status === 'complete') === (v === 'true'),
    query: (t, v) => `${t.name} ${t.description}`.toLowerCase().includes(v.toLowerCase()),
  },
};

interface TaskInput {
  name?: unknown;
  description?: unknown;
  description_text_type?: unknown;
  assignee?: { id?: unknown; type?: unknown } | null;
  status?: unknown;
  priority?: unknown;
  permission?: unknown;
  due_at?: unknown;
  matter?: { id?: unknown } | null;
  notify_assignee?: unknown;
  notify_completion?: unknown;
  statute_of_limitations?: unknown;
  time_estimated?: unknown;
}

const oneOf = <T extends string>(value: unknown, allowed: readonly T[], field: string): T => {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw invalid(`${field} must be one of ${allowed.join(', ')}`);
  return value as T;
};

const text = (value: unknown, field: string): string => {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${field} can't be blank`);
  return value;
};

function assignee(state: ClioState, value: TaskInput['assignee']): Pick<Task, 'assignee_id' | 'assignee_type'> {
  if (!value || typeof value !== 'object') throw invalid("Assignee can't be blank");
  const type = oneOf(value.type, ['User', 'Contact'] as const, 'Assignee type');
  const id = Number(value.id);
  const found = type === 'User' ? state.users.get(id) : state.contacts.get(id);
  if (!Number.isInteger(id) || !found) throw invalid('Assignee must exist');
  return { assignee_id: id, assignee_type: type };
}

function status(value: unknown): Task['status'] {
  const next = oneOf(value, STATUSES, 'Status');
  if (!BASIC_STATUSES.includes(next)) throw invalid('Status can only be pending or complete without advanced tasks');
  return next;
}

function matterId(state: ClioState, value: TaskInput['matter']): number | null {
  if (value === undefined || value === null) return null;
  const id = Number(value.id);
  if (!state.matters.get(id)) throw invalid('Matter must exist');
  return id;
}

function dueAt(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw invalid('Due at must be an ISO-8601 date');
  return value;
}

const completedAt = (state: ClioState, next: Task['status'], current?: Task): string | null =>
  next === 'complete' ? (current?.status === 'complete' ? current.completed_at : isoSeconds(state.clock.now())) : null;

export function createTask(state: ClioState, input: TaskInput, assignerId: number): Task {
  const next = input.status === undefined ? 'pending' : status(input.status);
  return state.tasks.insert({
    name: text(input.name, 'Name'),
    description: text(input.description, 'Description'),
    description_text_type:
      input.description_text_type === undefined ? 'plain_text' : oneOf(input.description_text_type, ['plain_text', 'rich_text'] as const, 'Description text type'),
    ...assignee(state, input.assignee),
    status: next,
    priority: input.priority === undefined ? 'Normal' : oneOf(input.priority, PRIORITIES, 'Priority'),
    permission: input.permission === undefined ? 'public' : oneOf(input.permission, PERMISSIONS, 'Permission'),
    due_at: dueAt(input.due_at),
    completed_at: completedAt(state, next),
    notify_completion: input.notify_completion === true,
    statute_of_limitations: input.statute_of_limitations === true,
    time_estimated: typeof input.time_estimated === 'number' ? input.time_estimated : null,
    assigner_id: assignerId,
    matter_id: matterId(state, input.matter),
  });
}

export function updateTask(state: ClioState, task: Task, input: TaskInput): Task {
  const next = input.status === undefined ? task.status : status(input.status);
  return state.tasks.update(task.id, {
    ...(input.name !== undefined ? { name: text(input.name, 'Name') } : {}),
    ...(input.description !== undefined ? { description: text(input.description, 'Description') } : {}),
    ...(input.assignee !== undefined ? assignee(state, input.assignee) : {}),
    ...(input.priority !== undefined ? { priority: oneOf(input.priority, PRIORITIES, 'Priority') } : {}),
    ...(input.permission !== undefined ? { permission: oneOf(input.permission, PERMISSIONS, 'Permission') } : {}),
    ...(input.due_at !== undefined ? { due_at: dueAt(input.due_at) } : {}),
    ...(input.matter !== undefined ? { matter_id: matterId(state, input.matter) } : {}),
    status: next,
    completed_at: completedAt(state, next, task),
  });
}

export function taskRoutes(emu: Emulator): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>();
  api.on('GET', paths('/tasks'), listHandler(emu, tasks));
  api.get('/tasks/:id', showHandler(emu, tasks));
  api.on('POST', paths('/tasks'), async (c) => respond(emu, c, taskShape, createTask(emu.state, await readData<TaskInput>(c), c.get('userId')), 201));
  api.patch('/tasks/:id', async (c) => {
    const task = findRow(emu, tasks, c);
    checkIfMatch(c, task);
    return respond(emu, c, taskShape, updateTask(emu.state, task, await readData<TaskInput>(c)));
  });
  return api;
}
