import type { Emulator } from './context';
import { billTotals } from './bill-totals';
import { FEE_EARNER_ACTIONS } from './fee-earner';
import { subjectTable } from './custom-actions';
import type { Bill } from './records';

const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const SAMPLE_SIZE = 5;

/**
 * A stand-in for Clio Manage's screens, for people clicking through by hand: the add-on framed
 * as the product imagines it, and the signed-in user's custom actions on a few records each
 * (a click opens the target URL with a fresh nonce in a new tab, as Clio does).
 */
const RECENT_BILLS = 10;

const actionForm = (fields: Record<string, string | number>, label: string) =>
  `<form method="post" action="/_emulator/manage/act" style="display:inline">${Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${k}" value="${escape(String(v))}">`)
    .join('')}<button type="submit">${escape(label)}</button></form>`;

/** One table of bills, each row with the actions its state allows. */
function billTable(emu: Emulator, bills: Bill[]): string {
  const state = emu.state;
  const rows = bills.map((b) => {
    const t = billTotals(state, b);
    const client = state.contacts.get(b.client_id)?.name ?? '';
    const buttons = Object.entries(FEE_EARNER_ACTIONS)
      .filter(([, a]) => a.allowed(state, b))
      .map(([action, a]) => actionForm({ bill_id: b.id, action }, a.label))
      .join(' ');
    const open = `<a href="/nc/#/bills/${b.id}">${escape(b.number)}</a>`;
    return `<tr><td>${open}</td><td>${escape(client)}</td><td>${escape(b.state.replace(/_/g, ' '))}</td><td style="text-align:right">${t.total.toFixed(2)}</td><td style="text-align:right">${t.balance.toFixed(2)}</td><td>${buttons}</td></tr>`;
  });
  return rows.length === 0
    ? '<p>None.</p>'
    : `<table><thead><tr><th>Bill</th><th>Client</th><th>State</th><th>Total</th><th>Balance</th><th>Act as the fee earner</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * The bills a fee earner can still act on (void and paid bills have nothing left to click), most
 * recently changed first: those still to approve apart from the unpaid ones, so a fresh start, whose
 * latest changes are all payments, still shows a draft to approve. Plain form posts, answered by a
 * redirect back: no scripts.
 */
function feeEarnerPanel(emu: Emulator): string {
  const state = emu.state;
  const actionable = state.bills
    .all()
    .filter((b) => Object.values(FEE_EARNER_ACTIONS).some((a) => a.allowed(state, b)))
    .sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)) || b.id - a.id);
  const toApprove = actionable.filter((b) => b.state === 'draft' || b.state === 'awaiting_approval').slice(0, RECENT_BILLS);
  const unpaid = actionable.filter((b) => b.state === 'awaiting_payment').slice(0, RECENT_BILLS);
  return `<h3>To approve</h3>\n${billTable(emu, toApprove)}\n<h3>Awaiting payment</h3>\n${billTable(emu, unpaid)}\n${hardCostForm(emu)}`;
}

/** A hard cost (money the firm paid a vendor) on a matter: what the hard-cost flow sends to Xero. */
function hardCostForm(emu: Emulator): string {
  const state = emu.state;
  const matter = state.matters.all().find((m) => m.status === 'Open') ?? state.matters.all()[0];
  const vendor = state.contacts.all().find((c) => c.type === 'Company' && c.id !== matter?.client_id);
  if (!matter || !vendor) return '';
  return `<p>${actionForm({ action: 'hard_cost', matter_id: matter.id, vendor_id: vendor.id }, `Add a $55.00 courier hard cost to matter ${matter.display_number} (paid to ${vendor.name})`)}</p>`;
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
