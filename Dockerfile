# syntax=docker/dockerfile:1

# Build: all dependencies, the Prisma client generated into src/generated, then nest build (dist/src/main.js).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json nest-cli.json ./
COPY prisma ./prisma
COPY src ./src
# `prisma generate` only checks that PRISMA_SCHEMA_ENGINE_BINARY names a file (the Rust-free client never runs it).
RUN PRISMA_SCHEMA_ENGINE_BINARY=package.json npm run build

# Runtime: production dependencies, the compiled service and the migrations it applies on start-up.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY prisma ./prisma
# The JSON Schema definition files are checked against, and the demo's definitions (the default
# INDEX_DEFINITIONS_DIR); mount a folder of your own and set INDEX_DEFINITIONS_DIR to use yours.
COPY definitions ./definitions
COPY src/admin/public ./src/admin/public
USER node
EXPOSE 3000
# Liveness only: a dependency outage is no reason to call the container unhealthy (jobs wait for it).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "dist/src/main.js"]
