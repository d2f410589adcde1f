import { useEffect, useState } from 'preact/hooks';
import type { ContactMatchReview } from '../../../server/contacts/repository';
import { api } from '../api';

type Choice = { xeroContactId: string } | { createNew: true };

/**
 * Clio clients that matching on connect would not link by itself. The admin picks the Xero contact
 * that is the same client, or lets the sync create a new one; nothing is guessed for them.
 */
export function ContactReviews() {
  const [reviews, setReviews] = useState<ContactMatchReview[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    api<{ reviews: ContactMatchReview[] }>('GET', '/api/contacts/match-reviews').then(
      (r) => setReviews(r.reviews),
      (err: Error) => setError(err.message),
    );
  useEffect(() => void load(), []);

  const settle = async (review: ContactMatchReview, choice: Choice) => {
    setBusy(review.id);
    setError(null);
    try {
      await api('POST', `/api/contacts/match-reviews/${review.id}`, choice);
      await load();
    } catch (err) {
      setError(`${review.clioName}: ${(err as Error).message}`);
    } finally {
      setBusy(null);
    }
  };

  if (reviews === null && !error) return null;
  return (
    <section class="panel" aria-labelledby="contact-reviews-title">
      <h2 id="contact-reviews-title">Contacts to review</h2>
      {reviews?.length === 0 && <p>Every Clio client that is already in Xero has been linked. Nothing needs your review.</p>}
      {reviews?.map((review) => (
        <div role="group" aria-labelledby={`review-${review.id}`} key={review.id} class="review">
          <h3 id={`review-${review.id}`}>
            {review.clioName}
            {review.clioEmail && <span class="note"> ({review.clioEmail})</span>}
          </h3>
          <p>{review.reason}</p>
          <ul>
            {review.candidates.map((candidate) => (
              <li key={candidate.xeroContactId}>
                Xero contact <strong>{candidate.name}</strong>
                {candidate.email ? ` (${candidate.email})` : ' (no email)'}
                {candidate.status !== 'ACTIVE' && ` — ${candidate.status.toLowerCase()} in Xero`}{' '}
                <button type="button" class="secondary" disabled={busy !== null} onClick={() => settle(review, { xeroContactId: candidate.xeroContactId })}>
                  Link to this Xero contact
                </button>
              </li>
            ))}
          </ul>
          <button type="button" class="secondary" disabled={busy !== null} onClick={() => settle(review, { createNew: true })}>
            Create a new contact in Xero
          </button>
        </div>
      ))}
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
