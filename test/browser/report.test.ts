import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { chromium, type Browser, type Page } from 'playwright-core'
import t from 'tap'
import { token } from '../helper.js'
import { DASHBOARD, LEAD_HUDIKSVALL, referenceApp } from '../reports/helpers.js'

// The annual report in a real browser (Debian's Chromium through playwright-core): it renders,
// its charts and tables are there and named, a dashboard's copy holds no count of 1–4, and the
// PDF the server prints opens. Screenshots go to test-output/ for people to look at.

const CHROMIUM = '/usr/bin/chromium'
const skip = existsSync(CHROMIUM) ? false : `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium); browser test skipped`
const OUT = new URL('../../test-output/', import.meta.url)

async function open (browser: Browser, url: string, bearer: string): Promise<Page> {
  const context = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${bearer}` }, locale: 'sv-SE', viewport: { width: 1000, height: 1400 } })
  const page = await context.newPage()
  const res = await page.goto(url)
  if (res?.status() !== 200) throw new Error(`${url}: ${res?.status()} ${await res?.text()}`)
  return page
}

t.test('the report renders in Chromium, prints to a PDF that opens, and protects a dashboard\'s counts', { skip }, async (t) => {
  const app = await referenceApp(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const browser = await chromium.launch({ executablePath: CHROMIUM })
  t.teardown(() => browser.close())
  mkdirSync(OUT, { recursive: true })

  const lead = await open(browser, `${base}/v1/reports/annual?year=2020`, token(app, LEAD_HUDIKSVALL))
  t.equal(await lead.title(), 'SU-X årsrapport 2020 · Hudiksvall')
  const charts = lead.locator('figure svg[role="img"]')
  t.equal(await charts.count(), 10, 'ten charts')
  for (let i = 0; i < 10; i++) {
    const box = await charts.nth(i).boundingBox()
    t.ok(box && box.width > 300 && box.height > 60, `chart ${i + 1} has a size (${box?.width}×${box?.height})`)
    t.ok(await charts.nth(i).locator('g.mark-rect path').count() > 0, `chart ${i + 1} draws bars`)
  }
  await t.resolves(lead.getByRole('img', { name: 'Diagram 1. Barnens problemområden' }).waitFor({ timeout: 5000 }), 'a chart is found by its accessible name')
  const broken = await lead.evaluate(() => [...document.querySelectorAll('svg')].filter((svg) => {
    const doc = new DOMParser().parseFromString(new XMLSerializer().serializeToString(svg), 'image/svg+xml')
    return doc.getElementsByTagName('parsererror').length > 0
  }).length)
  t.equal(broken, 0, 'every SVG parses as XML in the browser')
  t.ok(await lead.locator('table.data').count() >= 14, 'the tables are there')
  t.equal(await lead.locator('section#s-overview table.data tbody tr').count(), 4, 'Tabell 1: three municipalities and the total')
  t.equal(await lead.locator('section#s-overview tr.chosen th').textContent(), 'Hudiksvall')
  const layout = await lead.evaluate(() => {
    const paper = document.querySelector('.paper')?.getBoundingClientRect()
    const wide = [...document.querySelectorAll('svg.chart, table.data')].filter((el) => paper && el.getBoundingClientRect().right > paper.right + 1).length
    return { overflow: document.documentElement.scrollWidth > window.innerWidth, wide }
  })
  t.same(layout, { overflow: false, wide: 0 }, 'no chart or table runs off the page')
  await lead.screenshot({ path: new URL('report-lead.png', OUT).pathname, fullPage: true })
  await lead.emulateMedia({ media: 'print' })
  await lead.screenshot({ path: new URL('report-lead-print.png', OUT).pathname, fullPage: true })

  const pdf = await lead.request.get(`${base}/v1/reports/annual?year=2020&format=pdf`)
  t.equal(pdf.status(), 200)
  t.equal(pdf.headers()['content-type'], 'application/pdf')
  const bytes = await pdf.body()
  t.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-', 'starts with %PDF')
  t.match(bytes.subarray(-32).toString('latin1'), /%%EOF\s*$/, 'ends with %%EOF')
  const pages = (bytes.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length
  t.ok(pages >= 5, `the PDF has pages (${pages})`)
  writeFileSync(new URL('report-lead.pdf', OUT), bytes)
  if (existsSync('/usr/bin/pdfinfo')) {
    const info = execFileSync('/usr/bin/pdfinfo', [new URL('report-lead.pdf', OUT).pathname]).toString()
    t.match(info, new RegExp(`Pages:\\s+${pages}`), 'pdfinfo opens it')
  }

  const dash = await open(browser, `${base}/v1/reports/annual?year=2020&municipality=2182`, token(app, DASHBOARD))
  const counts = await dash.evaluate(() => ({
    attributes: [...document.querySelectorAll('[data-count]')].map((el) => Number(el.getAttribute('data-count'))),
    shown: [...document.querySelectorAll('td .n, .card dd')].flatMap((el) => (el.textContent ?? '').split(/[\s/]+/)).filter((s) => /^\d+$/.test(s)).map(Number)
  }))
  t.ok(counts.attributes.length > 200 && counts.shown.length > 200, `the dashboard's report shows counts (${counts.attributes.length})`)
  t.same(counts.attributes.filter((n) => n >= 1 && n <= 4), [], 'no count of 1–4 in the data')
  t.same(counts.shown.filter((n) => n >= 1 && n <= 4), [], 'nor on the screen')
  t.ok(await dash.locator('svg text', { hasText: '≤4' }).count() > 5, 'withheld cells are labelled "≤4" in the charts')
  await dash.screenshot({ path: new URL('report-dashboard.png', OUT).pathname, fullPage: true })
})
