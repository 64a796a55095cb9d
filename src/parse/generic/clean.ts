// Lines that are page furniture wherever they appear: share prompts, "Advertisement",
// comment counters, copyright notices, bylines and bare dates. Only short lines are tested,
// so a real paragraph that starts with "Share" is never dropped.

import { monthNumber } from '../time.js';

const FURNITURE =
  /^(?:advertisement|advertising|advertisment|anzeige|publicidad|sponsored(?: content)?|ads?|share(?: this(?: article| story| post| page)?| on \w+| via \w+| article| story|:.*)?|tweet(?: this)?|e-?mail(?: this)?(?: article| story)?|print(?: this)?(?: article| story| page)?|comments?|\d+ comments?|comments? \(\d+\)|leave a (?:comment|reply)|post a comment|add (?:a )?comment|view comments|show comments|related(?: articles| stories| content| posts| news| coverage| links)?:?|read more:?|more from .*|see also:?|click here.*|sign up.*|subscribe.*|follow us.*|loading\.*|previous(?: article| story| post)?|next(?: article| story| post)?|back to top|top of page|skip to .*|recommended(?: for you)?|most (?:popular|read|viewed|shared)|trending(?: now)?|tags?:.*|filed under:?.*|topics?:.*|posted (?:in|by|on|at) .*|like this:?|share this:?|reprints?|permalink|print this page|font size.*|text size.*|listen to this article|continue reading.*|image:.*|photo:.*|picture:.*|video:.*|getty images|ap photo.*|reuters|afp|associated press|file photo|\(?photo credit.*|credit:.*|source:.*|close|enlarge|zoom|toggle.*|menu|search|home|login|log in|register|\d+ of \d+|page \d+ of \d+)$/i;

// Teaser-list headings and credit lines; tested on short lines only.
const SHORT_FURNITURE =
  /^(?:more (?:in|on|about|from|stories|news|articles)\b.*|related (?:posts|stories|articles|links|coverage|topics)\b.*|filed (?:in|under)\b.*|from the archives?|discuss this\b.*|references:?|see more\b.*|(?:\[|\()?(?:featured |top |banner |header |lead )?(?:image|photo|picture|video|illustration)s?(?: credit)?(?::| by| via| courtesy| source)\b.*|.*\b(?:via|from) (?:shutterstock|getty images|istock|flickr|wikimedia commons)\]?\.?|\((?:ap|afp|aap|reuters|pti|ians|dpa|upi)\)|(?:write to|e-?mail|contact) .{1,60}@\S+|get (?:the )?\S+(?: \S+)?, .{0,40}newsletter|follow\b.{0,80}\b(?:on|at) (?:twitter|facebook|instagram)\b.*|this (?:entry|post|article) was posted\b.*)$/i;

const COPYRIGHT = /^(?:©|\(c\)\s*\d{4}|copyright\b|all rights reserved)/i;

const DATE_WORDS = /^(?:on|at|the|updated|published|posted|last|modified|am|pm|a\.m\.|p\.m\.|gmt|utc|bst|cet|cest|edt|est|cdt|cst|pdt|pst|mdt|mst|et|pt|ist|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|de|del|le|am|um|uhr|h)$/i;

/** "April 8, 2017 3:45 PM EDT", "Updated: 08.04.2017 14:05", "Mon 8 Apr 2017" */
export function isDateLine(text: string): boolean {
  if (text.length > 80 || !/\d/.test(text)) return false;
  const tokens = text.match(/[\p{L}.]+|\d+/gu) ?? [];
  if (tokens.length === 0 || tokens.length > 12) return false;
  let dateish = 0;
  for (const t of tokens) {
    if (/^\d+$/.test(t) || DATE_WORDS.test(t) || monthNumber(t) !== undefined) dateish++;
  }
  return dateish / tokens.length >= 0.75;
}

/** "By Jane Doe", "By Jane Doe and John Roe, Reuters", "Jane Doe, Staff Writer" */
export function isBylineLine(text: string): boolean {
  if (text.length > 120) return false;
  return /^(?:by|written by|words by|von|par|por|door)\s+\p{Lu}/iu.test(text) && text.split(/\s+/).length <= 14;
}

export function isBoilerplateLine(text: string): boolean {
  if (text.length <= 80 && FURNITURE.test(text)) return true;
  if (text.length <= 200 && SHORT_FURNITURE.test(text)) return true;
  if (text.length <= 400 && COPYRIGHT.test(text)) return true;
  if (isDateLine(text)) return true;
  if (isBylineLine(text)) return true;
  return false;
}

// Headings that open a boilerplate section: "3 Comments", "Related stories", "You may also
// like", "Most read". The section they head is boilerplate even when its class names are
// hashed (CSS modules) and say nothing.
const SECTION_HEADING =
  /^(?:\d+\s+)?(?:comments?|responses?|replies|reader comments|reader reactions|discussion|join the (?:discussion|conversation)|leave a (?:comment|reply)|post a comment|add a comment|what do you think|related(?: articles| stories| posts| content| coverage| news| links| reading| videos| topics)?|you (?:may|might) (?:also )?(?:like|enjoy|be interested in)|recommended(?: for you| stories| reading| articles| videos)?|more (?:from|on|in|stories|news|to explore|like this|top stories|videos)\b.{0,40}|most (?:popular|read|viewed|shared|emailed|commented)|trending(?: now| stories| topics)?|popular(?: now| stories| posts| articles)?|latest(?: news| stories| posts| headlines| videos)?|top stories|editor'?s picks|don'?t miss|read (?:more|next|this next)|further reading|see also|also read|around the web|from (?:our|the) partners?|sponsored(?: content| stories| links)?|promoted(?: stories| content)?|share this(?: article| story| post)?|tags?|topics?|keywords|newsletters?|sign up.{0,40}|subscribe.{0,40}|about the authors?|follow us.{0,20})\W*$/i;

const COMMENT_HEADING = /^(?:\d+\s+)?(?:comments?|responses?|replies|reader comments|reader reactions|discussion|join the (?:discussion|conversation)|leave a (?:comment|reply)|post a comment|add a comment|what do you think)\W*$/i;

/** -2 for a comment-section heading, -1 for another boilerplate-section heading, else 0. */
export function sectionHeadingHint(text: string): number {
  if (text.length > 60 || !SECTION_HEADING.test(text)) return 0;
  return COMMENT_HEADING.test(text) ? -2 : -1;
}
