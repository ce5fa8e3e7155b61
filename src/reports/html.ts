import { municipalityName } from '../domain/municipalities.js'
import type { PublishedTable } from '../domain/stats/types.js'
import type { Lang } from '../domain/types.js'
import type { AnnualReport, Scope, SectionData } from './annual.js'
import { chartOf, renderSvg } from './charts.js'
import { REPORT_CSS } from './css.js'
import { cellText, escapeHtml as e, formatPercent } from './format.js'
import { sectionTables } from './html-tables.js'
import { scopeStatus, TEXTS } from './texts.js'

// The annual report as one self-contained HTML page: inline CSS and SVG, no script, nothing
// fetched, so the same page reads on screen, prints, and becomes the PDF.

export function reportTitle (r: AnnualReport): string {
  const scope = r.municipality ? municipalityName(r.municipality) : TEXTS.county[r.lang]
  return TEXTS.footer[r.lang](r.year, scope)
}

const cell = (t: PublishedTable | undefined, row: string, column: string) =>
  t?.rows.find((x) => x.key === row)?.cells.find((c) => c.column === column)

function keyFigures (r: AnnualReport): string {
  const { lang } = r
  const closure = r.sections.find((s) => s.plan.id === 'closure-reasons')
  const cards = r.overviews.map(({ scope, table }) => {
    if (table.withheld) return ''
    const text = (column: string) => {
      const c = cell(table, 'all', column)
      return c ? cellText(c, lang) : '–'
    }
    const goals = cell(closure?.tables.find((x) => x.scope.id === scope.id)?.table, 'goals_met', 'cases')
    const goalsText = goals?.display ?? (typeof goals?.share === 'number' ? formatPercent(goals.share, lang) : '–')
    const count = cell(table, 'all', 'cases')
    const items: Array<[string, string, string]> = [
      [TEXTS.cases[lang], `<span ${typeof count?.count === 'number' ? `data-count="${count.count}"` : ''}>${e(text('cases'))}</span>`, ''],
      [TEXTS.girlsBoys[lang], `${e(text('girl'))} / ${e(text('boy'))}`, ''],
      [TEXTS.meanAge[lang], e(text('meanAge')), ''],
      [TEXTS.meanDuration[lang], `${e(text('meanDurationDays'))} ${e(TEXTS.days[lang])}`, ''],
      [TEXTS.goalsMet[lang], e(goalsText), '']
    ]
    return `<div class="card scope-${scope.id}" data-scope="${scope.id}"><h3>${e(scope.label)}<small>${e(scopeStatus(scope, lang))}</small></h3><dl>${items.map(([dt, dd]) => `<dt>${e(dt)}</dt><dd>${dd}</dd>`).join('')}</dl></div>`
  })
  return `<section class="glance" aria-labelledby="glance-h"><h2 id="glance-h">${e(TEXTS.keyFigures[lang])}</h2><div class="cards">${cards.join('')}</div></section>`
}

const anchor = (s: SectionData) => `s-${s.plan.id}`

async function sectionHtml (s: SectionData, r: AnnualReport): Promise<string> {
  const { lang } = r
  const title = s.plan.title[lang]
  const heading = `<h2 id="h-${s.plan.id}"><span class="num">${e(s.number)}.</span> ${e(title)}</h2>`
  const caption = `<p class="caption">${e(s.plan.caption[lang])}</p>`
  let figure = ''
  const chart = chartOf(s, lang)
  if (s.plan.chart && chart) {
    const svg = await renderSvg(chart.spec, { id: `chart-${s.plan.id}`, title: `${s.number}. ${title}`, description: `${s.plan.caption[lang]} ${lang === 'sv' ? 'Värdena finns i tabellen under diagrammet.' : 'The values are in the table below the figure.'}` })
    const legends = [
      s.plan.chart.kind === 'columns' || s.plan.chart.measure === 'share' ? TEXTS.intervalLegend[lang] : '',
      chart.data.some((d) => d.marker !== null) ? TEXTS.markerLegend[lang] : ''
    ].filter(Boolean)
    figure = `<figure data-chart="${e(s.plan.id)}">${svg}${legends.length ? `<figcaption>${e(legends.join(' '))}</figcaption>` : ''}</figure>`
  } else if (s.plan.chart) {
    figure = `<p class="withheld-note">${e(TEXTS.noChart[lang])}</p>`
  }
  const tableCaption = s.plan.chart ? `${TEXTS.dataTable[lang]} (${s.number})` : `${s.number}. ${title}`
  const tables = sectionTables(s.tables, { lang, caption: tableCaption, highlight: r.municipality })
  const source = s.plan.source ? `<p class="source">${e(TEXTS.source[lang])}: ${e(s.plan.source)}.</p>` : ''
  // The heading stays on the page of what it introduces: with the chart, or with a short table.
  const lead = s.plan.chart ? `<div class="keep">${heading}${caption}${figure}</div>${tables}` : `<div class="keep">${heading}${caption}${tables}</div>`
  return `<section class="report-section" id="${anchor(s)}" aria-labelledby="h-${s.plan.id}" data-table="${e(s.plan.table)}">${lead}${source}</section>`
}

function scopeLine (s: Scope, lang: Lang): string {
  return `<div><dt>${e(s.label)}:</dt><dd>${e(scopeStatus(s, lang))}</dd></div>`
}

export async function renderReportHtml (r: AnnualReport): Promise<string> {
  const { lang } = r
  const name = r.municipality ? municipalityName(r.municipality) : null
  const subtitle = name ? TEXTS.subtitleCompared[lang](name) : TEXTS.subtitleCounty[lang]
  const main = r.sections.filter((s) => !s.plan.appendix)
  const appendix = r.sections.filter((s) => s.plan.appendix)
  const body: string[] = []
  for (const s of main) body.push(await sectionHtml(s, r))
  if (appendix.length > 0) {
    body.push(`<h2 class="appendix-title" id="appendix">${e(TEXTS.appendix[lang])}</h2>`)
    for (const s of appendix) body.push(await sectionHtml(s, r))
  }
  const kinds = new Set(r.scopes.map((s) => s.protection))
  const explained = [kinds.has('suppressed') ? TEXTS.protectionText[lang] : '', kinds.has('perturbed') ? TEXTS.perturbationText[lang] : ''].filter(Boolean)
  const notice = explained.length > 0
    ? `<aside class="notice" aria-labelledby="notice-h"><h2 id="notice-h">${e(TEXTS.protection[lang])}</h2>${explained.map((x) => `<p>${e(x)}</p>`).join('')}</aside>`
    : `<aside class="notice"><p>${e(TEXTS.exactNotice[lang])}</p></aside>`
  const toc = `<nav class="toc" aria-labelledby="toc-h"><h2 id="toc-h">${e(TEXTS.contents[lang])}</h2><ol>${r.sections.map((s) => `<li><a href="#${anchor(s)}"><span>${e(s.number)}</span>${e(s.plan.title[lang])}</a></li>`).join('')}</ol></nav>`
  const members = r.countyMembers.map(municipalityName).join(', ')
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${e(reportTitle(r))}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<div class="paper">
<header class="cover">
<p class="kicker">${e(TEXTS.kicker[lang])}</p>
<h1>${e(TEXTS.title[lang](r.year))}</h1>
<p class="subtitle">${e(subtitle)}</p>
<p class="lead">${e(TEXTS.lead[lang](r.year)).replaceAll('SU-X', '<span class="nowrap">SU-X</span>')}</p>
<dl><div><dt>${e(TEXTS.generated[lang])}:</dt><dd>${e(r.generated)}</dd></div>${r.scopes.map((s) => scopeLine(s, lang)).join('')}</dl>
</header>
${keyFigures(r)}
${notice}
${toc}
<main>
${body.join('\n')}
</main>
<footer class="about" aria-labelledby="about-h">
<h2 id="about-h">${e(TEXTS.method[lang])}</h2>
<p>${e(TEXTS.methodText[lang])}</p>
<p>${e(TEXTS.countyMembers[lang](members))}</p>
</footer>
</div>
</body>
</html>
`
}
