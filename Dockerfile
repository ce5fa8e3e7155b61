# syntax=docker/dockerfile:1
# ISU Register, production image: `docker build -t isu-register .` (docker-compose.yml runs it with
# PostgreSQL). The service runs from its TypeScript source through tsx, as `npm start` does, so
# there is no build step; the stages keep npm, the lock file's dev dependencies and the apt
# caches out of the image.

# Stage 1: production dependencies only.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Stage 2: the runtime. tini is PID 1 so that SIGTERM reaches Node (which then finishes the
# requests in flight, SHUTDOWN_GRACE_MS) and Chromium's helper processes are reaped. Chromium
# prints the annual report as PDF; build with --build-arg WITH_CHROMIUM=false for a smaller image
# whose PDF requests answer 503.
FROM node:20-bookworm-slim
ARG WITH_CHROMIUM=true
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini $(if [ "$WITH_CHROMIUM" = true ]; then echo chromium fonts-dejavu-core; fi) \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0 DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY src ./src
COPY profiles ./profiles
COPY bin ./bin
COPY scripts/token.ts scripts/retention.ts scripts/reencrypt.ts ./scripts/
# /data holds the generated JWT secret when JWT_SECRET is unset (and PGlite's files without
# DATABASE_URL); everything else in the image is read-only for the service's user.
RUN mkdir -p /data && chown node:node /data && ln -s /app/bin/isu.js /usr/local/bin/isu
USER node
EXPOSE 3000
VOLUME ["/data"]
STOPSIGNAL SIGTERM
# /health answers 200 only while the database answers (503 otherwise).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
# Migrations run at start (one instance at a time, under an advisory lock).
CMD ["node", "--import", "tsx", "src/server.ts"]
