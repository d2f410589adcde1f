import { Hono } from 'hono';
import { isBilled, recordActivity, updateActivity, type ActivityInput } from './activities-model';
import { byId, byValue, checkIfMatch, findRow, listHandler, paths, readData, respond, showHandler, type Collection } from './collection';
import type { ApiEnv, Emulator } from './context';
import { undeletable } from './errors';
import type { Activity } from './records';
import { activityShape } from './shapes';
import type { ClioState } from './state';

function hasStatus(state: ClioState, activity: Activity, status: string): boolean {
  const billed = isBilled(state, activity);
  const bill = activity.bill_id === null ? undefined : state.bills.get(activity.bill_id);
  const onBill = bill !== undefined && bill.state !== 'void' && bill.state !== 'deleted';
  switch (status) {
    case 'billed':
      return billed;
    case 'unbilled':
      return !onBill && !activity.non_billable;
    case 'draft':
      return onBill && !billed;
    case 'non_billable':
      return activity.non_billable;
    case 'billable':
      return !activity.non_billable;
    default:
      return false;
  }
}

export const activities: Collection<Activity> = {
  shape: activityShape,
  table: (s) => s.activities,
  filters: {
    type: byValue((a) => a.type),
    matter_id: byId((a) => a.matter_id),
    user_id: byId((a) => a.user_id),
    expense_category_id: byId((a) => a.expense_category_id),
    activity_description_id: byId((a) => a.activity_description_id),
    start_date: (a, v) => a.date >= v,
    end_date: (a, v) => a.date <= v,
    status: (a, v, s) => hasStatus(s, a, v),
  },
};

export function activityRoutes(emu: Emulator): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>();
  api.on('GET', paths('/activities'), listHandler(emu, activities));
  api.get('/activities/:id', showHandler(emu, activities));
  api.on('POST', paths('/activities'), async (c) => {
    const activity = recordActivity(emu.state, await readData<ActivityInput>(c), c.get('userId'));
    return respond(emu, c, activityShape, activity, 201);
  });
  api.patch('/activities/:id', async (c) => {
    const activity = findRow(emu, activities, c);
    checkIfMatch(c, activity);
    return respond(emu, c, activityShape, updateActivity(emu.state, activity, await readData<ActivityInput>(c)));
  });
  api.delete('/activities/:id', (c) => {
    const activity = findRow(emu, activities, c);
    const bill = activity.bill_id === null ? undefined : emu.state.bills.get(activity.bill_id);
    if (bill && bill.state !== 'void' && bill.state !== 'deleted') throw undeletable('An activity on a bill cannot be deleted');
    emu.state.activities.remove(activity.id);
    return c.body(null, 204);
  });
  return api;
}
