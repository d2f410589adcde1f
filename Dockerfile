# syntax=docker/dockerfile:1
# The production image: build with every dependency, run with the runtime ones only.
# test/foundation/container.test.ts runs these same steps outside a container (no engine on CI),
# reading them from this file: change a step here and that test runs the new one.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The npm cache is a build-time mount: it speeds rebuilds and never lands in a layer.
RUN --mount=type=cache,target=/root/.npm npm ci
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
ENV PORT=8787
WORKDIR /app
COPY package.json package-lock.json ./
# Runtime dependencies only: one wrongly kept in devDependencies fails the start (and the test).
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
COPY --from=build /app/dist ./dist
# The image's own user (uid 1000); the app writes nothing to disk in production.
USER node
EXPOSE 8787
# /readyz is 200 once the database answers and the job runner runs. Node's fetch: the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and gets SIGTERM itself, so a stop drains running jobs (SHUTDOWN_TIMEOUT_MS).
CMD ["node", "--enable-source-maps", "dist/server/index.js"]
