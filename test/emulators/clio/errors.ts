/** A failure Clio reports as `{"error":{"type","message"}}` with an HTTP status. */
export class ClioError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 412 | 422 | 429 | 500 | 503,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }

  body(): { error: { type: string; message: string } } {
    return { error: { type: this.type, message: this.message } };
  }
}

export const badRequest = (message: string) => new ClioError(400, 'BadRequest', message);
export const notFound = (what = 'record') => new ClioError(404, 'RecordNotFound', `The requested ${what} could not be found`);
export const forbidden = (message: string) => new ClioError(403, 'Forbidden', message);
/** Clio's DELETE endpoints declare only 204 and 403: a deletion Clio refuses is a 403. */
export const undeletable = (message: string) => new ClioError(403, 'Forbidden', message);
export const invalid = (message: string) => new ClioError(422, 'RecordInvalid', message);
export const preconditionFailed = () => new ClioError(412, 'PreconditionFailed', 'The resource has been modified since the etag in If-Match was read');
