import type { MiddlewareHandler } from 'hono';

export type FaultKind = '500' | '503' | '429' | 'timeout';

export interface Fault {
  method: string;
  pathPrefix: string;
  remaining: number;
  kind: FaultKind;
}

/** Injected failures: the next N calls matching a method and path prefix fail the chosen way. */
export class Faults {
  private faults: Fault[] = [];
  private readonly hanging = new Set<() => void>();

  constructor(private readonly hangMs: () => number) {}

  add(fault: Fault): void {
    this.faults.push(fault);
  }

  /** Also releases any request left hanging, so that a reset never leaves work behind. */
  clear(): void {
    this.faults = [];
    for (const release of this.hanging) release();
  }

  middleware(): MiddlewareHandler {
    return async (c, next) => {
      const path = new URL(c.req.url).pathname;
      const fault = this.faults.find((f) => f.remaining > 0 && (f.method === '*' || f.method === c.req.method) && path.startsWith(f.pathPrefix));
      if (!fault) return next();
      fault.remaining -= 1;
      this.faults = this.faults.filter((f) => f.remaining > 0);
      switch (fault.kind) {
        case '500':
          return c.json({ error: { type: 'InternalServerError', message: 'Injected fault' } }, 500);
        case '503':
          c.header('Retry-After', '1');
          return c.json({ error: { type: 'ServiceUnavailable', message: 'Injected fault' } }, 503);
        case '429':
          c.header('Retry-After', '1');
          return c.json({ error: { type: 'RateLimited', message: 'Injected fault' } }, 429);
        case 'timeout':
          await this.hang(c.req.raw.signal);
          return c.json({ error: { type: 'GatewayTimeout', message: 'Injected timeout' } }, 504);
      }
    };
  }

  /** Waits until the caller gives up, the fault list is cleared, or hangMs passes. */
  private hang(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        this.hanging.delete(release);
        resolve();
      };
      const timer = setTimeout(release, this.hangMs());
      signal.addEventListener('abort', release, { once: true });
      this.hanging.add(release);
    });
  }
}
