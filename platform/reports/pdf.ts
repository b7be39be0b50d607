/**
 * Printing HTML to PDF with headless Chromium (Debian's chromium, never a downloaded browser):
 * incident reviews, evaluation reports. Undefined when the server has no Chromium.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Prints HTML to PDF with headless Chromium; undefined when the server has no Chromium. */
export async function htmlToPdf(html: string, chromium: string): Promise<Buffer | undefined> {
  if (!existsSync(chromium)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'wd-pdf-'));
  try {
    const src = join(dir, 'page.html');
    const out = join(dir, 'page.pdf');
    writeFileSync(src, html);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        chromium,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--no-pdf-header-footer',
          `--user-data-dir=${join(dir, 'profile')}`,
          `--print-to-pdf=${out}`,
          `file://${src}`,
        ],
        { stdio: 'ignore' },
      );
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('error', reject);
      child.on('exit', (code) => {
        clearTimeout(timer);
        if (code === 0 && existsSync(out)) resolve();
        else reject(new Error(`chromium exited with ${code}`));
      });
    });
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
