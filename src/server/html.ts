// HTML building for the dashboard pages: every interpolated value is escaped unless it is
// already `SafeHtml` (built by `html` itself, or by `sanitize`). Scraped text is never inserted
// as markup: article bodies become escaped paragraphs, and the one place raw page markup is
// shown goes through sanitize-html with a small allowlist.
import sanitizeHtml from 'sanitize-html';

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

function render(v: unknown): string {
  if (v == null || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(v);
}

/** Tagged template: `html\`<p>${text}</p>\`` escapes `text`; nested `html` results and arrays of them are kept. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** Plain text (paragraphs separated by blank lines) as escaped `<p>` elements; single newlines become `<br>`. */
export function paragraphs(text: string | null | undefined): SafeHtml {
  if (!text) return new SafeHtml('');
  return new SafeHtml(
    text
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => `<p>${p.split('\n').map(escapeHtml).join('<br>')}</p>`)
      .join('\n'),
  );
}

/** An href for a URL that came from outside: only absolute http(s) URLs, else null (show as text). */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** A link to an outside URL (opens nothing automatically, sends no referrer), or the URL as text when it is not http(s). */
export function externalLink(url: string | null | undefined, text?: string | null): SafeHtml {
  const href = safeHref(url);
  const label = text ?? url ?? '';
  if (!href) return html`<span class="muted">${label || '—'}</span>`;
  return html`<a href="${href}" rel="noopener noreferrer nofollow" target="_blank">${label}</a>`;
}

/**
 * Scraped HTML reduced to harmless structure: no scripts, styles, iframes, forms, images or
 * event attributes; links only http(s), marked nofollow. For previews of archived pages.
 */
export function sanitize(markup: string): SafeHtml {
  return new SafeHtml(
    sanitizeHtml(markup, {
      allowedTags: [
        'p', 'br', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code',
        'b', 'i', 'strong', 'em', 'small', 'sub', 'sup', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'hr',
      ],
      allowedAttributes: { a: ['href', 'rel', 'target'] },
      allowedSchemes: ['http', 'https'],
      allowProtocolRelative: false,
      disallowedTagsMode: 'discard',
      nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'template', 'head', 'title', 'svg', 'math'],
      transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }) },
    }),
  );
}

export function fmtDate(d: Date | string | null | undefined): string {
  if (!d) return '—';
  const date = typeof d === 'string' ? new Date(d) : d;
  if (Number.isNaN(date.getTime())) return String(d);
  return date.toISOString().replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, ' UTC');
}

export function fmtNumber(n: number | null | undefined): string {
  return n == null ? '—' : n.toLocaleString('en-US');
}

/** Query string from defined, non-empty values. */
export function qs(params: Record<string, string | number | boolean | null | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '' && v !== false) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
