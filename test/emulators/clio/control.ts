import { Hono, type Context } from 'hono';
import { definedOnly, recordActivity, updateActivity, type ActivityInput } from './activities-model';
import { createBill, editBill, editLineItem, isEditable, setBillState, type BillPatch } from './bills-model';
import { createContact, updateContact, type ContactInput } from './contacts-model';
import type { Emulator } from './context';
import { click } from './custom-actions';
import { invalid, notFound } from './errors';
import type { Fault, FaultKind, Faults } from './faults';
import type { Json, Shape } from './fields';
import { actOnBill, addPanelHardCost } from './fee-earner';
import { hostPage } from './host-page';
import {
  addClientCreditMemo,
  addCreditMemo,
  addInterest,
  deposit,
  reallocate,
  recordClientPayment,
  recordPayment,
  voidAllocation,
  voidCreditMemo,
  voidPayment,
  type PaymentMethod,
} from './money';
import { reportFile } from './reports';
import { openMatter } from './seed';
import type { RequestLog } from './request-log';
import type * as R from './records';
import * as S from './shapes';
import type { Row, Table } from './store';
import type { WebhookDispatcher } from './webhooks';

export interface ControlDeps {
  emu: Emulator;
  faults: Faults;
  log: RequestLog;
  webhooks: WebhookDispatcher;
  reset: (seed?: boolean | number) => void;
}

const FAULT_KINDS: FaultKind[] = ['500', '503', '429', 'timeout'];

/**
 * The emulator's own API under /_emulator: reset and seed, time, sign-in, tokens, faults, the request
 * log, webhook deliveries, custom-action clicks, and a fee earner's work in Clio Manage (which fires
 * webhooks exactly as the same change through the API would).
 */
export function controlRoutes(deps: ControlDeps): Hono {
  const { emu } = deps;
  const app = new Hono();
  const body = async <T = Record<string, unknown>>(c: Context): Promise<T> => (await c.req.json().catch(() => ({}))) as T;
  const actor = (requested: unknown): number => {
    const id = typeof requested === 'number' ? requested : (emu.session.userId ?? emu.state.users.all()[0]?.id);
    if (id === undefined || !emu.state.users.get(id)) throw invalid('Unknown user');
    return id;
  };
  const today = () => emu.state.clock.now().toISOString().slice(0, 10);
  const found = <T extends Row>(table: Table<T>, raw: string): T => {
    const row = table.get(Number(raw));
    if (!row) throw notFound(table.name);
    return row;
  };
  const show = <T>(c: Context, shape: Shape<T>, row: T, status: 200 | 201 = 200) => c.json({ data: shape.view(row, emu.state) as Json }, status);

  app.post('/reset', async (c) => {
    const { seed } = await body<{ seed?: boolean | number }>(c);
    deps.reset(seed);
    return c.json(summary(emu));
  });
  app.get('/summary', (c) => c.json(summary(emu)));

  app.post('/clock', async (c) => {
    const input = await body<{ advance_ms?: number; now?: string }>(c);
    if (input.now !== undefined) emu.state.clock.set(new Date(input.now));
    if (input.advance_ms !== undefined) emu.state.clock.advance(input.advance_ms);
    return c.json({ now: emu.state.clock.now().toISOString() });
  });

  app.post('/session', async (c) => {
    const input = await body<{ user_id?: number; deny_consent?: boolean }>(c);
    if (input.user_id !== undefined) emu.session.userId = actor(input.user_id);
    if (input.deny_consent !== undefined) emu.session.denyConsent = input.deny_consent;
    return c.json(emu.session);
  });

  app.post('/tokens', async (c) => {
    const { access, refreshToken } = emu.tokens.grant(actor((await body<{ user_id?: number }>(c)).user_id));
    return c.json(
      { access_token: access.token, refresh_token: refreshToken, token_type: 'bearer', expires_in: emu.options.tokenLifetimeSeconds, user_id: access.userId },
      201,
    );
  });
  app.post('/tokens/expire', async (c) => {
    const ok = emu.tokens.expire((await body<{ access_token?: string }>(c)).access_token ?? '');
    return ok ? c.body(null, 204) : c.json({ error: 'unknown token' }, 404);
  });
  app.post('/tokens/expire_all', async (c) => c.json({ expired: emu.tokens.expireAllOf(actor((await body<{ user_id?: number }>(c)).user_id)) }));
  app.post('/tokens/revoke', async (c) => {
    const ok = emu.tokens.revoke((await body<{ access_token?: string }>(c)).access_token ?? '');
    return ok ? c.body(null, 204) : c.json({ error: 'unknown token' }, 404);
  });

  app.post('/faults', async (c) => {
    const input = await body<{ method?: string; path_prefix?: string; count?: number; kind?: string }>(c);
    const kind = String(input.kind) as FaultKind;
    if (!FAULT_KINDS.includes(kind)) throw invalid(`kind must be one of ${FAULT_KINDS.join(', ')}`);
    const fault: Fault = { method: (input.method ?? '*').toUpperCase(), pathPrefix: input.path_prefix ?? '/', remaining: input.count ?? 1, kind };
    deps.faults.add(fault);
    return c.json(fault, 201);
  });
  app.delete('/faults', (c) => {
    deps.faults.clear();
    return c.body(null, 204);
  });

  app.get('/requests', (c) => c.json({ data: deps.log.entries }));
  app.delete('/requests', (c) => {
    deps.log.clear();
    return c.body(null, 204);
  });

  app.get('/webhooks/deliveries', (c) => c.json({ data: deps.webhooks.deliveries }));
  app.post('/webhooks/flush', async (c) => {
    await deps.webhooks.flush();
    return c.json({ data: deps.webhooks.deliveries });
  });

  app.post('/custom_actions/:id/click', async (c) => {
    const { subject_id } = await body<{ subject_id?: number }>(c);
    return c.json({ url: click(emu, Number(c.req.param('id')), Number(subject_id)) });
  });
  app.get('/custom_actions/:id/click', (c) => c.redirect(click(emu, Number(c.req.param('id')), Number(c.req.query('subject_id'))), 302));

  app.post('/contacts', async (c) => show(c, S.contactShape, createContact(emu.state, await body<ContactInput>(c)), 201));
  app.patch('/contacts/:id', async (c) => {
    const contact = found(emu.state.contacts, c.req.param('id'));
    return show(c, S.contactShape, updateContact(emu.state, contact, await body<ContactInput>(c)));
  });
  // Matters cannot be created through the API this app is allowed to use (matters: read); the fee earner opens them.
  app.post('/matters', async (c) => {
    const input = await body<{ client_id: number; description?: string; user_id?: number; currency?: string }>(c);
    const client = found(emu.state.contacts, String(input.client_id));
    const currency = input.currency === undefined ? undefined : emu.state.currencies.find((x) => x.code === input.currency);
    if (input.currency !== undefined && !currency) throw invalid(`Unknown currency ${input.currency}`);
    const matter = openMatter(emu.state, client, input.description ?? 'Advice', emu.state.users.require(actor(input.user_id)), today());
    const changes = { ...(input.description ? { description: input.description } : {}), ...(currency ? { currency_id: currency.id } : {}) };
    return show(c, S.matterShape, Object.keys(changes).length ? emu.state.matters.update(matter.id, changes) : matter, 201);
  });
  app.post('/activities', async (c) => {
    const input = await body<ActivityInput & { user_id?: number }>(c);
    return show(c, S.activityShape, recordActivity(emu.state, { date: today(), ...input }, actor(input.user_id)), 201);
  });
  // The fee earner edits or deletes an entry in Clio Manage (same rules as the API: not once billed).
  app.patch('/activities/:id', async (c) => {
    const activity = found(emu.state.activities, c.req.param('id'));
    return show(c, S.activityShape, updateActivity(emu.state, activity, await body<ActivityInput>(c)));
  });
  app.delete('/activities/:id', (c) => {
    const activity = found(emu.state.activities, c.req.param('id'));
    const bill = activity.bill_id === null ? undefined : emu.state.bills.get(activity.bill_id);
    if (bill && bill.state !== 'void' && bill.state !== 'deleted') throw invalid('An activity on a bill cannot be deleted');
    emu.state.activities.remove(activity.id);
    return c.body(null, 204);
  });
  app.post('/bills', async (c) => {
    const input = await body<{ activity_ids?: number[]; user_id?: number; issued_at?: string; due_at?: string; subject?: string }>(c);
    const issued = input.issued_at ?? today();
    const due = input.due_at ?? new Date(Date.parse(issued) + 30 * 86_400_000).toISOString().slice(0, 10);
    const bill = createBill(emu.state, {
      activity_ids: input.activity_ids ?? [],
      user_id: actor(input.user_id),
      issued_at: issued,
      due_at: due,
      subject: input.subject ?? null,
    });
    return show(c, S.billShape, bill, 201);
  });
  app.post('/bills/:id/approve', (c) => show(c, S.billShape, setBillState(emu.state, found(emu.state.bills, c.req.param('id')), 'awaiting_payment')));
  app.post('/bills/:id/void', (c) => show(c, S.billShape, setBillState(emu.state, found(emu.state.bills, c.req.param('id')), 'void')));
  app.patch('/bills/:id', async (c) => {
    const bill = found(emu.state.bills, c.req.param('id'));
    return show(c, S.billShape, editBill(emu.state, bill, await body<BillPatch>(c)));
  });
  // The fee earner edits a line in Clio Manage: discount, price, quantity (hours for services; the
  // UI may change it even on activity lines, unlike the API) and description. Editable bills only.
  app.patch('/line_items/:id', async (c) => {
    const line = found(emu.state.lineItems, c.req.param('id'));
    const input = await body<{ discount?: Partial<R.Discount>; price?: number; quantity?: number; description?: string }>(c);
    const bill = emu.state.bills.require(line.bill_id);
    if (!isEditable(emu.state, bill)) throw invalid(`Line items of a ${bill.state} bill cannot be edited`);
    for (const key of ['price', 'quantity'] as const) {
      const v = input[key];
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) throw invalid(`${key} must be a number`);
    }
    if (input.description !== undefined && (typeof input.description !== 'string' || input.description === '')) throw invalid("Description can't be blank");
    let next = editLineItem(emu.state, line, definedOnly({ discount: input.discount, price: input.price, description: input.description }));
    if (input.quantity !== undefined) next = emu.state.lineItems.update(line.id, { quantity: input.quantity });
    return show(c, S.lineItemShape, next);
  });
  app.post('/bills/:id/payments', async (c) => {
    const bill = found(emu.state.bills, c.req.param('id'));
    const input = await body<{ amount?: number; date?: string; method?: PaymentMethod; user_id?: number; reference?: string }>(c);
    const method = input.method ?? 'manual';
    if (!['manual', 'clio_payments', 'trust'].includes(method)) throw invalid('method must be manual, clio_payments or trust');
    const result = recordPayment(emu.state, bill, {
      amount: Number(input.amount),
      date: input.date ?? today(),
      method,
      user_id: actor(input.user_id),
      reference: input.reference,
    });
    return c.json({ data: S.billShape.view(result.bill, emu.state), clio_payment: result.clioPayment && S.clioPaymentShape.view(result.clioPayment, emu.state) }, 201);
  });
  // One client payment over several bills (the rest stays as unapplied credit), and its later life.
  app.post('/payments', async (c) => {
    const input = await body<{
      contact_id?: number;
      amount?: number;
      date?: string;
      method?: PaymentMethod;
      user_id?: number;
      reference?: string;
      allocations?: { bill_id: number; amount: number }[];
    }>(c);
    const method = input.method ?? 'manual';
    if (!['manual', 'clio_payments', 'trust'].includes(method)) throw invalid('method must be manual, clio_payments or trust');
    const result = recordClientPayment(emu.state, {
      contact_id: Number(input.contact_id),
      amount: Number(input.amount),
      date: input.date ?? today(),
      method,
      user_id: actor(input.user_id),
      reference: input.reference,
      allocations: (input.allocations ?? []).map((a) => ({ bill_id: Number(a.bill_id), amount: Number(a.amount) })),
    });
    return c.json(
      {
        data: { id: result.payment.id, amount: result.payment.amount, voided_at: null, allocations: result.allocations.map((a) => S.allocationShape.view(a, emu.state)) },
        clio_payment: result.clioPayment && S.clioPaymentShape.view(result.clioPayment, emu.state),
      },
      201,
    );
  });
  app.post('/payments/:id/void', (c) => {
    const payment = voidPayment(emu.state, found(emu.state.payments, c.req.param('id')));
    return c.json({ data: { id: payment.id, amount: payment.amount, voided_at: payment.voided_at } });
  });
  app.post('/payments/:id/reallocate', async (c) => {
    const { allocations } = await body<{ allocations?: { bill_id: number; amount: number }[] }>(c);
    const created = reallocate(emu.state, found(emu.state.payments, c.req.param('id')), allocations ?? []);
    return c.json({ data: created.map((a) => S.allocationShape.view(a, emu.state)) });
  });
  app.post('/allocations/:id/void', (c) => show(c, S.allocationShape, voidAllocation(emu.state, found(emu.state.allocations, c.req.param('id')))));
  app.post('/credit_memos', async (c) => {
    const input = await body<{ contact_id?: number; amount?: number; date?: string; description?: string; user_id?: number }>(c);
    const memo = addClientCreditMemo(emu.state, {
      contact_id: Number(input.contact_id),
      amount: Number(input.amount),
      date: input.date ?? today(),
      description: input.description ?? 'Client credit',
      user_id: actor(input.user_id),
    });
    return show(c, S.creditMemoShape, memo, 201);
  });
  app.post('/credit_memos/:id/void', (c) => show(c, S.creditMemoShape, voidCreditMemo(emu.state, found(emu.state.creditMemos, c.req.param('id')))));
  app.post('/credit_memos/:id/reallocate', async (c) => {
    const { allocations } = await body<{ allocations?: { bill_id: number; amount: number }[] }>(c);
    const created = reallocate(emu.state, found(emu.state.creditMemos, c.req.param('id')), allocations ?? []);
    return c.json({ data: created.map((a) => S.allocationShape.view(a, emu.state)) });
  });
  app.post('/bills/:id/credit_memos', async (c) => {
    const bill = found(emu.state.bills, c.req.param('id'));
    const input = await body<{ amount?: number; date?: string; description?: string; user_id?: number }>(c);
    const memo = addCreditMemo(emu.state, bill, {
      amount: Number(input.amount),
      date: input.date ?? today(),
      description: input.description ?? 'Credit',
      user_id: actor(input.user_id),
    });
    return show(c, S.creditMemoShape, memo, 201);
  });
  app.post('/bills/:id/interest', async (c) => {
    const bill = found(emu.state.bills, c.req.param('id'));
    const input = await body<{ amount?: number; date?: string }>(c);
    return show(c, S.interestChargeShape, addInterest(emu.state, bill, { amount: Number(input.amount), date: input.date ?? today() }), 201);
  });
  app.post('/trust_deposits', async (c) => {
    const input = await body<{ contact_id?: number; matter_id?: number; amount?: number; date?: string; description?: string }>(c);
    if (input.contact_id === undefined || !emu.state.contacts.get(input.contact_id)) throw invalid('contact_id must name a contact');
    const transaction = deposit(emu.state, {
      type: 'Trust',
      contact_id: input.contact_id,
      matter_id: input.matter_id ?? null,
      amount: Number(input.amount),
      date: input.date ?? today(),
      description: input.description ?? 'Deposit to trust',
    });
    return show(c, S.bankTransactionShape, transaction, 201);
  });
  app.put('/switches', async (c) => {
    const input = await body<{ refuse_paid_state?: boolean }>(c);
    if (input.refuse_paid_state !== undefined) emu.state.refusePaidState = Boolean(input.refuse_paid_state);
    return c.json({ data: { refuse_paid_state: emu.state.refusePaidState } });
  });
  app.patch('/settings/billing', async (c) => {
    // The firm's billing settings as an admin sets them in Clio's UI; a new bill takes the tax rates then set.
    const input = await body<{ allow_editing_approved_bills?: boolean; tax_rate?: number; secondary_tax_rate?: number; use_secondary_tax?: boolean }>(c);
    const patch: Partial<typeof emu.state.billing> = {};
    if (input.allow_editing_approved_bills !== undefined) patch.allow_editing_approved_bills = Boolean(input.allow_editing_approved_bills);
    if (input.tax_rate !== undefined) patch.tax_rate = Number(input.tax_rate);
    if (input.secondary_tax_rate !== undefined) patch.secondary_tax_rate = Number(input.secondary_tax_rate);
    if (input.use_secondary_tax !== undefined) patch.use_secondary_tax = Boolean(input.use_secondary_tax);
    const setting = emu.state.billingSettings.update(emu.state.billing.id, patch);
    return c.json({ data: setting });
  });

  app.get('/report_files/:id', (c) => {
    const content = reportFile(emu.state, Number(c.req.param('id')), c.req.query('key'));
    return content ? c.json(content) : c.json({ error: { type: 'NotFound', message: 'No such report file' } }, 404);
  });
  app.get('/manage', (c) => c.html(hostPage(emu, c.req.query('path') ?? '/', c.req.query('notice'))));
  // The host page's fee-earner buttons (form posts): act, then redirect back with a notice.
  app.post('/manage/act', async (c) => {
    const form = await c.req.parseBody();
    const action = String(form.action ?? '');
    let notice: string;
    try {
      notice =
        action === 'hard_cost'
          ? addPanelHardCost(
              emu.state,
              found(emu.state.matters, String(form.matter_id ?? '')),
              found(emu.state.contacts, String(form.vendor_id ?? '')),
              actor(undefined),
              today(),
            )
          : actOnBill(emu.state, found(emu.state.bills, String(form.bill_id ?? '')), action, actor(undefined), today());
    } catch (error) {
      notice = `Refused: ${error instanceof Error ? error.message : String(error)}`;
    }
    return c.redirect(`/_emulator/manage?notice=${encodeURIComponent(notice)}`, 303);
  });
  return app;
}

function summary(emu: Emulator): Record<string, number | string> {
  const s = emu.state;
  return {
    region: s.region,
    now: s.clock.now().toISOString(),
    users: s.users.size,
    contacts: s.contacts.size,
    matters: s.matters.size,
    activities: s.activities.size,
    bills: s.bills.size,
    line_items: s.lineItems.size,
    credit_memos: s.creditMemos.size,
    interest_charges: s.interestCharges.size,
    allocations: s.allocations.size,
    clio_payments: s.clioPayments.size,
    bank_accounts: s.bankAccounts.size,
    bank_transactions: s.bankTransactions.size,
  };
}
