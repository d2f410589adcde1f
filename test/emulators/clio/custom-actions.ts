import { Hono } from 'hono';
import { definedOnly } from './activities-model';
import { checkIfMatch, findRow, listHandler, paths, readData, respond, showHandler, type Collection } from './collection';
import type { ApiEnv, Emulator } from './context';
import { invalid, notFound } from './errors';
import type { CustomAction, UiReference } from './records';
import { customActionShape } from './shapes';

const UI_REFERENCES: UiReference[] = ['activities/show', 'documents/show', 'contacts/show', 'matters/show', 'folders/show'];

/** The API collection each clickable page shows; documents and folders are not modelled by the emulator. */
const SUBJECTS: Partial<Record<UiReference, 'contacts' | 'matters' | 'activities'>> = {
  'contacts/show': 'contacts',
  'matters/show': 'matters',
  'activities/show': 'activities',
};

/** Custom actions belong to the user whose token created them; other users neither see nor click them. */
export const customActions: Collection<CustomAction> = {
  shape: customActionShape,
  table: (s) => s.customActions,
  defaultOrder: null,
  scope: (a, userId) => a.user_id === userId,
};

type CustomActionInput = Partial<Pick<CustomAction, 'label' | 'target_url' | 'ui_reference'>>;

function validate(emu: Emulator, userId: number, input: CustomActionInput, current?: CustomAction): CustomActionInput {
  const next = { ...current, ...definedOnly(input) };
  if (!next.label) throw invalid("Label can't be blank");
  if (!next.target_url || !/^https?:\/\/[^\s]+$/.test(next.target_url)) throw invalid('Target url must be a URL');
  if (!next.ui_reference || !UI_REFERENCES.includes(next.ui_reference)) {
    throw invalid(`Ui reference must be one of ${UI_REFERENCES.join(', ')}`);
  }
  const duplicate = emu.state.customActions.where('user_id', userId).some((a) => a.id !== current?.id && a.label === next.label && a.ui_reference === next.ui_reference);
  if (duplicate) throw invalid('Label has already been taken for this ui_reference');
  return definedOnly({ label: input.label, target_url: input.target_url, ui_reference: input.ui_reference });
}

export function customActionRoutes(emu: Emulator): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>();
  api.on('GET', paths('/custom_actions'), listHandler(emu, customActions));
  api.get('/custom_actions/:id', showHandler(emu, customActions));
  api.on('POST', paths('/custom_actions'), async (c) => {
    const userId = c.get('userId');
    const input = validate(emu, userId, await readData<CustomActionInput>(c));
    const action = emu.state.customActions.insert({ user_id: userId, ...(input as Required<CustomActionInput>) });
    return respond(emu, c, customActionShape, action, 201);
  });
  api.patch('/custom_actions/:id', async (c) => {
    const action = findRow(emu, customActions, c);
    checkIfMatch(c, action);
    const input = validate(emu, action.user_id, await readData<CustomActionInput>(c), action);
    return respond(emu, c, customActionShape, emu.state.customActions.update(action.id, input));
  });
  api.delete('/custom_actions/:id', (c) => {
    emu.state.customActions.remove(findRow(emu, customActions, c).id);
    return c.body(null, 204);
  });
  return api;
}

/**
 * What Clio does when its user clicks the action on a record's page: the target URL with the
 * action id, the user id, the record's API path and a fresh nonce as query parameters.
 */
export function click(emu: Emulator, actionId: number, subjectId: number): string {
  const action = emu.state.customActions.get(actionId);
  if (!action) throw notFound('custom action');
  const table = SUBJECTS[action.ui_reference];
  if (!table) throw invalid(`The emulator has no ${action.ui_reference} pages`);
  if (!emu.state[table].get(subjectId)) throw notFound(table.replace(/s$/, ''));
  const subjectUrl = `/api/v4/${table}/${subjectId}`;
  const url = new URL(action.target_url);
  url.searchParams.set('custom_action_id', String(action.id));
  url.searchParams.set('user_id', String(action.user_id));
  url.searchParams.set('subject_url', subjectUrl);
  url.searchParams.set('custom_action_nonce', emu.nonces.issue(action.user_id, subjectUrl));
  return url.toString();
}

export const subjectTable = (action: CustomAction) => SUBJECTS[action.ui_reference];
