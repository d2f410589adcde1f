import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../server/log';

/** A real logger whose JSON lines are kept in memory, so tests can read what would be logged. */
export function capturedLogger(level = 'debug'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger(level, sink), lines };
}
