# One multi-stage file for the three services: `docker build --target gateway|sync|push .`
FROM node:20-bookworm-slim AS build
WORKDIR /workspace
ENV NX_DAEMON=false NX_NO_CLOUD=true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx run-many -t build -p gateway sync push --configuration=production

# Each service gets only its own bundle and production dependencies (Nx generates the pruned package.json).
FROM node:20-bookworm-slim AS service-base
WORKDIR /app
ENV NODE_ENV=production
USER node

FROM service-base AS gateway
COPY --from=build --chown=node /workspace/dist/apps/gateway ./
RUN npm ci --omit=dev --no-audit --no-fund
EXPOSE 8082
CMD ["node", "main.js"]

FROM service-base AS sync
COPY --from=build --chown=node /workspace/dist/apps/sync ./
RUN npm ci --omit=dev --no-audit --no-fund
EXPOSE 8083
CMD ["node", "main.js"]

FROM service-base AS push
COPY --from=build --chown=node /workspace/dist/apps/push ./
RUN npm ci --omit=dev --no-audit --no-fund
EXPOSE 8084
CMD ["node", "main.js"]
