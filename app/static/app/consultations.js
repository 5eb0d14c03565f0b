// The room's notice of comment rounds (issue 19, 34): each round on this report, its state and
// closing time, with a link to the Comment rounds page (comments.js), the one place where its
// comments are read, written and disposed of. The room reads the rounds only, not their
// comments, so a live refresh of the room stays one short read.

import { h, keepFocus } from "./dom.js";
import { localTime, pageLink } from "./links.js";

export async function loadConsultations(ctx) {
  try {
    ctx.consultations = await ctx.api.all(`/v1/reports/${ctx.reportId}/consultations`);
  } catch {
    ctx.consultations = [];  // a reader who may not see them
  }
}

// What makes the list read again: a consultation's or a comment's event, or a round due to
// open or close by the clock (a closing is recorded as an event, an opening is not).
export function consultationsChangedBy(event) {
  return event.type.startsWith("consultation.") || event.type.startsWith("comment.");
}

export function consultationsDue(ctx) {
  const now = Date.now();
  return (ctx.consultations || []).some((c) =>
    (c.state === "scheduled" && instant(c.opens_at) <= now) || (c.state === "open" && instant(c.closes_at) <= now));
}

// Every time in plenary is UTC, with or without its suffix.
function instant(text) {
  return new Date(/(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`).getTime();
}

const STATES = { scheduled: "not open yet", open: "open for comments", closed: "closed" };

export function renderConsultations(ctx) {
  const box = document.getElementById("consultations");
  const body = document.getElementById("consultation-list");
  box.hidden = !ctx.consultations.length;
  keepFocus(body, () => body.replaceChildren(h("ul", {}, ctx.consultations.map((c) => h("li", { className: "consultation" },
    h("strong", {}, c.title), `: ${STATES[c.state] || c.state}; closes `, localTime(c.closes_at), ". ",
    pageLink(c.state === "open" ? `Read and comment on “${c.title}”` : `Read the comments on “${c.title}”`,
      `comments?consultation=${c.id}`, { dataset: { key: `round-link-${c.id}` } }))))));
}
