// Prints a JWT that a server started in the same environment accepts (SPEC §5):
//   npm run token -- --role registrant --municipality 2184 [--sub alice] [--expires 3600]
// The token is the only thing written to stdout.
import { parseArgs } from 'node:util'
import { createSigner } from 'fast-jwt'
import { loadConfig } from '../src/config.js'
import { ROLES, type Role } from '../src/domain/access.js'

const { values } = parseArgs({
  options: {
    role: { type: 'string', multiple: true },
    municipality: { type: 'string', multiple: true },
    sub: { type: 'string' },
    expires: { type: 'string', default: '3600' }
  }
})

function fail (message: string): never {
  process.stderr.write(`${message}\nusage: npm run token -- --role <${ROLES.join('|')}> [--municipality 2184 ...] [--sub alice] [--expires seconds]\n`)
  process.exit(2)
}

const roles = values.role ?? fail('--role is required')
for (const r of roles) if (!(ROLES as readonly string[]).includes(r)) fail(`unknown role ${r}`)
const municipalities = values.municipality ?? []
for (const m of municipalities) if (!/^[0-9]{4}$/.test(m)) fail(`municipality ${m} is not a four-digit code`)
const expires = Number(values.expires)
if (!Number.isInteger(expires) || expires <= 0) fail('--expires takes a whole number of seconds')

const config = loadConfig()
const sign = createSigner({ key: config.jwtSecret, algorithm: 'HS256', expiresIn: expires * 1000, ...(config.jwtIssuer ? { iss: config.jwtIssuer } : {}) })
const claims: { sub: string, roles: Role[], municipalities?: string[] } = { sub: values.sub ?? roles[0], roles: roles as Role[] }
if (municipalities.length > 0) claims.municipalities = municipalities
process.stdout.write(sign(claims) + '\n')
