// Content negotiation for reports and exports: an explicit `format` parameter wins, otherwise the
// Accept header picks among the formats a route offers (RFC 9110 §12.5.1). A header that names
// none of them is a 406, not a silent default, so a client asking for PDF never gets HTML.

export const MEDIA_TYPES = {
  json: 'application/json',
  csv: 'text/csv',
  html: 'text/html',
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
} as const
export type Format = keyof typeof MEDIA_TYPES

interface Range { type: string, subtype: string, q: number, at: number }

function ranges (accept: string): Range[] {
  return accept.split(',').flatMap((part, at) => {
    const [media, ...params] = part.trim().toLowerCase().split(';').map((s) => s.trim())
    const [type, subtype] = media.split('/')
    if (!type || !subtype) return []
    const q = params.find((p) => p.startsWith('q='))
    const weight = q ? Number(q.slice(2)) : 1
    return [{ type, subtype, q: Number.isFinite(weight) ? weight : 0, at }]
  })
}

/**
 * The offered format the client prefers: the highest q of its most specific matching range, then
 * the earlier in the header, then the earlier in `offered` (the first is the default). Null when
 * the header accepts none of them.
 */
export function negotiate<F extends Format> (accept: string | undefined, offered: readonly F[]): F | null {
  if (!accept || accept.trim() === '') return offered[0]
  const list = ranges(accept)
  let best: { format: F, q: number, at: number, rank: number } | null = null
  offered.forEach((format, rank) => {
    const [type, subtype] = MEDIA_TYPES[format].split('/')
    const matching = list
      .map((r) => ({ r, specificity: r.type === type && r.subtype === subtype ? 2 : r.type === type && r.subtype === '*' ? 1 : r.type === '*' ? 0 : -1 }))
      .filter((m) => m.specificity >= 0)
      .sort((a, b) => b.specificity - a.specificity)
    if (matching.length === 0) return
    const { r } = matching[0]
    if (r.q <= 0) return
    if (!best || r.q > best.q || (r.q === best.q && (r.at < best.at || (r.at === best.at && rank < best.rank)))) {
      best = { format, q: r.q, at: r.at, rank }
    }
  })
  return (best as { format: F } | null)?.format ?? null
}

/** The media types a route offers, for the 406 message. */
export function offeredList (offered: readonly Format[]): string {
  return offered.map((f) => MEDIA_TYPES[f]).join(', ')
}
