import { existsSync } from 'node:fs'
import { chromium } from 'playwright-core'
import t from 'tap'
import { build } from '../helper.js'

// The OpenAPI explorer under the security headers: a real browser loads /docs, renders every
// operation and reports no Content-Security-Policy violation.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

t.test('Swagger UI renders under its Content-Security-Policy without a violation', { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}` }, async (t) => {
  const app = await build(t)
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] })
  t.teardown(() => browser.close())
  const page = await browser.newPage()
  await page.addInitScript(() => {
    const w = window as unknown as { violations: string[] }
    w.violations = []
    document.addEventListener('securitypolicyviolation', (e) => { w.violations.push(`${e.violatedDirective} ${e.blockedURI}`) })
  })
  const consoleErrors: string[] = []
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()) })

  const res = await page.goto(`${base}/docs/`)
  t.equal(res?.status(), 200)
  t.match(res?.headers()['content-security-policy'], /default-src 'self'/)
  await page.waitForSelector('.opblock', { timeout: 30_000 })
  const operations = await page.locator('.opblock').count()
  t.ok(operations >= 15, `${operations} operations rendered`)
  // Open one operation: its schemas and examples render too.
  await page.locator('.opblock-summary').first().click()
  await page.waitForSelector('.opblock-body', { timeout: 10_000 })
  const violations = await page.evaluate(() => (window as unknown as { violations: string[] }).violations)
  t.same(violations, [], 'no CSP violation')
  t.same(consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e)), [], 'no refusal in the console')
})
