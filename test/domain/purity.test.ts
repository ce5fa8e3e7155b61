import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import t from 'tap'

// src/domain is pure: no I/O and nothing from the web framework, the database or the layers above.

const FORBIDDEN = [/^fastify/, /^@fastify\//, /^drizzle-orm/, /^pg$/, /^@electric-sql\//, /^node:(fs|net|http|https|child_process|dgram|worker_threads)/, /\/(db|routes|plugins|services|http)\//, /^(fs|net|http|https|child_process)$/]

function files (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [])
}

t.test('the domain layer imports nothing that does I/O or belongs to an outer layer', async (t) => {
  const root = join(import.meta.dirname, '..', '..', 'src', 'domain')
  const all = files(root)
  t.ok(all.length > 5)
  for (const file of all) {
    const source = readFileSync(file, 'utf8')
    const specifiers = [...source.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2])
    for (const s of specifiers) {
      t.notOk(FORBIDDEN.some((re) => re.test(s)), `${relative(root, file)} imports ${s}`)
    }
    t.notMatch(source, /process\.env/, `${relative(root, file)} reads no environment`)
  }
})
