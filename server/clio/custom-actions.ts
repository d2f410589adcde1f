import { CUSTOM_ACTIONS, CLIO_PATHS } from './app-definition';
import type { ClioClient } from './client';

interface ClioCustomAction {
  id: number;
  label: string;
  target_url: string;
  ui_reference: string;
}

/**
 * Custom actions belong to one Clio user and must be created with that user's token. Clio keeps
 * them unique per app, user, page and label, so the existing ones are read first: a reinstall
 * creates nothing new and only repoints an action whose target moved (a new PUBLIC_URL).
 */
export async function registerCustomActions(client: ClioClient, publicUrl: string): Promise<{ created: number; updated: number }> {
  const targetUrl = `${publicUrl}${CLIO_PATHS.customActions}`;
  const existing: ClioCustomAction[] = [];
  for await (const action of client.list<ClioCustomAction>('/custom_actions.json', { fields: 'id,label,target_url,ui_reference' })) {
    existing.push(action);
  }
  let created = 0;
  let updated = 0;
  for (const def of CUSTOM_ACTIONS) {
    const found = existing.find((a) => a.ui_reference === def.uiReference && a.label === def.label);
    if (!found) {
      await client.post('/custom_actions.json', { label: def.label, target_url: targetUrl, ui_reference: def.uiReference });
      created++;
    } else if (found.target_url !== targetUrl) {
      await client.patch(`/custom_actions/${found.id}.json`, { target_url: targetUrl });
      updated++;
    }
  }
  return { created, updated };
}
