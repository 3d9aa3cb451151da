import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium; the tests never download a browser. */
export const chromiumPath = '/usr/bin/chromium';

/** Starts Debian's Chromium headless, with everything that would reach the internet turned off. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath))
    throw new Error(
      `${chromiumPath} is missing; install Debian's chromium with \`apt-get install -y chromium\``,
    );
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** An app listening on a free port of 127.0.0.1, with its base URL. */
export interface Listening {
  url: string;
  /** Stops listening and drops open connections, as a server that went away would. */
  close(): Promise<void>;
}

/** Serves `app` over real HTTP on port 0. */
export async function listen(app: Express): Promise<Listening> {
  const server: Server = await new Promise((resolve, reject) => {
    const started = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(started)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Evaluates `expression` in the page. */
export const inPage = <T>(page: Page, expression: string): Promise<T> => page.evaluate<T>(expression);

/** The id of the element that has keyboard focus. */
export const activeId = (page: Page): Promise<string | undefined> =>
  inPage<string | undefined>(page, 'document.activeElement?.id');

/**
 * The outer HTML of every control in `selector` with no accessible name: no aria-label, aria-labelledby,
 * <label>, or (for a button) text of its own.
 */
export const unnamedControls = (page: Page, selector: string): Promise<string[]> =>
  inPage<string[]>(
    page,
    `[...document.querySelectorAll(${JSON.stringify(selector)})]
      .filter((control) => ![
        control.getAttribute('aria-label'),
        document.getElementById(control.getAttribute('aria-labelledby'))?.textContent,
        ...[...(control.labels ?? [])].map((label) => label.textContent),
        control.tagName === 'BUTTON' ? control.textContent : '',
      ].join('').trim())
      .map((control) => control.outerHTML)`,
  );

/** Each table's caption and how many of its header cells lack a scope. */
export const tableHeadings = (page: Page): Promise<{ caption: string; unscoped: number }[]> =>
  inPage(
    page,
    `[...document.querySelectorAll('table')].map((table) => ({
      caption: table.caption?.textContent?.trim() ?? '',
      unscoped: [...table.querySelectorAll('th')].filter((th) => !th.getAttribute('scope')).length,
    }))`,
  );
