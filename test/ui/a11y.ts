import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AxeResults, RunOptions } from 'axe-core';
import type { Frame, Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(join(dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js'), 'utf8');

/** WCAG 2.0 and 2.1, levels A and AA: what Clio's marketplace review and our product spec ask of the pages. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe-core in the page (or one frame) as it stands and returns each violation as readable text:
 * the rule, its impact, what to fix, and the selector of every offending element with axe's reason.
 * Expect `[]`: a failing assertion then names what to fix.
 *
 * axe is evaluated through the DevTools protocol rather than added as a <script>: our pages allow no
 * inline script (Content-Security-Policy), and the check must not weaken the policy it runs under.
 */
export async function axeViolations(target: Page | Frame): Promise<string[]> {
  if (!(await target.evaluate(() => 'axe' in window))) await target.evaluate(AXE_SOURCE);
  const options: RunOptions = { runOnly: { type: 'tag', values: WCAG_TAGS }, resultTypes: ['violations'] };
  const results = await target.evaluate((o) => (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<AxeResults> } }).axe.run(document, o), options);
  return results.violations.map((v) =>
    [
      `${v.id} (${v.impact ?? 'no impact given'}): ${v.help} — ${v.helpUrl}`,
      ...v.nodes.map((n) => `  at ${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s*\n\s*/g, ' ')}`),
    ].join('\n'),
  );
}
