import * as vega from 'vega'

// Text widths for vega without a canvas. Vega then guesses 0.8 em a character, which is too wide
// for proportional type: axis labels get cut ("Brister i hemmiljön, pga. psyk…") and the plot is
// pushed right. These are Liberation Sans's advance widths (metric-compatible with Arial, the font
// the report names first), in thousandths of an em, measured once in Chromium.

const CHARS = ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~åäöÅÄÖéü–—≤’”…·'
const NORMAL = [278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 556, 556, 556, 667, 667, 778, 556, 556, 556, 1000, 549, 222, 333, 1000, 278]
const BOLD = [278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 556, 556, 611, 722, 722, 778, 556, 611, 556, 1000, 549, 278, 500, 1000, 278]

const table = (widths: number[]) => new Map([...CHARS].map((c, i) => [c, widths[i]]))
const WIDTHS = { normal: table(NORMAL), bold: table(BOLD) }
/** Any other character: the width of a digit, about the average of the alphabet. */
const OTHER = 556

export function textWidth (text: string, fontSize: number, bold = false): number {
  const widths = bold ? WIDTHS.bold : WIDTHS.normal
  let units = 0
  for (const c of text) units += widths.get(c) ?? OTHER
  return (units * fontSize) / 1000
}

interface TextItem { text?: unknown, fontSize?: number, fontWeight?: string | number, limit?: number }

let installed = false

/** Makes vega measure text with the widths above (its documented hook for canvas-less use). */
export function installTextMetrics (): void {
  if (installed) return
  installed = true
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text?: unknown) => number } }).textMetrics
  metrics.width = (item: TextItem, text?: unknown) => {
    const value = text ?? item.text
    const s = value === null || value === undefined ? '' : Array.isArray(value) ? value.join(' ') : String(value)
    const weight = item.fontWeight
    return textWidth(s, item.fontSize ?? 11, weight === 'bold' || (typeof weight === 'number' && weight >= 600))
  }
}
