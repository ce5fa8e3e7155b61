// npm run bench -- load: autocannon against the service beside a bare Fastify + pg baseline (issue 7).
// Being written; see the README section "Operations" for the figures once it is.

export default async function load (): Promise<void> {
  console.log('load: not written yet')
}
