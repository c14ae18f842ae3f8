# syntax=docker/dockerfile:1
# Kana Lab production image: native TensorFlow (tfjs-node), non-root, data in /data.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
# python3/make/g++ build tfjs-node's binding; its install script downloads libtensorflow,
# which works here (it cannot on the offline dev machines, hence optionalDependency).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund \
 && node -e "require('@tensorflow/tfjs-node')" \
 && echo "tfjs-node loads"

FROM deps AS build
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
RUN node node_modules/next/dist/bin/next build \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    DATA_DIR=/data \
    ML_BACKEND=node
WORKDIR /app
RUN groupadd --system kana \
 && useradd --system --gid kana --home-dir /app --no-create-home kana \
 && mkdir -p /data \
 && chown kana:kana /data
COPY --from=build --chown=kana:kana /app /app
USER kana
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=600s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/api/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# Imports KMNIST (downloads into /data/kmnist, or mount files at KMNIST_DIR), trains the
# initial models on first start (resuming an interrupted one), then serves. `docker stop`
# (SIGTERM) shuts down gracefully within SHUTDOWN_TIMEOUT_MS (default 8 s, under docker's 10 s).
CMD ["node", "--import", "tsx", "lib/cli/start.ts"]
