import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import type { ContactMatchReview } from '../../../server/api-contract';

type Choice = { xeroContactId: string } | { createNew: true };

/**
 * Clio clients that matching on connect would not link by itself. The admin picks the Xero contact
 * that is the same client, or lets the sync create a new one; nothing is guessed for them.
 */
export function ContactReviews() {
  const [reviews, setReviews] = useState<ContactMatchReview[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  /** The refusal of the last button pressed, shown beside that button: `key` names it. */
  const [error, setError] = useState<{ key: string; message: string } | null>(null);

  const load = () =>
    api<{ reviews: ContactMatchReview[] }>('GET', '/api/contacts/match-reviews').then(
      (r) => setReviews(r.reviews),
      (err: Error) => setLoadError(err.message),
    );
  useEffect(() => void load(), []);

  const settle = async (review: ContactMatchReview, choice: Choice, key: string) => {
    setBusy(review.id);
    setError(null);
    try {
      await api('POST', `/api/contacts/match-reviews/${review.id}`, choice);
      await load();
    } catch (err) {
      setError({ key, message: (err as Error).message });
    } finally {
      setBusy(null);
    }
  };

  if (reviews === null && !loadError) return null;
  const refusal = (key: string) =>
    error?.key === key && (
      <span role="alert" id={`error-${key}`}>
        {error.message}
      </span>
    );
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
                <button
                  type="button"
                  class="secondary"
                  disabled={busy !== null}
                  aria-describedby={error?.key === `${review.id}-${candidate.xeroContactId}` ? `error-${review.id}-${candidate.xeroContactId}` : undefined}
                  onClick={() => settle(review, { xeroContactId: candidate.xeroContactId }, `${review.id}-${candidate.xeroContactId}`)}
                >
                  Link to this Xero contact
                </button>{' '}
                {refusal(`${review.id}-${candidate.xeroContactId}`)}
              </li>
            ))}
          </ul>
          <button
            type="button"
            class="secondary"
            disabled={busy !== null}
            aria-describedby={error?.key === `${review.id}-new` ? `error-${review.id}-new` : undefined}
            onClick={() => settle(review, { createNew: true }, `${review.id}-new`)}
          >
            Create a new contact in Xero
          </button>{' '}
          {refusal(`${review.id}-new`)}
        </div>
      ))}
      {loadError && <p role="alert">{loadError}</p>}
    </section>
  );
}
