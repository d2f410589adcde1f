import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AxeResults, RunOptions } from 'axe-core';
import type { Frame, Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(join(dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js'), 'utf8');

/** WCAG 2.0 and 2.1 at levels A and AA: the conformance most accessibility requirements name. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe-core on the page (or one frame) as it stands and returns each violation as readable text:
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
      ...v.nodes.map((n) => {
        const [fix = '', ...reasons] = (n.failureSummary ?? '').split('\n').map((l) => l.trim());
        return `  at ${n.target.join(' ')}: ${fix} ${reasons.filter(Boolean).join('; ')}`;
      }),
    ].join('\n'),
  );
}

/**
 * The contrast of the focused element's outline against the background around it (WCAG 2.1
 * 1.4.11 asks 3:1 of a focus indicator), or 0 when it shows no outline. axe cannot check this:
 * it never moves the focus.
 */
export function focusRingContrast(target: Page | Frame): Promise<number> {
  return target.evaluate(() => {
    const focused = document.activeElement;
    if (!focused || focused === document.body) throw new Error('nothing has the focus');
    const ring = getComputedStyle(focused);
    if (ring.outlineStyle === 'none' || parseFloat(ring.outlineWidth) === 0) return 0;
    const rgba = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
    // The outline sits outside the element: the first opaque background of an ancestor is beside it.
    let around = [255, 255, 255];
    for (let el = focused.parentElement; el; el = el.parentElement) {
      const [r = 0, g = 0, b = 0, a = 1] = rgba(getComputedStyle(el).backgroundColor);
      if (a > 0) {
        around = [r, g, b];
        break;
      }
    }
    const luminance = ([r = 0, g = 0, b = 0]: number[]) => {
      const lin = (c: number) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const [hi, lo] = [luminance(rgba(ring.outlineColor)), luminance(around)].sort((x, y) => y - x) as [number, number];
    return (hi + 0.05) / (lo + 0.05);
  });
}
