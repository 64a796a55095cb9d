// JSON-LD blocks -> the article-like node. Real pages wrap their JSON in HTML comments or
// CDATA, leave trailing commas, put raw newlines inside strings, or concatenate several
// objects in one script; each block is repaired a little and parsed on its own, and a
// block that still fails is skipped (one broken script must not hide the others).

export type JsonObject = { [k: string]: unknown };

const ARTICLE_TYPES = new Set([
  'article', 'newsarticle', 'reportagenewsarticle', 'analysisnewsarticle', 'opinionnewsarticle',
  'reviewnewsarticle', 'backgroundnewsarticle', 'askpublicnewsarticle', 'satiricalarticle',
  'blogposting', 'liveblogposting', 'socialmediaposting', 'scholarlyarticle', 'techarticle',
  'report', 'discussionforumposting', 'advertisercontentarticle', 'medicalscholarlyarticle',
]);

/** Remove comment/CDATA wrappers and the commonest syntax slips, then parse. */
export function parseJsonLoose(raw: string): unknown {
  let s = raw.trim();
  if (!s) return undefined;
  s = s.replace(/^\s*(?:<!--|\/\/\s*<!\[CDATA\[|<!\[CDATA\[|\/\*\s*<!\[CDATA\[\s*\*\/)/, '');
  s = s.replace(/(?:-->|\/\/\s*\]\]>|\]\]>|\/\*\s*\]\]>\s*\*\/)\s*$/, '').trim();
  // A statement's semicolon after the object (`{...};`).
  s = s.replace(/;\s*$/, '');
  try {
    return JSON.parse(s);
  } catch {
    // fall through to repairs
  }
  // Line comments (`//"dateCreated": ""`), a body without its outer braces, raw control
  // characters inside strings, trailing commas before } or ].
  let fixed = s.replace(/^[ \t]*\/\/[^\n]*$/gm, '');
  if (fixed.trimStart().startsWith('"')) fixed = '{' + fixed + '}';
  fixed = fixed.replace(/[\u0000-\u001f]+/g, ' ').replace(/,\s*([}\]])/g, '$1');
  try {
    return JSON.parse(fixed);
  } catch {
    // Several top-level objects back to back: `{...}{...}` or `{...},{...}`.
    fixed = '[' + fixed.replace(/}\s*(?:,\s*)?{(?=\s*")/g, '},{') + ']';
    try {
      return JSON.parse(fixed);
    } catch {
      return undefined;
    }
  }
}

function typesOf(node: JsonObject): string[] {
  const t = node['@type'];
  const list = Array.isArray(t) ? t : [t];
  return list.filter((x): x is string => typeof x === 'string').map((x) => x.replace(/^.*[/#:]/, '').toLowerCase());
}

/** Every object node in the JSON-LD trees: top level, arrays, `@graph`, nested values. */
function collectNodes(value: unknown, out: JsonObject[], depth = 0): void {
  if (depth > 12 || out.length > 500) return;
  if (Array.isArray(value)) {
    for (const v of value) collectNodes(v, out, depth + 1);
  } else if (value && typeof value === 'object') {
    const obj = value as JsonObject;
    out.push(obj);
    for (const [k, v] of Object.entries(obj)) {
      if (k === '@context') continue;
      if (v && typeof v === 'object') collectNodes(v, out, depth + 1);
    }
  }
}

export interface JsonLdResult {
  /** The node that describes the article (best article-typed node), if any. */
  article?: JsonObject;
  /** All parsed nodes, for `@id` references (author/publisher given by reference). */
  byId: Map<string, JsonObject>;
  /** Number of script blocks that could not be parsed. */
  invalid: number;
}

export function readJsonLd(scripts: string[]): JsonLdResult {
  const nodes: JsonObject[] = [];
  let invalid = 0;
  for (const raw of scripts) {
    const parsed = parseJsonLoose(raw);
    if (parsed === undefined) {
      if (raw.trim()) invalid++;
      continue;
    }
    collectNodes(parsed, nodes);
  }
  const byId = new Map<string, JsonObject>();
  for (const n of nodes) if (typeof n['@id'] === 'string' && !byId.has(n['@id'])) byId.set(n['@id'], n);

  // Prefer an article-typed node with a headline and a body; among equals the first one,
  // which is the page's own article rather than a listed related item.
  let best: JsonObject | undefined;
  let bestScore = -1;
  for (const n of nodes) {
    const types = typesOf(n);
    if (!types.some((t) => ARTICLE_TYPES.has(t))) continue;
    let score = 1;
    if (typeof n.headline === 'string' || typeof n.name === 'string') score += 2;
    if (n.articleBody) score += 2;
    if (n.datePublished) score += 1;
    if (n.author) score += 1;
    if (score > bestScore) {
      best = n;
      bestScore = score;
    }
  }
  // Some sites type the page as WebPage with the article fields on it.
  if (!best) {
    for (const n of nodes) {
      const types = typesOf(n);
      if ((types.includes('webpage') || types.includes('itempage')) && (n.headline || n.datePublished)) {
        best = n;
        break;
      }
    }
  }
  return { article: best, byId, invalid };
}

/** Follow an `{"@id": ...}` reference to the full node when the page defines it. */
export function deref(v: unknown, byId: Map<string, JsonObject>): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as JsonObject;
    if (typeof o['@id'] === 'string' && Object.keys(o).length <= 2) return byId.get(o['@id']) ?? o;
  }
  return v;
}

/** A string from a value that may be a string, number, array or `{name|value|url}` object. */
export function jsonString(v: unknown, keys: string[] = ['name', 'value', 'url', '@value']): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) {
    for (const x of v) {
      const s = jsonString(x, keys);
      if (s) return s;
    }
    return undefined;
  }
  if (v && typeof v === 'object') {
    for (const k of keys) {
      const s = (v as JsonObject)[k];
      if (typeof s === 'string' || typeof s === 'number') return String(s);
    }
  }
  return undefined;
}

/** All strings of a possibly-array value (authors, keywords, images). */
export function jsonStrings(v: unknown, byId: Map<string, JsonObject>, keys?: string[]): string[] {
  const list = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const x of list.slice(0, 50)) {
    const s = jsonString(deref(x, byId), keys);
    if (s) out.push(s);
  }
  return out;
}
