import { describe, expect, it } from 'vitest';
import { SYNC_RECORD_KINDS } from '../../server/domain/kinds';
import { enqueueSyncRecords, syncRecordsPayload, TASK } from '../../server/jobs/enqueue';

const firmId = '0b1c5a8e-0000-4000-8000-000000000001';

describe('sync_records payload', () => {
  it("accepts each source's own kinds", () => {
    for (const source of ['clio', 'xero'] as const) {
      for (const kind of SYNC_RECORD_KINDS[source]) {
        expect(syncRecordsPayload.safeParse({ firmId, source, kind, ids: ['1'], reason: 'manual' }).success).toBe(true);
      }
    }
  });

  it("refuses an unknown kind, or one of the other source's kinds", () => {
    for (const [source, kind] of [
      ['clio', 'anything_goes'],
      ['clio', 'invoice'],
      ['xero', 'matter'],
      ['other', 'contact'],
    ]) {
      expect(syncRecordsPayload.safeParse({ firmId, source, kind, ids: ['1'], reason: 'manual' }).success).toBe(false);
    }
  });

  it('enqueueSyncRecords checks the payload before it queues anything', async () => {
    const added: unknown[] = [];
    const jobs = { addJob: (async (...args: unknown[]) => void added.push(args)) as never };
    const bad = { firmId, source: 'clio', kind: 'anything_goes', ids: ['1'], reason: 'manual' } as never;
    await expect(enqueueSyncRecords(jobs, bad)).rejects.toThrow();
    await enqueueSyncRecords(jobs, { firmId, source: 'xero', kind: 'invoice', ids: ['1'], reason: 'webhook' });
    expect(added).toEqual([
      [TASK.syncRecords, { firmId, source: 'xero', kind: 'invoice', ids: ['1'], reason: 'webhook' }, { queueName: `firm:${firmId}`, maxAttempts: 10 }],
    ]);
  });
});
