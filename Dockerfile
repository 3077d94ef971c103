# loanflow api and worker image (one image; the command chooses):
#   docker build -t loanflow .
#   docker run -e JWT_SECRET=... -e EVENT_STORE=postgres -e DATABASE_URL=... loanflow                                  # api
#   docker run -e JWT_SECRET=... -e EVENT_STORE=postgres -e DATABASE_URL=... loanflow node dist/apps/worker/src/main.js # worker

# ---- build: install everything, compile, then drop the dev dependencies ----
FROM node:20-bookworm AS build
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
# --ignore-scripts: the project's postinstall compiles the sources, which are not copied yet;
# better-sqlite3 is then built on its own (node:20-bookworm has python3, make and g++ for it).
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY . .
RUN npm run build && npm prune --omit=dev --ignore-scripts

# ---- runtime: the compiled code and production dependencies only ----
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The event contract the api serves at /asyncapi.
COPY --from=build /app/deploy/asyncapi.yaml ./deploy/asyncapi.yaml
# ./data holds the embedded SQLite log when EVENT_STORE=sqlite (mount a volume there to keep it).
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]
