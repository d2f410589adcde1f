import { recordActivity } from './activities-model';
import { billTotals, round2 } from './bill-totals';
import { createBill, setBillState } from './bills-model';
import { createContact, type ContactInput } from './contacts-model';
import { addCreditMemo, addInterest, deposit, recordPayment, trustBalance, type PaymentMethod } from './money';
import type { Bill, Contact, Matter, User } from './records';
import type { ClioState } from './state';

/**
 * The demo firm. Everything is generated from a seeded PRNG and goes through the same operations a
 * fee earner's clicks do, so totals, balances and ledgers agree by construction. A scale factor
 * repeats the generated part (contacts, matters, entries, bills, money) that many times.
 */

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Olivia', 'Noah', 'Amelia', 'Liam', 'Isla', 'Jack', 'Mia', 'William', 'Grace', 'Henry', 'Chloe', 'Lucas', 'Zoe', 'Ethan', 'Ava', 'Leo'];
const LAST = ['Taylor', 'Nguyen', 'Brown', 'Wilson', 'Martin', "O'Connor", 'Singh', 'Kelly', 'Walker', 'Harris', 'Clarke', 'Patel', 'Lee', 'Young', 'King', 'Wright'];
const COMPANY_A = ['Harbour', 'Summit', 'Bluegum', 'Redwood', 'Northgate', 'Ironbark', 'Silverline', 'Coastal'];
const COMPANY_B = ['Logistics', 'Developments', 'Partners', 'Holdings', 'Trading', 'Consulting', 'Foods', 'Engineering'];
const MATTER_KINDS = ['Commercial lease', 'Employment dispute', 'Estate planning', 'Property purchase', 'Contract review', 'Debt recovery'];

/** Contacts the Xero emulator's seed also holds (for matching), plus the awkward cases a sync must survive. */
const SPECIAL_CLIENTS: ContactInput[] = [
  company('Acme Holdings Pty Ltd', 'accounts@acmeholdings.com.au', '+61 2 9000 1000', ['1 Martin Place', 'Sydney', 'NSW', '2000', 'Australia']),
  person('Jane', 'Citizen', 'jane.citizen@example.com', '+61 400 000 001'),
  company('Müller & Söhne GmbH', 'buchhaltung@mueller-soehne.de', '+49 30 123456', ['Friedrichstraße 12', 'Berlin', 'Berlin', '10117', 'Germany']),
  person('Łukasz', 'Żółć', 'lukasz.zolc@example.pl', '+48 22 555 0101'),
  person('太郎', '山田', 'taro.yamada@example.jp', '+81 3 5555 0101'),
  person('John', 'Smith', 'john.smith@example.com', '+61 400 000 002'),
  person('John', 'Smith', 'j.smith@smithfamily.example', '+61 400 000 003'),
  person('Oliver', 'Brennan', null, '+61 400 000 004'),
];

const VENDORS: ContactInput[] = [
  company('Metro Courier Services', 'billing@metrocourier.example', '+61 2 9000 2000', null),
  company('County Court Registry', 'fees@courtregistry.example', '+61 2 9000 3000', null),
];

function person(first: string, last: string, email: string | null, phone: string): ContactInput {
  return {
    type: 'Person',
    first_name: first,
    last_name: last,
    email_addresses: email ? [{ name: 'Work', address: email, default_email: true }] : [],
    phone_numbers: [{ name: 'Work', number: phone, default_number: true }],
  };
}

function company(name: string, email: string, phone: string, address: string[] | null): ContactInput {
  const [street, city, province, postal_code, country] = address ?? [];
  return {
    type: 'Company',
    name,
    email_addresses: [{ name: 'Work', address: email, default_email: true }],
    phone_numbers: [{ name: 'Work', number: phone, default_number: true }],
    addresses: address ? [{ name: 'Billing', street, city, province, postal_code, country }] : [],
  };
}

/** What every firm has from day one, seeded or not: its users, bank accounts and categories. */
export function foundFirm(state: ClioState): void {
  const users: Omit<User, 'id' | 'etag' | 'created_at' | 'updated_at'>[] = [
    {
      name: 'Harriet Vance',
      first_name: 'Harriet',
      last_name: 'Vance',
      initials: 'HV',
      email: 'harriet.vance@emulated-law.example',
      enabled: true,
      account_owner: true,
      roles: ['admin'],
      subscription_type: 'Attorney',
      rate: 450,
      time_zone: 'Australia/Sydney',
    },
    {
      name: 'Marcus Reed',
      first_name: 'Marcus',
      last_name: 'Reed',
      initials: 'MR',
      email: 'marcus.reed@emulated-law.example',
      enabled: true,
      account_owner: false,
      roles: [],
      subscription_type: 'Attorney',
      rate: 320,
      time_zone: 'Australia/Sydney',
    },
    {
      name: 'Priya Nair',
      first_name: 'Priya',
      last_name: 'Nair',
      initials: 'PN',
      email: 'priya.nair@emulated-law.example',
      enabled: true,
      account_owner: false,
      roles: ['billing'],
      subscription_type: 'NonAttorney',
      rate: 150,
      time_zone: 'Australia/Sydney',
    },
  ];
  const [owner] = users.map((u) => state.users.insert(u));
  const bank = {
    currency: state.currency.code,
    institution: 'Emulated Bank',
    holder: state.account.name,
    clio_payments_enabled: true,
    controlled_account: false,
    default_account: true,
    user_id: owner?.id ?? 0,
  };
  state.bankAccounts.insert({ ...bank, name: 'Operating Account', type: 'Operating', account_number: '062-000 1234 5678', general_ledger_number: '1000' });
  state.bankAccounts.insert({
    ...bank,
    name: 'Trust Account',
    type: 'Trust',
    account_number: '062-000 8765 4321',
    general_ledger_number: '1100',
    clio_payments_enabled: false,
  });
  const descriptions = [
    ['Research', 'hourly', null, '200'],
    ['Drafting', 'hourly', null, '200'],
    ['Court appearance', 'hourly', 520, null],
    ['Client meeting', 'hourly', null, null],
    ['Conveyancing (fixed fee)', 'flat', 1500, '210'],
  ] as const;
  descriptions.forEach(([name, category_type, rate_amount, xero_service_code], i) =>
    state.activityDescriptions.insert({ name, category_type, rate_amount, default: i === 0, xero_service_code }),
  );
  const categories = [
    ['Court filing fees', 'hard_cost', 0, '310'],
    ['Courier', 'hard_cost', 35, null],
    ['Search fees', 'hard_cost', 0, '310'],
    ['Photocopying', 'soft_cost', 1, null],
    ['Mileage', 'soft_cost', 1, '320'],
    ['Miscellaneous', 'unassociated', 0, null],
  ] as const;
  for (const [name, entry_type, rate, xero_expense_code] of categories) {
    state.expenseCategories.insert({ name, entry_type, rate, xero_expense_code, tax_setting: 'tax_1_only' });
  }
}

/** Bill states for the 60 bills of one scale unit, in order. */
const BILL_PLAN: { state: Bill['state']; money?: 'clio_payments' | 'manual' | 'trust' | 'partial' | 'credit' | 'interest' }[] = [
  ...Array.from({ length: 10 }, () => ({ state: 'draft' as const })),
  ...Array.from({ length: 8 }, () => ({ state: 'awaiting_approval' as const })),
  ...Array.from({ length: 12 }, () => ({ state: 'awaiting_payment' as const })),
  { state: 'awaiting_payment', money: 'partial' },
  { state: 'awaiting_payment', money: 'credit' },
  { state: 'awaiting_payment', money: 'credit' },
  { state: 'awaiting_payment', money: 'interest' },
  { state: 'awaiting_payment', money: 'interest' },
  { state: 'awaiting_payment', money: 'interest' },
  ...Array.from({ length: 8 }, () => ({ state: 'paid' as const, money: 'clio_payments' as const })),
  ...Array.from({ length: 6 }, () => ({ state: 'paid' as const, money: 'manual' as const })),
  ...Array.from({ length: 4 }, () => ({ state: 'paid' as const, money: 'trust' as const })),
  ...Array.from({ length: 6 }, () => ({ state: 'void' as const })),
];

export function seedDemoFirm(state: ClioState, scale: number): void {
  const random = prng(20261125);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const today = state.clock.now();
  const daysAgo = (days: number) => new Date(today.getTime() - days * 86_400_000).toISOString().slice(0, 10);
  const users = state.users.all();
  const descriptions = state.activityDescriptions.all().filter((d) => d.category_type === 'hourly');
  const categories = state.expenseCategories.all();
  const vendors = VENDORS.map((v) => createContact(state, v));
  const admin = users[0] as User;

  for (let unit = 0; unit < scale; unit += 1) {
    const generated: ContactInput[] = Array.from({ length: 15 }, (_, i) =>
      i % 3 === 2
        ? company(
            `${pick(COMPANY_A)} ${pick(COMPANY_B)} ${unit * 15 + i} Pty Ltd`,
            `accounts${unit * 15 + i}@example.com`,
            `+61 2 9${String(unit * 15 + i).padStart(3, '0')} 0000`,
            [`${i + 1} George Street`, 'Sydney', 'NSW', '2000', 'Australia'],
          )
        : person(pick(FIRST), pick(LAST), `client${unit * 15 + i}@example.com`, `+61 41${String(unit * 15 + i).padStart(7, '0')}`),
    );
    const clients = [...(unit === 0 ? SPECIAL_CLIENTS : []), ...generated].map((input) => createContact(state, input));
    const matters = clients.flatMap((client) => Array.from({ length: 3 }, () => openMatter(state, client, pick(MATTER_KINDS), pick(users), daysAgo(between(120, 720)))));

    // Trust money first, so that bills can be paid from trust.
    const trustClients = clients.slice(0, 10);
    trustClients.forEach((client, i) => {
      const matter = state.matters.where('client_id', client.id)[0] as Matter;
      deposit(state, {
        type: 'Trust',
        contact_id: client.id,
        matter_id: matter.id,
        amount: 2000 + i * 750,
        date: daysAgo(between(100, 150)),
        description: 'Retainer deposited to trust',
      });
    });
    deposit(state, { type: 'Operating', contact_id: null, matter_id: null, amount: 25, date: daysAgo(30), description: 'Bank interest' });

    BILL_PLAN.forEach((plan, i) => {
      const matter = (
        plan.money === 'trust' ? state.matters.where('client_id', (trustClients[i % trustClients.length] as Contact).id)[0] : matters[(i * 7) % matters.length]
      ) as Matter;
      const user = pick(users);
      const issuedDaysAgo = plan.money === 'interest' ? between(75, 110) : between(5, 60);
      const activityIds = [
        ...Array.from(
          { length: between(2, 5) },
          () =>
            recordActivity(
              state,
              {
                type: 'TimeEntry',
                date: daysAgo(issuedDaysAgo + between(1, 20)),
                quantity: between(1, 40) * 360, // tenths of an hour: 0.1 h to 4.0 h
                note: `${pick(['Reviewed', 'Drafted', 'Discussed', 'Researched'])} ${matter.description.toLowerCase()}`,
                matter: { id: matter.id },
                activity_description: { id: pick(descriptions).id },
                user: { id: user.id },
              },
              user.id,
            ).id,
        ),
        ...Array.from({ length: between(0, 2) }, (_, k) => {
          const hard = k === 0;
          const category = pick(categories.filter((c) => c.entry_type === (hard ? 'hard_cost' : 'soft_cost')));
          return recordActivity(
            state,
            {
              type: hard ? 'HardCostEntry' : 'SoftCostEntry',
              date: daysAgo(issuedDaysAgo + between(1, 20)),
              quantity: hard ? 1 : between(10, 200),
              price: hard ? between(2000, 40000) / 100 : category.rate,
              note: category.name,
              matter: { id: matter.id },
              expense_category: { id: category.id },
              vendor: hard ? { id: pick(vendors).id } : null,
              reference: hard ? `INV-${between(1000, 9999)}` : null,
            },
            user.id,
          ).id;
        }),
      ];
      const bill = createBill(state, {
        activity_ids: activityIds,
        user_id: user.id,
        issued_at: daysAgo(issuedDaysAgo),
        due_at: daysAgo(issuedDaysAgo - 30),
        subject: `Professional services: ${matter.description}`,
      });
      settleBill(state, bill, plan.state, plan.money, { admin, date: daysAgo(Math.max(0, issuedDaysAgo - between(1, 20))), today: daysAgo(0) });
    });

    // Work in progress: entries not yet billed, including costs and non-billable time.
    for (let i = 0; i < 40; i += 1) {
      const matter = pick(matters);
      const user = pick(users);
      const kind = i % 8;
      if (kind === 6) {
        const category = pick(categories.filter((c) => c.entry_type === 'hard_cost'));
        recordActivity(
          state,
          {
            type: 'HardCostEntry',
            date: daysAgo(between(0, 30)),
            quantity: 1,
            price: between(1500, 30000) / 100,
            note: category.name,
            matter: { id: matter.id },
            expense_category: { id: category.id },
            vendor: { id: pick(vendors).id },
          },
          user.id,
        );
      } else if (kind === 7) {
        const category = pick(categories.filter((c) => c.entry_type === 'soft_cost'));
        recordActivity(
          state,
          {
            type: 'SoftCostEntry',
            date: daysAgo(between(0, 30)),
            quantity: between(5, 100),
            price: category.rate,
            note: category.name,
            matter: { id: matter.id },
            expense_category: { id: category.id },
          },
          user.id,
        );
      } else {
        recordActivity(
          state,
          {
            type: 'TimeEntry',
            date: daysAgo(between(0, 30)),
            quantity: between(1, 30) * 360,
            note: 'Work in progress',
            matter: { id: matter.id },
            activity_description: { id: pick(descriptions).id },
            non_billable: kind === 5,
          },
          user.id,
        );
      }
    }
  }
}

export function openMatter(state: ClioState, client: Contact, kind: string, attorney: User, openDate: string): Matter {
  const number = state.matters.size + 1;
  const label = client.type === 'Person' ? (client.last_name ?? client.name) : client.name.split(' ')[0];
  return state.matters.insert({
    number,
    display_number: `${String(number).padStart(5, '0')}-${label}`,
    description: `${kind} for ${client.name}`,
    status: 'Open',
    client_id: client.id,
    responsible_attorney_id: attorney.id,
    billing_method: 'hourly',
    billable: true,
    open_date: openDate,
    close_date: null,
  });
}

function settleBill(
  state: ClioState,
  bill: Bill,
  target: Bill['state'],
  money: (typeof BILL_PLAN)[number]['money'],
  ctx: { admin: User; date: string; today: string },
): void {
  if (target === 'draft') return;
  if (target === 'awaiting_approval') {
    setBillState(state, bill, 'awaiting_approval');
    return;
  }
  const approved = setBillState(state, bill, 'awaiting_payment');
  if (target === 'void') {
    setBillState(state, approved, 'void');
    return;
  }
  const balance = billTotals(state, approved).balance;
  const pay = (amount: number, method: PaymentMethod) =>
    recordPayment(state, state.bills.require(bill.id), { amount, date: ctx.date, method, user_id: ctx.admin.id, reference: `REF-${bill.id}` });
  switch (money) {
    case 'trust': {
      // The client tops up trust when the retainer does not cover the bill.
      const shortfall = round2(balance - trustBalance(state, bill.client_id));
      if (shortfall > 0) {
        deposit(state, {
          type: 'Trust',
          contact_id: bill.client_id,
          matter_id: bill.matter_ids[0] ?? null,
          amount: shortfall + 500,
          date: ctx.date,
          description: 'Trust top-up',
        });
      }
      pay(balance, 'trust');
      return;
    }
    case 'clio_payments':
    case 'manual':
      pay(balance, money);
      return;
    case 'partial':
      pay(round2(balance / 2), 'manual');
      return;
    case 'credit':
      addCreditMemo(state, approved, { amount: round2(Math.min(100, balance / 4)), date: ctx.date, description: 'Courtesy discount', user_id: ctx.admin.id });
      return;
    case 'interest':
      addInterest(state, approved, { amount: round2(balance * 0.015), date: ctx.today });
      return;
    default:
      return;
  }
}
