# syntax=docker/dockerfile:1
# Tasklane's production image: compiled JavaScript, production dependencies only, a non-root user.
# docker compose up (compose.yaml) runs it with Postgres 16 and Redis 7.

# 1. Compile TypeScript to dist/ with every dependency (TypeScript is a dev dependency).
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY commands ./commands
RUN npm run build

# 2. Production dependencies only: no tsx, TypeScript, test or bench tools in the image.
FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. The runtime: dist/ (the bot and the operator scripts), the migrations it applies at start-up.
FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    HTTP_PORT=8080 \
    HTTP_HOST=0.0.0.0 \
    LOG_FORMAT=json \
    DATA_DIR=/app/data
WORKDIR /app
COPY --chown=node:node package.json ./
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node migrations ./migrations
RUN mkdir -p /app/data && chown node:node /app/data
# The official image's unprivileged user (uid 1000).
USER node
EXPOSE 8080
# The embedded database lives here when DATABASE_URL is not set.
VOLUME ["/app/data"]
# 200 while the database answers (see src/http/health.ts); node:20-slim has no curl, so Node's fetch asks.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# main.ts stops gracefully on SIGTERM: in-flight interactions finish, then client, HTTP, cache and database close.
STOPSIGNAL SIGTERM
# The V8 heap flags of `npm start` (package.json; see README "Memory").
CMD ["node", "--max-semi-space-size=4", "--heap-growing-percent=50", "dist/main.js"]
