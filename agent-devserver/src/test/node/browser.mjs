// LiveKit's browser SDK (livekit-client) in Debian's headless Chromium, driven by playwright-core: opens PAGE_URL
// (a page that joins a room with the SDK's UMD build, see browser-page.html) and reports what the page reports.
// Environment: PAGE_URL, CHROMIUM (default /usr/bin/chromium), RUN_SECONDS (default 60).
// Prints one JSON object per line: whatever the page logs with lkReport(...), then {"event":"done"}.
import { chromium } from 'playwright-core';

const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required',
  ],
});
try {
  const page = await browser.newPage();
  page.on('console', (m) => {
    const text = m.text();
    if (text.startsWith('{')) {
      process.stdout.write(text + '\n');
    } else {
      out({ log: text });
    }
  });
  page.on('pageerror', (e) => out({ event: 'error', message: String(e) }));
  await page.goto(process.env.PAGE_URL);
  await page.waitForFunction(() => window.lkDone === true, null, {
    timeout: Number(process.env.RUN_SECONDS || 60) * 1000, polling: 100,
  });
  out({ event: 'done' });
} catch (e) {
  out({ event: 'error', message: String(e?.stack ?? e) });
} finally {
  await browser.close();
}
