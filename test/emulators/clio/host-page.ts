import type { Emulator } from './context';
import { billTotals } from './bill-totals';
import { subjectTable } from './custom-actions';

const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const SAMPLE_SIZE = 5;

/**
 * A stand-in for Clio Manage's screens, for people clicking through by hand: the add-on framed
 * as the product imagines it, and the signed-in user's custom actions on a few records each
 * (a click opens the target URL with a fresh nonce in a new tab, as Clio does).
 */
/** What the fee-earner panel's buttons do; `POST /_emulator/manage/act` carries them out. */
export const FEE_EARNER_ACTIONS = [
  ['approve', 'Approve'],
  ['void', 'Void'],
  ['discount5', 'Add 5% discount'],
  ['credit50', 'Add credit note ($50)'],
  ['interest10', 'Add interest ($10)'],
] as const;
export type FeeEarnerAction = (typeof FEE_EARNER_ACTIONS)[number][0];

const RECENT_BILLS = 10;

/** Recent bills with one small form per action (no scripts: plain form posts, answered by a redirect back). */
function feeEarnerPanel(emu: Emulator): string {
  const state = emu.state;
  // Most recently changed first (the bill the fee earner just touched stays on top).
  const bills = state.bills
    .all()
    .filter((b) => b.state !== 'deleted')
    .sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)) || b.id - a.id)
    .slice(0, RECENT_BILLS);
  const rows = bills.map((b) => {
    const t = billTotals(state, b);
    const client = state.contacts.get(b.client_id)?.name ?? '';
    const buttons = FEE_EARNER_ACTIONS.map(
      ([action, label]) =>
        `<form method="post" action="/_emulator/manage/act" style="display:inline"><input type="hidden" name="bill_id" value="${b.id}"><input type="hidden" name="action" value="${action}"><button type="submit">${escape(label)}</button></form>`,
    ).join(' ');
    return `<tr><td>${escape(b.number)}</td><td>${escape(client)}</td><td>${escape(b.state)}</td><td style="text-align:right">${t.total.toFixed(2)}</td><td style="text-align:right">${t.balance.toFixed(2)}</td><td>${buttons}</td></tr>`;
  });
  return rows.length === 0
    ? '<p>No bills.</p>'
    : `<table><thead><tr><th>Bill</th><th>Client</th><th>State</th><th>Total</th><th>Balance</th><th>Act as the fee earner</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function hostPage(emu: Emulator, addonPath: string, notice?: string): string {
  const state = emu.state;
  const user = state.users.get(emu.session.userId ?? -1) ?? state.users.all()[0];
  const actions = user ? state.customActions.where('user_id', user.id) : [];
  const actionList = actions
    .map((action) => {
      const table = subjectTable(action);
      const records = table ? state[table].all().slice(0, SAMPLE_SIZE) : [];
      const links = records
        .map((r) => {
          const label = 'name' in r ? String(r.name) : 'display_number' in r ? String(r.display_number) : `#${r.id}`;
          return `<li><a target="_blank" rel="noopener" href="/_emulator/custom_actions/${action.id}/click?subject_id=${r.id}">${escape(action.label)}: ${escape(label)}</a></li>`;
        })
        .join('');
      return `<section><h3>${escape(action.label)} <small>(${escape(action.ui_reference)})</small></h3><ul>${links || '<li>No records</li>'}</ul></section>`;
    })
    .join('');
  const frame = emu.options.addonUrl
    ? `<iframe title="Add-on" src="${escape(emu.options.addonUrl + addonPath)}" style="width:100%;height:70vh;border:1px solid #ccc"></iframe>`
    : '<p>No addonUrl configured.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clio Manage (emulator)</title></head>
<body style="font-family:sans-serif;margin:1rem 2rem">
<h1>Clio Manage <small>(emulator, ${escape(state.region)} region)</small></h1>
<p>Signed in as <strong>${escape(user?.name ?? 'nobody')}</strong>. ${escape(state.account.name)}.</p>
<h2>Add-on</h2>
${frame}
<h2>Bills</h2>
${notice ? `<p role="status"><strong>${escape(notice)}</strong></p>` : ''}
${feeEarnerPanel(emu)}
<h2>Custom actions</h2>
${actionList || '<p>This user has no custom actions yet; the add-on registers them through the API.</p>'}
</body></html>`;
}
