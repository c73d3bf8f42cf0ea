# One image per service from one file:  docker build --build-arg SERVICE=order -t ordering/order .
# SERVICE is one of gateway, customer, order, account, orchestrator. The manifests, dependency and compile stages
# do not depend on SERVICE, so building the five images installs and compiles the monorepo once (shared layers).
# No "syntax" directive on purpose: the legacy builder and BuildKit both read this file without pulling a frontend.

# The npm that wrote package-lock.json: the npm 10 bundled with Node 20 misreads its nested optional dependencies.
# Only the build stages use it; the final image runs node alone.
FROM node:20-bookworm-slim AS toolchain
RUN npm install --global --no-audit --no-fund npm@11.19.1 && npm cache clean --force

# Only the package manifests, so that the npm ci layers below are rebuilt when dependencies change, not on every edit.
FROM toolchain AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
 && find . -maxdepth 3 \( -name package.json -o -name package-lock.json \) -not -path './node_modules/*' \
      -exec cp --parents {} /manifests/ \;

# Every dependency (TypeScript included), once for all services. Install scripts are not needed to compile.
FROM toolchain AS dependencies
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN npm ci --no-audit --no-fund --ignore-scripts

# Compiles every package and service with tsc (dist/) and builds the console (Vite, services/gateway/console/dist),
# then gathers what runs: each workspace's package.json and dist/ (the exports' default condition points at dist/),
# the gateway's built console (static files, ADR 25), and the SQL migrations, which tsc does not copy: a package's
# own (packages/<name>/migrations, its package.json "files", ADR 23) and a service's, read from src/db/migrations.
FROM dependencies AS build
COPY tsconfig.base.json tsconfig.build.json ./
COPY packages packages
COPY services services
RUN npm run build \
 && for dir in packages/* services/*; do \
      mkdir -p "/out/${dir}" && cp -r "${dir}/package.json" "${dir}/dist" "/out/${dir}/"; \
      if [ -d "${dir}/migrations" ]; then cp -r "${dir}/migrations" "/out/${dir}/"; fi; \
      if [ -d "${dir}/console/dist" ]; then mkdir -p "/out/${dir}/console" && cp -r "${dir}/console/dist" "/out/${dir}/console/"; fi; \
      if [ -d "${dir}/src/db/migrations" ]; then mkdir -p "/out/${dir}/src/db" && cp -r "${dir}/src/db/migrations" "/out/${dir}/src/db/"; fi; \
    done \
 && find /out \( -name '*.d.ts' -o -name '*.d.ts.map' -o -name '*.tsbuildinfo' \) -delete

# Production dependencies of one service and of the workspace packages it uses, nothing else. npm's --omit=dev
# leaves the workspaces' own devDependencies in (the test tools, embedded PostgreSQL: 60 MB), so they are dropped
# from the manifests first; the lockfile still pins every version that is installed.
FROM toolchain AS production-dependencies
ARG SERVICE
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN if [ -z "${SERVICE}" ] || [ ! -f "services/${SERVICE}/package.json" ]; then \
      echo "build with --build-arg SERVICE=<gateway|customer|order|account|orchestrator> (got '${SERVICE}')" >&2; exit 1; \
    fi \
 && node -e "const fs=require('node:fs'); for (const dir of ['packages','services','tools']) for (const name of fs.readdirSync(dir)) { \
      const file=dir+'/'+name+'/package.json'; const manifest=JSON.parse(fs.readFileSync(file,'utf8')); \
      delete manifest.devDependencies; fs.writeFileSync(file, JSON.stringify(manifest)); }" \
 && npm ci --no-audit --no-fund --ignore-scripts --omit=dev --workspace "services/${SERVICE}" \
 && npm cache clean --force

FROM node:20-bookworm-slim
ARG SERVICE
LABEL org.opencontainers.image.title="ordering-${SERVICE}" \
      org.opencontainers.image.description="Ordering backend: the ${SERVICE} service" \
      org.opencontainers.image.source="https://github.com/ordering/ordering-backend" \
      org.opencontainers.image.vendor="ordering" \
      org.ordering.service="${SERVICE}"
ENV NODE_ENV=production \
    SERVICE_NAME=${SERVICE}
WORKDIR /app
# Owned by root and not writable by the service user: the code is immutable at run time, and nothing is written
# outside /tmp, so the container runs with a read-only root filesystem.
COPY --from=production-dependencies /app ./
COPY --from=build /out/packages ./packages
COPY --from=build /out/services/${SERVICE} ./services/${SERVICE}
WORKDIR /app/services/${SERVICE}
USER node
# Node's own fetch (slim images have no curl); PORT when set, else the service's default port.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "const ports={gateway:8080,customer:8081,order:8082,account:8083,orchestrator:8084};fetch('http://127.0.0.1:'+(process.env.PORT||ports[process.env.SERVICE_NAME])+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself, so the service drains (stops accepting, finishes in-flight
# requests, stops messaging, closes the pool) before it exits.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
