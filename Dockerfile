# One multi-stage file for the three services: `docker build --target gateway|sync|push .`
# `npm run test:images` replays each service stage without Docker (tools/image-stage-check.mjs): keep to the
# instructions it understands (FROM, WORKDIR, ENV, USER, COPY, RUN without absolute paths, EXPOSE, HEALTHCHECK, CMD).
FROM node:20-bookworm-slim AS build
WORKDIR /workspace
ENV NX_DAEMON=false NX_NO_CLOUD=true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx run-many -t build -p gateway sync push --configuration=production
# The operator's command beside push: `docker compose exec push node dead-letters.js --help`.
RUN npx nx run push:build-dead-letters

# Each service gets only its own bundle and the production dependencies of the package.json Nx generates for it.
# Root installs them and owns /app; the service runs as `node` and cannot rewrite its own code or dependencies.
FROM node:20-bookworm-slim AS service-base
WORKDIR /app
ENV NODE_ENV=production

FROM service-base AS gateway
COPY --from=build /workspace/dist/apps/gateway/package.json /workspace/dist/apps/gateway/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /workspace/dist/apps/gateway/main.js ./
USER node
ENV PORT=8082
EXPOSE 8082
# No curl in the slim image: Node's fetch asks /health/ready (database and bus reachable). Docker has one check;
# an orchestrator with a liveness probe points it at /health/live, which a lost database or bus does not fail.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "main.js"]

FROM service-base AS sync
COPY --from=build /workspace/dist/apps/sync/package.json /workspace/dist/apps/sync/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /workspace/dist/apps/sync/main.js ./
USER node
ENV PORT=8083
# A heap limit sized for the service, not for the host: V8 then collects before the heap grows to about four times
# what sync keeps (README "Production topology"). libs/built-apps runs sync with the same, a spec keeps them equal.
ENV NODE_OPTIONS="--max-old-space-size=1024"
EXPOSE 8083
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "main.js"]

FROM service-base AS push
COPY --from=build /workspace/dist/apps/push/package.json /workspace/dist/apps/push/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /workspace/dist/apps/push/main.js ./
# Runs on push's dependencies alone (`npm run test:images` starts it with --help).
COPY --from=build /workspace/dist/apps/push-dead-letters/main.js ./dead-letters.js
USER node
ENV PORT=8084
EXPOSE 8084
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "main.js"]
