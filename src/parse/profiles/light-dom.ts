// A lean document tree for the label-driven profiles: htmlparser2's tokenizer with a handler of
// our own instead of domhandler's. The profiles walk elements, text and parent links only, so the
// tree keeps just those (no comments, doctype, sibling links or source positions): building it
// allocates about half of what domhandler does, and page parsing is the hot path of a crawl.
//
// The nodes have domhandler's shape for the fields they keep (`type`, `name`, `attribs`,
// `children`, `parent`, `data`), so code typed against domhandler reads them unchanged; text
// split by the tokenizer (around entities) is merged into one node as domhandler does.
import { Parser } from 'htmlparser2';
import type { Document } from 'domhandler';

interface LightText {
  type: 'text';
  data: string;
  parent: LightParent;
}

interface LightElement {
  type: 'tag' | 'script' | 'style';
  name: string;
  attribs: Record<string, string>;
  children: LightNode[];
  parent: LightParent;
}

interface LightRoot {
  type: 'root';
  children: LightNode[];
  parent: null;
}

type LightParent = LightElement | LightRoot;
type LightNode = LightElement | LightText;

/** Parses `html` (entities decoded, tag and attribute names lower-cased) into a lean tree. */
export function parseLightDocument(html: string): Document {
  const root: LightRoot = { type: 'root', children: [], parent: null };
  let current: LightParent = root;
  let lastText: LightText | null = null;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        const el: LightElement = {
          type: name === 'script' ? 'script' : name === 'style' ? 'style' : 'tag',
          name,
          attribs,
          children: [],
          parent: current,
        };
        current.children.push(el);
        current = el;
        lastText = null;
      },
      onclosetag() {
        if (current.parent) current = current.parent;
        lastText = null;
      },
      ontext(data) {
        if (lastText) lastText.data += data;
        else {
          lastText = { type: 'text', data, parent: current };
          current.children.push(lastText);
        }
      },
      // A comment or a processing instruction separates text nodes, as in domhandler.
      oncomment() {
        lastText = null;
      },
      onprocessinginstruction() {
        lastText = null;
      },
      oncdatastart() {
        lastText = null;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  return root as unknown as Document;
}
