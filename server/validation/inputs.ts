import { z } from 'zod';

/**
 * Shapes of numbers and dates that come from outside, checked before they reach Postgres: a value
 * the database cannot hold would otherwise surface as a 500 (issue 8, finding 6).
 */

/** Postgres bigint's largest value: Clio ids are stored and compared as bigint. */
export const PG_BIGINT_MAX = 9223372036854775807n;

/**
 * A Clio id as text: digits, no leading zero (so "1009" and "01009" cannot name the same record
 * twice), within bigint.
 */
const CLIO_ID_SHAPE = /^[1-9]\d{0,18}$/;

export const clioId = (message = 'Clio ids are whole numbers.') =>
  z
    .string()
    .regex(CLIO_ID_SHAPE, message)
    // zod runs refinements after a failed check too: BigInt() only sees digits.
    .refine((v) => !CLIO_ID_SHAPE.test(v) || BigInt(v) <= PG_BIGINT_MAX, message);

/** The same, for ids that may arrive as JSON numbers or form fields (a number past 2^53 has lost its digits and is refused). */
export const clioIdLoose = (message?: string) => z.union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER).transform(String), z.string()]).pipe(clioId(message));

/** The dates a bookkeeping setting can sensibly name. */
export const EARLIEST_DATE = '1900-01-01';
export const LATEST_DATE = '2099-12-31';

/** A calendar date as YYYY-MM-DD within EARLIEST_DATE..LATEST_DATE. */
export const saneIsoDate = (message = 'Enter a date as YYYY-MM-DD.') =>
  z.iso.date({ message }).refine((v) => v >= EARLIEST_DATE && v <= LATEST_DATE, `Enter a date between ${EARLIEST_DATE.slice(0, 4)} and ${LATEST_DATE.slice(0, 4)}.`);
