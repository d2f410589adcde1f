// What every route module needs: state, time, ids and the webhook outbox.
import type { Clock } from './dates';
import type { State, Tenant } from './store';
import type { EventCategory, Webhooks } from './webhooks';

export interface EmulatorContext {
  state: State;
  clock: Clock;
  webhooks: Webhooks;
  baseUrl: string;
}

export const API_BASE = '/api.xro/2.0';

export const newId = (ctx: EmulatorContext): string => ctx.state.random.uuid();

const RESOURCE_PATH: Record<EventCategory, string> = { CONTACT: 'Contacts', INVOICE: 'Invoices', CREDITNOTE: 'CreditNotes' };

export function notifyChange(
  ctx: EmulatorContext,
  tenant: Tenant,
  category: EventCategory,
  resourceId: string,
  eventType: 'CREATE' | 'UPDATE',
  data?: { Type: string; Status: string },
): void {
  ctx.webhooks.emit({
    resourceUrl: `${ctx.baseUrl}${API_BASE}/${RESOURCE_PATH[category]}/${resourceId}`,
    resourceId,
    eventType,
    eventCategory: category,
    tenantId: tenant.organisation.OrganisationID,
    ...(data ? { data } : {}),
  });
}
