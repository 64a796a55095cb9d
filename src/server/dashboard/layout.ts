// The page frame of the dashboard: navigation, title, flash message. No scripts at all; the
// stylesheet is served from /static (CSP default-src 'self').
import { html, type SafeHtml } from '../html.js';

export const NAV = [
  { href: '/', label: 'Overview' },
  { href: '/sources', label: 'Sources' },
  { href: '/runs', label: 'Runs' },
  { href: '/articles', label: 'Articles' },
  { href: '/pages/failed', label: 'Failed pages' },
  { href: '/admin/queues', label: 'Queues' },
  { href: '/docs', label: 'API' },
] as const;

export interface LayoutOptions {
  title: string;
  body: SafeHtml;
  /** Path of the current section, for the highlighted tab; false hides the navigation. */
  nav?: string | false;
  flash?: { kind: 'ok' | 'error'; text: string } | null;
  /** Reload the page every n seconds (a run in progress). */
  refreshSeconds?: number;
}

export function layout(o: LayoutOptions): SafeHtml {
  const current = o.nav === false ? null : (o.nav ?? '/');
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
${o.refreshSeconds ? html`<meta http-equiv="refresh" content="${o.refreshSeconds}">` : ''}
<title>${o.title} · newspipe</title>
<link rel="stylesheet" href="/static/newspipe.css">
<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">
</head>
<body>
<header class="top">
  <a class="brand" href="/">newspipe</a>
  ${current === null
    ? ''
    : html`<nav>${NAV.map((n) => html`<a href="${n.href}"${n.href === current ? html` class="active" aria-current="page"` : ''}>${n.label}</a>`)}</nav>`}
</header>
<main>
${o.flash ? html`<p class="flash ${o.flash.kind}" role="status">${o.flash.text}</p>` : ''}
${o.body}
</main>
</body>
</html>`;
}

export function pager(o: { total: number; limit: number; offset: number; href: (offset: number) => string }): SafeHtml {
  const { total, limit, offset } = o;
  if (total <= limit && offset === 0) return html``;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  return html`<nav class="pager" aria-label="pages">
    ${offset > 0 ? html`<a href="${o.href(Math.max(0, offset - limit))}" rel="prev">← newer</a>` : html`<span class="muted">← newer</span>`}
    <span>${from}–${to} of ${total}</span>
    ${to < total ? html`<a href="${o.href(offset + limit)}" rel="next">older →</a>` : html`<span class="muted">older →</span>`}
  </nav>`;
}

export const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#14213d"/><path d="M8 23V9h3l7 9V9h3v14h-3l-7-9v9z" fill="#fff"/></svg>`;

export const STYLESHEET = `
:root { --fg:#1d232b; --muted:#6b7684; --bg:#f6f7f9; --card:#fff; --line:#e2e5ea; --accent:#1f5fbf; --bad:#b3261e; --ok:#1e7d3a; --warn:#9a6700; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color:var(--fg); background:var(--bg); }
a { color:var(--accent); text-decoration:none; } a:hover { text-decoration:underline; }
header.top { display:flex; align-items:center; gap:24px; padding:0 24px; background:#14213d; color:#fff; height:48px; }
header.top .brand { color:#fff; font-weight:700; font-size:16px; letter-spacing:.02em; }
header.top nav { display:flex; gap:4px; flex-wrap:wrap; }
header.top nav a { color:#cfd8e6; padding:6px 10px; border-radius:6px; }
header.top nav a.active, header.top nav a:hover { background:#24365f; color:#fff; text-decoration:none; }
main { max-width:1200px; margin:0 auto; padding:20px 24px 48px; }
h1 { font-size:22px; margin:4px 0 16px; } h2 { font-size:17px; margin:28px 0 10px; } h3 { font-size:15px; margin:18px 0 8px; }
.muted { color:var(--muted); }
.cards { display:grid; grid-template-columns:repeat(auto-fill, minmax(180px, 1fr)); gap:12px; margin-bottom:8px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:12px 14px; }
.card .n { font-size:24px; font-weight:650; } .card .l { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
table { width:100%; border-collapse:collapse; background:var(--card); border:1px solid var(--line); border-radius:8px; overflow:hidden; }
th, td { text-align:left; padding:7px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:#eef1f5; font-weight:600; font-size:12px; text-transform:uppercase; letter-spacing:.03em; color:#3b4654; }
tr:last-child td { border-bottom:none; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
td.wrap { word-break:break-word; } td.nowrap { white-space:nowrap; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size:12.5px; }
.badge { display:inline-block; padding:1px 7px; border-radius:10px; font-size:12px; background:#e8ecf2; color:#3b4654; }
.badge.bad { background:#fbe9e7; color:var(--bad); } .badge.ok { background:#e6f4ea; color:var(--ok); } .badge.warn { background:#fff4d6; color:var(--warn); }
.flash { padding:10px 14px; border-radius:8px; border:1px solid var(--line); background:var(--card); }
.flash.ok { border-color:#b7dfc2; background:#eef8f1; } .flash.error { border-color:#f1c0bb; background:#fdf0ee; }
form.search, form.enqueue, form.login { display:flex; flex-wrap:wrap; gap:10px; align-items:flex-end; background:var(--card); border:1px solid var(--line); border-radius:8px; padding:12px 14px; margin-bottom:14px; }
form label { display:flex; flex-direction:column; gap:3px; font-size:12px; color:var(--muted); }
input, select, textarea, button { font:inherit; }
input, select, textarea { padding:6px 8px; border:1px solid #c9ced6; border-radius:6px; background:#fff; color:var(--fg); }
textarea { min-width:420px; min-height:64px; }
input.narrow { width:5em; }
button { padding:7px 14px; border:0; border-radius:6px; background:var(--accent); color:#fff; cursor:pointer; }
button.secondary { background:#e8ecf2; color:var(--fg); }
form.inline { display:inline; margin:0; } form.inline button { padding:3px 9px; font-size:12px; }
.pager { display:flex; gap:16px; justify-content:center; margin:14px 0; }
article.body { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:6px 22px; max-width:820px; font-size:15px; line-height:1.6; }
article.body p { margin:12px 0; }
.lead { font-size:16px; color:#3b4654; max-width:820px; }
dl.fields { display:grid; grid-template-columns:max-content 1fr; gap:4px 18px; background:var(--card); border:1px solid var(--line); border-radius:8px; padding:12px 16px; }
dl.fields dt { color:var(--muted); } dl.fields dd { margin:0; word-break:break-word; }
details { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:8px 14px; margin:8px 0; }
details summary { cursor:pointer; font-weight:600; }
ul.links li { margin:4px 0; }
.error-text { color:var(--bad); white-space:pre-wrap; word-break:break-word; }
`;
