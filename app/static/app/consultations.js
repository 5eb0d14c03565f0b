// Consultations on a posted milestone (issue 19): their comments as the API shows them to
// this reader ("a participant" unless the API names someone), and a comment form for an open
// consultation, anchored to a paragraph of the report or to the whole text.

import { announce, h, keepFocus } from "./dom.js";

export async function loadConsultations(ctx) {
  let consultations = [];
  try {
    consultations = await ctx.api.all(`/v1/reports/${ctx.reportId}/consultations`);
  } catch {
    consultations = [];  // a reader who may not see them
  }
  for (const consultation of consultations) {
    try {
      consultation.comments = await ctx.api.all(`/v1/consultations/${consultation.id}/comments`);
    } catch {
      consultation.comments = [];
    }
  }
  ctx.consultations = consultations;
}

export function renderConsultations(ctx) {
  const box = document.getElementById("consultations");
  const body = document.getElementById("consultation-list");
  box.hidden = !ctx.consultations.length;
  keepFocus(body, () => body.replaceChildren(...ctx.consultations.map((c) => renderOne(ctx, c))));
}

function renderOne(ctx, consultation) {
  const state = { scheduled: "not open yet", open: "open for comments", closed: "closed" }[consultation.state];
  const out = h("article", { className: "consultation", "aria-labelledby": `consultation-${consultation.id}` },
    h("h3", { id: `consultation-${consultation.id}` }, consultation.title),
    h("p", { className: "muted" }, `${state}; closes ${new Date(consultation.closes_at).toLocaleString()}`),
  );
  const comments = consultation.comments.filter((c) => !c.parent_id);
  out.append(comments.length
    ? h("ol", { className: "comments" }, comments.map((c) => h("li", { className: "comment" },
      h("p", {}, h("strong", {}, `${c.participant_name || c.commenter}`),
        c.anchor.paragraph ? ` on paragraph ${c.anchor.paragraph}` : " on the whole text", ": ", c.body),
      c.suggestion ? h("p", {}, "Suggested wording: ", h("q", {}, c.suggestion)) : null,
      c.disposition ? h("p", { className: "muted" }, `Disposition: ${c.disposition.replace(/_/g, " ")}. ${c.response || ""}`) : null)))
    : h("p", {}, "No comment yet."));
  // Who may comment (members, observers, invited stakeholders) is the consultation's rule:
  // the server says so in a sentence if this reader may not.
  if (consultation.state === "open") out.append(commentForm(ctx, consultation));
  return out;
}

function commentForm(ctx, consultation) {
  ctx.commentDrafts = ctx.commentDrafts || new Map();
  const draft = ctx.commentDrafts.get(consultation.id) || { paragraph: "", body: "" };
  const id = `comment-${consultation.id}`;
  const paragraph = h("input", { id: `${id}-paragraph`, type: "number", min: 1, max: ctx.report.paragraph_total, dataset: { key: `${id}-paragraph` } });
  paragraph.value = draft.paragraph;
  const body = h("textarea", { id: `${id}-body`, rows: 3, dataset: { key: `${id}-body` } });
  body.value = draft.body;
  const keep = () => ctx.commentDrafts.set(consultation.id, { paragraph: paragraph.value, body: body.value });
  paragraph.addEventListener("input", keep);
  body.addEventListener("input", keep);
  return h("form", { className: "comment-form", onsubmit: (event) => {
    event.preventDefault();
    ctx.run("Sending the comment", async () => {
      const payload = { body: body.value };
      const number = Number(paragraph.value);
      if (number) {
        const entry = ctx.report.outline.find((s) => number >= s.first_paragraph && number < s.first_paragraph + s.paragraph_count);
        payload.anchor = { section_id: entry ? entry.id : null, paragraph: number };
      }
      await ctx.api.post(`/v1/consultations/${consultation.id}/comments`, payload);
      ctx.commentDrafts.delete(consultation.id);
      announce("Your comment was sent.");
      await ctx.refresh();
    });
  } },
  h("label", { for: paragraph.id }, "Paragraph (leave empty for the whole text)"), paragraph,
  h("label", { for: body.id }, "Your comment"), body,
  h("div", { className: "actions" }, h("button", { type: "submit", dataset: { key: `${id}-send` } }, "Send the comment")));
}
