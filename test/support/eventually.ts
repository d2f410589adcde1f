type Settled<T> = Exclude<T, undefined | null | false>;

/**
 * Polls `check` until it gives something other than undefined, null or false, and returns that;
 * fails naming `what` after `timeoutMs`. For outcomes of background work (jobs, webhooks) that
 * no event announces. The budget is generous because a loaded CI machine is slow, never because
 * the test measures time.
 */
export async function eventually<T>(check: () => T | Promise<T>, what: string, timeoutMs = 30_000): Promise<Settled<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value as Settled<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
