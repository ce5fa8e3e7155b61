import { desc, eq, sql } from 'drizzle-orm'
import type { DbOrTx } from './client.js'
import { apiClients } from './schema/index.js'

export type ClientRole = 'integration' | 'dashboard'
/** How the client's protected statistics are protected (src/domain/access.ts statsProtection). */
export type ClientProtection = 'suppressed' | 'perturbed'

export interface ApiClient {
  clientId: string
  name: string
  role: ClientRole
  municipalities: string[]
  createdAt: Date
  createdBy: string
  secretRotatedAt: Date | null
  revokedAt: Date | null
  protection: ClientProtection
}

export interface ApiClientWithSecret extends ApiClient {
  secretHash: string
}

type Row = typeof apiClients.$inferSelect

const withoutSecret = ({ secretHash: _s, ...c }: Row): ApiClient => ({ ...c, role: c.role as ClientRole, protection: c.protection as ClientProtection })

export function clientsRepository () {
  return {
    async insert (q: DbOrTx, c: Pick<ApiClient, 'clientId' | 'name' | 'role' | 'municipalities' | 'createdBy' | 'protection'>, secretHash: string): Promise<ApiClient> {
      const [row] = await q.insert(apiClients).values({ ...c, secretHash }).returning()
      return withoutSecret(row)
    },

    async find (q: DbOrTx, clientId: string, opts: { forUpdate?: boolean } = {}): Promise<ApiClientWithSecret | null> {
      const base = q.select().from(apiClients).where(eq(apiClients.clientId, clientId))
      const [row] = opts.forUpdate ? await base.for('update') : await base
      return row ? { ...withoutSecret(row), secretHash: row.secretHash } : null
    },

    /** Every client, revoked ones included, newest first; never a secret hash. */
    async list (q: DbOrTx): Promise<ApiClient[]> {
      const rows = await q.select().from(apiClients).orderBy(desc(apiClients.createdAt), desc(apiClients.clientId))
      return rows.map(withoutSecret)
    },

    async setSecret (q: DbOrTx, clientId: string, secretHash: string): Promise<void> {
      await q.update(apiClients).set({ secretHash, secretRotatedAt: sql`now()` }).where(eq(apiClients.clientId, clientId))
    },

    async revoke (q: DbOrTx, clientId: string): Promise<void> {
      await q.update(apiClients).set({ revokedAt: sql`now()` }).where(eq(apiClients.clientId, clientId))
    }
  }
}

export type ClientsRepository = ReturnType<typeof clientsRepository>
