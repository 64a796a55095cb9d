FROM node:20.20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workers ./workers
COPY bin ./bin
COPY seeds ./seeds
# npm ci runs `prepare`: prisma generate + tsc build.
RUN npm ci && npm prune --omit=dev --ignore-scripts
ENV NODE_ENV=production
CMD ["node", "--max-semi-space-size=32", "--heap-growing-percent=50", "--v8-pool-size=1", "--always-sparkplug", "bin/newspipe.js", "start"]
