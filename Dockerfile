# Handshake: build with the dev toolchain, run the compiled app on a slim image.
# The runtime stage has production dependencies only: no TypeScript, Jest, test or bench code, and
# no embedded PostgreSQL (an optional dependency; the container always uses DATABASE_URL).
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY scripts ./scripts
COPY src ./src
COPY migrations ./migrations
# test/ and bench/ are not in the build context (.dockerignore): only src and migrations compile.
# Then: no specs, production dependencies only, and not the Node copy that the npm package `node`
# brings for `npm start` (the image has Node 24 already).
RUN npm run build \
 && find dist -name '*.spec.js' -delete -o -name '*.spec.js.map' -delete \
 && npm prune --omit=dev --omit=optional --no-audit --no-fund \
 && rm -rf node_modules/node node_modules/node-linux-* node_modules/.bin/node

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production PORT=3000 LOG_FORMAT=json
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY templates ./templates
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The heap flags are the ones of `npm start` (package.json; the benchmarks run with them too): a 384 MB
# old generation keeps the app within its 512 MB memory budget (V8 otherwise sizes the heap from the
# host's memory and, on a large host, lets garbage pile up to ~4x the live heap before collecting).
CMD ["node", "--enable-source-maps", "--max-old-space-size=384", "--max-semi-space-size=16", "dist/src/main.js"]
