import type { MatchCandidate } from '../../api-contract';

/**
 * Which Clio clients are already in Xero when a firm connects. Pure: the caller reads both sides
 * and stores the outcome. A pair is linked only when nothing else could be meant; every doubt
 * becomes a review for the admin, because a wrong link would post one client's invoices to another.
 */

export interface ClioClientContact {
  id: string;
  name: string;
  isClient: boolean;
  /** Every address Clio holds for the contact, primary first. */
  emails: string[];
}

export interface XeroContactSummary {
  id: string;
  name: string;
  email: string | null;
  /** ACTIVE, ARCHIVED or GDPRREQUEST; only ACTIVE contacts can take new invoices. */
  status: string;
}

export interface ContactLinkPlan {
  clioId: string;
  xeroId: string;
}

export interface ContactReviewPlan {
  clioContactId: string;
  clioName: string;
  clioEmail: string | null;
  candidates: MatchCandidate[];
  reason: string;
}

export interface ContactMatchPlan {
  links: ContactLinkPlan[];
  reviews: ContactReviewPlan[];
}

export interface AlreadyLinked {
  clioIds: ReadonlySet<string>;
  xeroIds: ReadonlySet<string>;
}

/** Names compare as a person would read them: width and compatibility forms, case and spacing do not count; letters of every script do. */
export function normaliseName(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLocaleLowerCase('und');
}

export function normaliseEmail(email: string | null | undefined): string | null {
  const trimmed = email?.trim().toLowerCase();
  return trimmed ? trimmed : null;
}

const isActive = (x: XeroContactSummary) => x.status === 'ACTIVE';

const candidateOf = (x: XeroContactSummary): MatchCandidate => ({ xeroContactId: x.id, name: x.name, email: x.email, status: x.status });

function groupBy<T>(items: T[], key: (item: T) => string | null): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

/** The emails agree when Xero's address is one of Clio's, or when one side has none to compare. */
function emailsAgree(clioEmails: string[], xeroEmail: string | null): boolean {
  return xeroEmail === null || clioEmails.length === 0 || clioEmails.includes(xeroEmail);
}

export function matchContacts(clio: ClioClientContact[], xero: XeroContactSummary[], linked: AlreadyLinked): ContactMatchPlan {
  const clients = clio
    .filter((c) => c.isClient && !linked.clioIds.has(c.id))
    .map((c) => ({ ...c, key: normaliseName(c.name), normalEmails: c.emails.map(normaliseEmail).filter((e): e is string => e !== null) }));
  const xeroByName = groupBy(xero, (x) => normaliseName(x.name));
  const xeroByEmail = groupBy(xero, (x) => normaliseEmail(x.email));
  const clientsByName = groupBy(clients, (c) => c.key);

  const plan: ContactMatchPlan = { links: [], reviews: [] };
  for (const client of clients) {
    const review = (candidates: XeroContactSummary[], reason: string) =>
      plan.reviews.push({
        clioContactId: client.id,
        clioName: client.name,
        clioEmail: client.emails[0] ?? null,
        candidates: candidates.map(candidateOf),
        reason,
      });
    const namesakes = xeroByName.get(client.key) ?? [];
    const active = namesakes.filter(isActive);

    if (namesakes.length === 0) {
      const sameEmail = client.normalEmails.flatMap((e) => xeroByEmail.get(e) ?? []);
      const distinct = [...new Map(sameEmail.map((x) => [x.id, x])).values()];
      if (distinct.length)
        review(
          distinct,
          `No Xero contact is named “${client.name}”, but ${distinct.length === 1 ? 'one has' : `${distinct.length} have`} the same email address under another name.`,
        );
      continue;
    }
    const clioNamesakes = clientsByName.get(client.key)!.length;
    if (clioNamesakes > 1) {
      review(namesakes, `${clioNamesakes} Clio clients are named “${client.name}”, so we cannot tell which one the Xero contact is.`);
      continue;
    }
    if (active.length === 0) {
      review(namesakes, `No active Xero contact is named “${client.name}”, only an archived one. Restore it in Xero and link it, or create a new contact.`);
      continue;
    }
    if (active.length > 1) {
      review(active, `${active.length} Xero contacts are named “${client.name}”.`);
      continue;
    }
    const match = active[0]!;
    if (!emailsAgree(client.normalEmails, normaliseEmail(match.email))) {
      review(active, `The Xero contact named “${client.name}” has a different email address (${match.email}) from the Clio client (${client.emails.join(', ')}).`);
      continue;
    }
    if (linked.xeroIds.has(match.id)) {
      review(active, `The Xero contact named “${client.name}” is already linked to another Clio contact.`);
      continue;
    }
    plan.links.push({ clioId: client.id, xeroId: match.id });
  }
  return plan;
}
