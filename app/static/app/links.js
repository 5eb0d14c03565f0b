// What the group's pages share: the address's hash read as a path and a query
// ("#/threads/7", "#/threads?amendment=3"), links back into the room (a paragraph, an
// amendment, a section, in whichever report holds it), and the choice of report a page
// reads (the room's report, which the page may change).

import { h } from "./dom.js";

// "#/threads/7?x=1" -> { path: ["threads", "7"], query: URLSearchParams("x=1") }
export function hashRoute() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path, query] = raw.split("?");
  return { path: path.split("/").filter(Boolean), query: new URLSearchParams(query || "") };
}

// A link to a place in the room: `target` is an element id there ("paragraph-12",
// "amendment-5", "section-3"), shown and focused by pages.js once the room is back. A place
// in another report opens that report first.
export function roomLink(ctx, label, { reportId, target, className } = {}) {
  const href = target ? `#${target}` : "#/room";
  return h("a", { href, className, onclick: (event) => {
    if (!reportId || reportId === ctx.reportId) return;  // the browser follows the hash
    event.preventDefault();
    ctx.run("Opening the report", async () => {
      await ctx.openReport(reportId);
      location.hash = href;
    });
  } }, label);
}

// A page's own address: "#/threads/7". Plain links, so the browser's back button works.
export function pageLink(label, path, attrs = {}) {
  return h("a", { href: `#/${path}`, ...attrs }, label);
}

// The report a page reads: the room's; choosing another opens it in the room too.
export function reportChooser(ctx, id, onChosen) {
  const select = h("select", { id },
    ctx.reports.map((r) => h("option", { value: r.id, selected: r.id === ctx.reportId }, r.symbol ? `${r.title} (${r.symbol})` : r.title)));
  select.addEventListener("change", () => ctx.run("Opening the report", async () => {
    await ctx.openReport(Number(select.value));
    await onChosen();
  }));
  return h("p", { className: "row" }, h("label", { for: id }, "Report"), select);
}

// A paragraph's words in a message, with each mention the API found ("¶12", "para 12",
// "paragraph 12": app/text/mentions.py) turned into a link to that paragraph in the room.
const MENTION = /(?:¶\s*|\b(?:paragraphs?|paras?)\.?\s+)(\d{1,7})\b/gi;

export function withMentions(ctx, text, mentions, reportId) {
  const known = new Set((mentions || []).map((m) => m.paragraph));
  const out = [];
  let at = 0;
  for (const match of text.matchAll(MENTION)) {
    const number = Number(match[1]);
    if (!known.has(number)) continue;
    out.push(text.slice(at, match.index));
    out.push(roomLink(ctx, match[0], { reportId, target: `paragraph-${number}`, className: "mention" }));
    at = match.index + match[0].length;
  }
  out.push(text.slice(at));
  return out;
}

// A time for the reader, in the reader's time zone (the API's times are UTC).
export function localTime(text, options = { dateStyle: "medium", timeStyle: "short" }) {
  if (!text) return "";
  const utc = /(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`;
  const moment = new Date(utc);
  if (Number.isNaN(moment.getTime())) return String(text);
  return h("time", { datetime: moment.toISOString() }, moment.toLocaleString(undefined, options));
}

export function readerZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}
