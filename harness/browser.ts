import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { extract } from 'tar-fs';
import { ROOT } from './stack';

/**
 * The tests' Chromium: the headless shell the npm package @sparticuz/chromium ships brotli'd, with the
 * NSS libraries and a font it needs, inflated once into node_modules/.cache (so `npm ci` is all a
 * machine with Node needs, and `npm ci` starts it afresh). CHROMIUM_PATH runs another one instead.
 */
const PACKED = join(dirname(require.resolve('@sparticuz/chromium')), '..', '..', 'bin');
const INFLATED = join(ROOT, 'node_modules', '.cache', 'recording-controls', 'chromium');

async function inflated(): Promise<string> {
  if (existsSync(INFLATED)) return INFLATED;
  mkdirSync(dirname(INFLATED), { recursive: true });
  // Inflated beside its place and renamed into it: a browser started meanwhile never sees half a folder.
  const work = mkdtempSync(`${INFLATED}-`);
  await pipeline(
    createReadStream(join(PACKED, 'chromium.br')),
    createBrotliDecompress(),
    createWriteStream(join(work, 'chromium'), { mode: 0o755 }),
  );
  for (const tar of ['al2023.tar.br', 'fonts.tar.br']) {
    await pipeline(createReadStream(join(PACKED, tar)), createBrotliDecompress(), extract(work));
  }
  // Its fonts.conf names Lambda's folders: this one adds the shipped font to the machine's own.
  writeFileSync(
    join(work, 'fonts.conf'),
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n` +
      `  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n` +
      `  <dir>${join(INFLATED, 'fonts')}</dir>\n` +
      `  <cachedir>${join(INFLATED, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
  );
  try {
    renameSync(work, INFLATED);
  } catch (error) {
    // Another test process inflated it first.
    rmSync(work, { recursive: true, force: true });
    if (!existsSync(INFLATED)) throw error;
  }
  return INFLATED;
}

async function executable(): Promise<{ executablePath: string; env?: Record<string, string> }> {
  if (process.env.CHROMIUM_PATH) return { executablePath: process.env.CHROMIUM_PATH };
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(
      'The tests ship a Chromium for Linux x64 only: set CHROMIUM_PATH to a Chromium or Chrome to run them here.',
    );
  const dir = await inflated();
  return {
    executablePath: join(dir, 'chromium'),
    env: {
      ...(process.env as Record<string, string>),
      LD_LIBRARY_PATH: [join(dir, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      FONTCONFIG_FILE: join(dir, 'fonts.conf'),
    },
  };
}

export interface RunningBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A real headless Chromium with a fresh profile that talks to nothing but the local stack; `timezoneId` sets its clock's zone. */
export async function startBrowser(options: { timezoneId?: string } = {}): Promise<RunningBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'rc-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      ...(await executable()),
      headless: true,
      acceptDownloads: true,
      viewport: { width: 1200, height: 820 },
      ...options,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    return {
      context,
      async close() {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

/** What axe-core finds serious or critical on the page as it stands: each rule's id, impact and targets. */
export async function seriousAxeFindings(page: Page) {
  await page.addScriptTag({ content: readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') });
  return page.evaluate(async () => {
    type Violation = Record<string, unknown>;
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: Violation[] }> } }).axe;
    const { violations } = await axe.run();
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        nodes: (v.nodes as Array<{ target: unknown }>).map((n) => n.target),
      }));
  });
}
