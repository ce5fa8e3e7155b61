import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

// The report as PDF: the same HTML printed by a headless Chromium (Debian's package, driven by
// playwright-core). One browser is started on first use and kept; pages are printed one at a time,
// since the machine's cores are shared with the API. JavaScript is off and every request is
// refused: the page is self-contained, and the printer must never fetch anything.

export const DEFAULT_CHROMIUM = '/usr/bin/chromium'

/** Chromium is not installed or does not start; the route answers 503. */
export class ChromiumUnavailable extends Error {}

export interface PdfOptions {
  /** The footer line, left of the page number. */
  footer: string
  pageWord: string
  ofWord: string
}

export interface PdfRendererOptions {
  executablePath?: string
  /** How long one page may take to print (ms). */
  timeoutMs?: number
}

const escapeText = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export function pdfRenderer (opts: PdfRendererOptions = {}) {
  const executablePath = opts.executablePath ?? DEFAULT_CHROMIUM
  const timeout = opts.timeoutMs ?? 30_000
  let browser: Promise<Browser> | null = null
  let queue: Promise<unknown> = Promise.resolve()

  function launch (): Promise<Browser> {
    if (!existsSync(executablePath)) return Promise.reject(new ChromiumUnavailable(`Chromium is not installed at ${executablePath}`))
    browser ??= chromium.launch({ executablePath, headless: true, timeout }).then((b) => {
      b.on('disconnected', () => { browser = null })
      return b
    }, (err: Error) => {
      browser = null
      throw new ChromiumUnavailable(`Chromium at ${executablePath} did not start: ${err.message.split('\n')[0]}`)
    })
    return browser
  }

  async function print (html: string, o: PdfOptions): Promise<Buffer> {
    const b = await launch()
    const context = await b.newContext({ javaScriptEnabled: false, offline: true })
    context.setDefaultTimeout(timeout)
    try {
      const page = await context.newPage()
      await page.route('**/*', (route) => route.abort())
      await page.setContent(html, { waitUntil: 'load', timeout })
      await page.emulateMedia({ media: 'print' })
      return await page.pdf({
        format: 'A4',
        printBackground: true,
        preferCSSPageSize: true,
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate: `<div style="width:100%;margin:0 13mm;font-family:Arial,sans-serif;font-size:8px;color:#5b6770;display:flex;justify-content:space-between"><span>${escapeText(o.footer)}</span><span>${escapeText(o.pageWord)} <span class="pageNumber"></span> ${escapeText(o.ofWord)} <span class="totalPages"></span></span></div>`
      })
    } finally {
      await context.close().catch(() => {})
    }
  }

  return {
    available (): boolean {
      return existsSync(executablePath)
    },
    /** Prints one page at a time; a failure does not block the next. */
    render (html: string, o: PdfOptions): Promise<Buffer> {
      const run = queue.then(() => print(html, o))
      queue = run.catch(() => {})
      return run
    },
    async close (): Promise<void> {
      const b = browser
      browser = null
      if (b) await (await b.catch(() => null))?.close()
    }
  }
}

export type PdfRenderer = ReturnType<typeof pdfRenderer>
