import { Hono } from 'hono';
import { billTotals } from './bill-totals';
import type { Emulator } from './context';
import type { Json } from './fields';
import * as S from './shapes';

/**
 * Clio Manage's record pages, as far as the add-on links to them: `/nc/#/bills/1316` and the like
 * (server/status/record-urls.ts). The part after `#` never reaches a server, so the page reads it
 * in the browser and asks `/_emulator/records/…` for the record, shown as plain text (never HTML).
 */
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clio Manage (emulator): record</title></head>
<body style="font-family:sans-serif;margin:1rem 2rem">
<p><a href="/_emulator/manage">Back to Clio Manage</a></p>
<h1 id="title">Record</h1>
<dl id="fields"></dl>
<h2 id="lines-title" hidden>Lines</h2>
<table id="lines" hidden><thead><tr><th>Description</th><th>Quantity</th><th>Price</th><th>Total</th><th>Tax</th></tr></thead><tbody></tbody></table>
<script>
(async () => {
  const [, kind, id] = location.hash.match(/^#\\/([a-z_]+)\\/(\\d+)$/) || [];
  const title = document.getElementById('title');
  if (!kind) { title.textContent = 'No record named in this address'; return; }
  const res = await fetch('/_emulator/records/' + kind + '/' + id);
  const body = await res.json();
  if (!res.ok) { title.textContent = (body.error && body.error.message) || 'Not found'; return; }
  const { record, lines } = body.data;
  title.textContent = record.title;
  const dl = document.getElementById('fields');
  for (const [k, v] of Object.entries(record.fields)) {
    const dt = document.createElement('dt'); dt.textContent = k;
    const dd = document.createElement('dd'); dd.textContent = v === null ? '—' : String(v);
    dl.append(dt, dd);
  }
  if (lines && lines.length) {
    document.getElementById('lines-title').hidden = false;
    const table = document.getElementById('lines'); table.hidden = false;
    for (const l of lines) {
      const tr = document.createElement('tr');
      for (const v of [l.description, l.quantity, l.price, l.total, l.tax]) { const td = document.createElement('td'); td.textContent = String(v); tr.append(td); }
      table.tBodies[0].append(tr);
    }
  }
})();
</script>
</body></html>`;

type View = { record: { title: string; fields: Record<string, unknown> }; lines?: Json[] };

function recordView(emu: Emulator, kind: string, id: number): View | undefined {
  const s = emu.state;
  switch (kind) {
    case 'bills': {
      const bill = s.bills.get(id);
      if (!bill) return undefined;
      const t = billTotals(s, bill);
      const matter = bill.matter_ids[0] === undefined ? undefined : s.matters.get(bill.matter_ids[0]);
      return {
        record: {
          title: `Bill ${bill.number}`,
          fields: {
            Client: s.contacts.get(bill.client_id)?.name ?? null,
            Matter: matter ? `${matter.display_number} ${matter.description ?? ''}`.trim() : null,
            State: bill.state.replace(/_/g, ' '),
            Issued: bill.issued_at,
            Due: bill.due_at,
            Total: t.total.toFixed(2),
            Balance: t.balance.toFixed(2),
          },
        },
        lines: s.lineItems
          .where('bill_id', bill.id)
          .sort((a, b) => a.id - b.id)
          .map((l) => S.lineItemShape.view(l, s) as Json),
      };
    }
    case 'contacts': {
      const contact = s.contacts.get(id);
      return contact && { record: { title: contact.name, fields: { Type: contact.type, 'Updated at': contact.updated_at } } };
    }
    case 'matters': {
      const matter = s.matters.get(id);
      return (
        matter && {
          record: {
            title: `Matter ${matter.display_number}`,
            fields: { Description: matter.description ?? null, Client: s.contacts.get(matter.client_id)?.name ?? null, Status: matter.status },
          },
        }
      );
    }
    case 'activities': {
      const activity = s.activities.get(id);
      return activity && { record: { title: `${activity.type} ${activity.id}`, fields: S.activityShape.view(activity, s) } };
    }
    default:
      return undefined;
  }
}

/** `/nc/` (the page) and `/_emulator/records/:kind/:id` (what it shows), mounted at the root. */
export function recordPageRoutes(emu: Emulator): Hono {
  const app = new Hono();
  app.get('/nc', (c) => c.redirect('/nc/', 301));
  app.get('/nc/', (c) => c.html(PAGE));
  app.get('/_emulator/records/:kind/:id', (c) => {
    const view = recordView(emu, c.req.param('kind'), Number(c.req.param('id')));
    return view ? c.json({ data: view }) : c.json({ error: { type: 'NotFound', message: 'No such record' } }, 404);
  });
  return app;
}
