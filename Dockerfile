# The `spikes` CLI image that `spikes scan submit --k8s` Jobs run (and any container scheduler: AWS Batch array
# jobs read AWS_BATCH_JOB_ARRAY_INDEX the same way). Build from the repository root:
#   docker build -t spikes-cli:latest .
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY . .
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
RUN npm install --no-audit --no-fund && npx nx run-many -t build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /opt/spikes
COPY --from=build /src/package.json /src/package-lock.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/packages ./packages
RUN ln -s /opt/spikes/packages/cli/bin/spikes.js /usr/local/bin/spikes && chmod +x packages/cli/bin/spikes.js
# Scans write their tables into a mounted volume; run as an unprivileged user.
USER node
ENTRYPOINT []
CMD ["spikes", "--help"]
