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
