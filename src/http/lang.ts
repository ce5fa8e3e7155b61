import type { Lang } from '../domain/types.js'

/** Swedish unless the client prefers English (Accept-Language, q-values honoured). */
export function negotiateLang (header: string | undefined): Lang {
  if (!header) return 'sv'
  const ranked = header.split(',').map((part, i) => {
    const [tag, ...params] = part.trim().toLowerCase().split(';')
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    return { tag, q: q ? Number(q.slice(2)) || 0 : 1, i }
  }).filter((l) => l.q > 0).sort((a, b) => b.q - a.q || a.i - b.i)
  for (const { tag } of ranked) {
    if (tag === 'sv' || tag.startsWith('sv-')) return 'sv'
    if (tag === 'en' || tag.startsWith('en-')) return 'en'
  }
  return 'sv'
}
