// The fixture site in a process of its own, so its CPU is measured apart from the crawlers'.
// argv: articles latencyMs. Prints {"url": ...} once listening; exits on SIGTERM.
import { createFixtureSite } from '../test/fixture-site/index.js';

const articles = Number(process.argv[2] ?? 2000);
const latencyMs = Number(process.argv[3] ?? 0);
const site = await createFixtureSite({ articles, latencyMs, pageSize: 20, gzip: true });
process.stdout.write(JSON.stringify({ url: site.url, listing: site.listingUrl(1), articles, pid: process.pid }) + '\n');
process.on('SIGTERM', async () => {
  await site.close();
  process.exit(0);
});
