import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';

/** Debian's Chromium (scripts/ensure-chromium.sh installs it); playwright never downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** `extraArgs`: e.g. `--test-third-party-cookie-phase-out`, which blocks third-party cookies as Chrome's phase-out does. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/** Builds ui/dist from the current sources, so a browser test never runs against a stale bundle. */
export async function buildUi(): Promise<void> {
  await build({ configFile: fileURLToPath(new URL('../../ui/vite.config.ts', import.meta.url)), logLevel: 'error' });
}

export const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-results', import.meta.url));
