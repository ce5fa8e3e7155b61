import { FONT } from './charts.js'

// The report's stylesheet: a sheet of paper on screen, A4 in print (and in the PDF). Numbers in
// tabular figures so that columns line up; no web fonts, nothing fetched.

export const REPORT_CSS = `
:root { --ink: #1f2933; --muted: #5b6770; --accent: #1d5b8f; --navy: #17324d; --rule: #d6dde4; --tint: #f1f5f9; --amber: #b7791f; }
* { box-sizing: border-box; }
html { background: #e9edf1; }
body { margin: 0; padding: 32px 16px 48px; font-family: ${FONT}; color: var(--ink); font-size: 14px; line-height: 1.5; }
.paper { max-width: 860px; margin: 0 auto; background: #fff; padding: 0 56px 40px; box-shadow: 0 1px 3px rgba(23, 50, 77, .12), 0 8px 24px rgba(23, 50, 77, .08); }
.cover { margin: 0 -56px 28px; padding: 36px 56px 28px; background: var(--navy); color: #fff; border-bottom: 5px solid var(--accent); }
.cover .kicker { margin: 0 0 6px; font-size: 12px; letter-spacing: .08em; text-transform: uppercase; color: #b9cde0; }
.cover h1 { margin: 0; font-size: 30px; line-height: 1.2; font-weight: 700; }
.cover .subtitle { margin: 6px 0 14px; font-size: 19px; color: #dbe6f0; }
.cover .lead { margin: 0 0 16px; max-width: 44em; color: #e6eef5; }
.cover dl { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 0; font-size: 12.5px; }
.cover dl div { display: flex; gap: 6px; }
.cover dt { color: #b9cde0; }
.cover dd { margin: 0; font-weight: 700; }
h2 { color: var(--navy); font-size: 19px; line-height: 1.3; margin: 0 0 6px; }
h2 .num { color: var(--accent); font-weight: 700; margin-right: 4px; }
.glance .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 14px; margin: 10px 0 6px; }
.card { border: 1px solid var(--rule); border-top: 4px solid var(--accent); padding: 10px 14px 8px; }
.card.scope-county { border-top-color: #9bb8d3; }
.card h3 { margin: 0 0 6px; font-size: 15px; color: var(--navy); }
.card h3 small { font-weight: 400; color: var(--muted); font-size: 12px; margin-left: 6px; }
.card dl { display: grid; grid-template-columns: 1fr auto; gap: 2px 12px; margin: 0; font-size: 13px; }
.card dt { color: var(--muted); }
.card dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; font-weight: 700; }
.notice { margin: 18px 0; padding: 10px 14px; background: #fdf6e7; border-left: 4px solid var(--amber); font-size: 13px; }
.notice h2 { font-size: 14px; margin: 0 0 2px; color: #6b4a12; }
.notice p { margin: 0; }
.toc { margin: 18px 0 8px; font-size: 13px; }
.toc h2 { font-size: 15px; }
.toc ol { columns: 2; column-gap: 28px; margin: 0; padding-left: 0; list-style: none; }
.toc li { break-inside: avoid; padding: 1px 0; }
.toc a { color: var(--ink); text-decoration: none; }
.toc a span { color: var(--accent); font-weight: 700; margin-right: 4px; }
.report-section { padding-top: 22px; margin-top: 22px; border-top: 1px solid var(--rule); }
.appendix-title { margin-top: 36px; padding-top: 14px; border-top: 3px solid var(--navy); font-size: 22px; }
.caption { margin: 0 0 10px; color: var(--muted); font-size: 13px; max-width: 48em; }
figure { margin: 6px 0 10px; }
figure svg.chart { display: block; max-width: 100%; height: auto; margin: 0 auto; }
.nowrap { white-space: nowrap; }
figcaption { font-size: 11.5px; color: var(--muted); margin-top: 2px; }
table.data { width: 100%; border-collapse: collapse; margin: 10px 0 6px; font-size: 12.5px; font-variant-numeric: tabular-nums; }
table.data caption { text-align: left; font-size: 12px; font-weight: 700; color: var(--muted); padding-bottom: 4px; }
table.data th, table.data td { padding: 4px 8px; border-bottom: 1px solid #e6eaee; vertical-align: top; }
table.data thead th { background: var(--tint); color: var(--navy); font-weight: 700; text-align: right; border-bottom: 2px solid #c5d0da; font-size: 11.5px; line-height: 1.3; }
table.data thead th.scope { text-align: center; border-bottom: 1px solid #c5d0da; }
table.data thead th.scope-municipality { color: var(--accent); }
table.data tbody th { text-align: left; font-weight: 400; }
table.data tbody tr:nth-child(even) { background: #fafbfc; }
table.data tr.sum th, table.data tr.sum td { font-weight: 700; border-top: 1.5px solid #9aa8b5; }
table.data tr.chosen th, table.data tr.chosen td { background: #fff4d6; }
td.num { text-align: right; white-space: nowrap; }
td.num .pct { color: var(--ink); margin-left: 4px; }
td.num .ci { display: block; color: var(--muted); font-size: 10.5px; }
table.wide td.ci-col { color: var(--muted); }
td.withheld .marker, td .marker { font-weight: 700; color: #7a5a14; }
td.withheld { color: #7a5a14; }
.withheld-note, .omitted, .source { font-size: 11.5px; color: var(--muted); margin: 4px 0; }
.about { margin-top: 36px; padding-top: 16px; border-top: 3px solid var(--navy); font-size: 13px; }
.about h2 { font-size: 16px; }
@page { size: A4; margin: 14mm 13mm 16mm; }
@media print {
  html { background: #fff; }
  body { padding: 0; font-size: 10.5pt; }
  .paper { max-width: none; padding: 0; box-shadow: none; }
  .cover { margin: 0 0 18px; padding: 18px 20px 16px; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .report-section { break-inside: auto; }
  h2 { break-after: avoid; }
  .keep, figure, table.data, .card, .notice { break-inside: avoid; }
  table.data thead { display: table-header-group; }
  .toc a { color: inherit; }
  .appendix-title { break-before: page; }
  .about { break-inside: avoid; }
}
`
