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
# Not root: the image's node user owns nothing but what it needs to read.
USER node
# The shebang of bin/newspipe.js holds the node flags (one place for them).
CMD ["./bin/newspipe.js", "start"]
