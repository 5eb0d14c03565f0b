// Comment rounds (issue 34): the report's consultations with every comment, where it points
// (the paragraph as posted and as numbered today, a link into the room), its commenter as
// the API shows this reader, and its disposition. This page is the one place for them: the
// room only lists the rounds and links here (consultations.js). Whoever the round lets
// comment writes here, on a paragraph or the whole text; the chair and the secretariat publish
// or reject held public comments, set each disposition with a response, turn a suggestion
// into an amendment, and post the report for comment. The public form (no account) is
// comment.html, linked from each round that takes public comments.

import { announce, h, keepFocus } from "./dom.js";
import { deadline } from "./changes.js";
import { hashRoute, localTime, reportChooser, roomLink } from "./links.js";

export const DISPOSITIONS = {
  accepted: "accepted",
  partly_accepted: "partly accepted",
  not_accepted: "not accepted",
  noted: "noted",
  out_of_scope: "out of scope",
};
const AUDIENCES = { members: "the members", observers: "observers", invited: "invited stakeholders", public: "the public, without an account" };
const CATEGORIES = {
  government: "a government", private_sector: "the private sector", civil_society: "civil society",
  technical_academic: "the technical and academic community", intergovernmental: "an intergovernmental organisation", individual: "an individual",
};

const drafts = new Map();  // a response or a comment being written survives the live re-reads
let redraw = async () => {};  // the page drawn again in place (the focus kept), after a write

function secretariat(ctx) {
  return ctx.can.chair() || ctx.can.secretariat();
}

export default {
  id: "comments",
  title: "Comment rounds",
  async render(ctx, container) {
    if (!ctx.reportId) {
      container.replaceChildren(h("p", {}, "No report yet: a comment round posts a report's text for comment."));
      return;
    }
    redraw = () => this.render(ctx, container);
    const wanted = Number(hashRoute().query.get("consultation")) || null;
    let rounds = await ctx.api.all(`/v1/reports/${ctx.reportId}/consultations`);
    if (wanted) rounds = rounds.filter((c) => c.id === wanted);
    for (const round of rounds) {
      round.comments = await ctx.api.all(`/v1/consultations/${round.id}/comments`);
      round.summary = (await ctx.api.get(`/v1/consultations/${round.id}/compilation`)).data;
    }
    const out = [reportChooser(ctx, "comments-report", () => ctx.showPage())];
    if (wanted) out.push(h("p", {}, h("a", { href: "#/comments" }, "Every comment round of this report")));
    out.push(rounds.length
      ? h("div", {}, rounds.map((round) => renderRound(ctx, round)))
      : h("p", {}, "No comment round on this report yet."));
    if (secretariat(ctx) && ctx.report.status === "drafting" && !wanted) out.push(openRoundForm(ctx));
    keepFocus(container, () => container.replaceChildren(...out.filter(Boolean)));
  },
  onEvent(ctx, event, container) {
    if (event.type.startsWith("comment.") || event.type.startsWith("consultation.")) this.render(ctx, container).catch(() => {});
  },
};

const STATES = { scheduled: "not open yet", open: "open for comments", closed: "closed" };

function renderRound(ctx, round) {
  const top = round.comments.filter((c) => c.parent_id === null);
  const disposed = top.filter((c) => c.disposition).length;
  const publicForm = round.audiences.includes("public") || round.audiences.includes("invited");
  return h("section", { className: "round card", id: `round-${round.id}`, "aria-labelledby": `round-${round.id}-title` },
    h("h3", { id: `round-${round.id}-title` }, round.title, h("span", { className: "badge" }, STATES[round.state] || round.state)),
    h("p", {}, round.state === "closed" ? ["Closed on ", localTime(round.closes_at), "."] : [round.state === "scheduled" ? ["Opens on ", localTime(round.opens_at), "; closes on "] : "Closes on ", deadline(round.closes_at), "."],
      ` Comments from ${round.audiences.map((a) => AUDIENCES[a] || a).join(", ")}.`, round.moderated ? " Public comments are held until published." : ""),
    publicForm ? h("p", {}, h("a", { href: publicAddress(ctx, round.id) }, `The public comment page of “${round.title}”`), " (no account needed)") : null,
    h("p", { className: "muted" }, round.summary.sentence, ` ${disposed} of ${top.length} comment(s) have a disposition.`),
    top.length
      ? h("ol", { className: "comments" }, top.map((c) => h("li", {}, renderComment(ctx, round, c))))
      : h("p", {}, "No comment yet."),
    // Who may comment is the round's rule: the server says so in a sentence if this reader may not.
    round.state === "open" && ctx.report.status !== "transmitted" ? commentForm(ctx, round) : null,
  );
}

// The public page, on this server's API (or the one this client talks to).
export function publicAddress(ctx, consultationId) {
  const query = new URLSearchParams({ consultation: consultationId });
  if (ctx.api.base !== location.origin) query.set("api", ctx.api.base);
  return `comment.html?${query}`;
}

function where(ctx, round, c) {
  const a = c.anchor;
  if (a.scope === "general" || !a.section_id) return "the whole text";
  const today = c.current && !c.current.outdated ? c.current.paragraph : null;
  if (a.paragraph) {
    const parts = [`paragraph ${a.paragraph} as posted`];
    if (c.current && c.current.outdated) parts.push(" (since rewritten)");
    else if (today) parts.push(" (", roomLink(ctx, `paragraph ${today} today`, { reportId: round.report_id, target: `paragraph-${today}` }), ")");
    return parts;
  }
  return roomLink(ctx, "a section", { reportId: round.report_id, target: `section-${a.section_id}` });
}

function commenter(c) {
  const name = c.author_name || c.participant_name || c.commenter;
  const from = c.organisation ? `${name} (${c.organisation})` : name;
  return c.category && c.origin === "public" ? `${from}, ${CATEGORIES[c.category] || c.category}` : from;
}

function renderComment(ctx, round, c) {
  const out = h("article", { className: `comment${c.disposition ? " disposed" : ""}`, id: `comment-${c.id}`, "aria-label": `Comment ${c.id} by ${commenter(c)}` },
    h("p", {}, h("strong", {}, commenter(c)), " on ", where(ctx, round, c), ", ", localTime(c.created_at),
      c.visibility !== "published" ? h("span", { className: "badge" }, c.visibility === "pending" ? "held for moderation" : c.visibility) : null),
    c.anchor.quote ? h("blockquote", {}, c.anchor.quote) : null,
    h("p", { className: "body" }, c.body),
    c.suggestion ? h("p", {}, "Suggested wording: ", h("q", {}, c.suggestion)) : null,
    h("p", { className: "disposition" }, c.disposition
      ? [h("strong", {}, `Disposition: ${DISPOSITIONS[c.disposition] || c.disposition}.`), c.response ? ` ${c.response}` : ""]
      : "No disposition yet."),
    c.outcome ? h("p", {}, "Became ", roomLink(ctx, `amendment ${c.outcome.amendment_id}`, { reportId: round.report_id, target: `amendment-${c.outcome.amendment_id}` }), ` (${c.outcome.status.replace(/_/g, " ")}).`) : null,
  );
  const replies = round.comments.filter((r) => r.parent_id === c.id);
  if (replies.length) out.append(h("ul", { className: "replies" }, replies.map((r) => h("li", {}, h("strong", {}, commenter(r)), ": ", r.body))));
  if (secretariat(ctx) && ctx.report.status !== "transmitted") {
    if (c.visibility === "pending") out.append(moderation(ctx, c));
    else if (c.visibility === "published") out.append(dispositionForm(ctx, c));
  }
  return out;
}

function moderation(ctx, c) {
  const decide = (decision) => ctx.run(decision === "publish" ? "Publishing the comment" : "Rejecting the comment", async () => {
    await ctx.api.post(`/v1/comments/${c.id}/moderate`, { decision });
    announce(decision === "publish" ? `Comment ${c.id} is published.` : `Comment ${c.id} is rejected.`);
    await ctx.showPage();
  });
  return h("div", { className: "actions" },
    h("button", { type: "button", dataset: { key: `publish-${c.id}` }, "aria-label": `Publish comment ${c.id}`, onclick: () => decide("publish") }, "Publish"),
    h("button", { type: "button", className: "danger", dataset: { key: `reject-${c.id}` }, "aria-label": `Reject comment ${c.id}`, onclick: () => decide("reject") }, "Reject"));
}

function dispositionForm(ctx, c) {
  const key = `disposition-${c.id}`;
  const kept = drafts.get(key) || { disposition: c.disposition || "", response: c.response || "" };
  const choice = h("select", { id: `${key}-choice`, dataset: { key: `${key}-choice` } },
    h("option", { value: "" }, "Choose…"),
    Object.entries(DISPOSITIONS).map(([value, label]) => h("option", { value, selected: value === kept.disposition }, label)));
  const response = h("textarea", { id: `${key}-response`, rows: 2, dataset: { key: `${key}-response` } });
  response.value = kept.response;
  const keep = () => drafts.set(key, { disposition: choice.value, response: response.value });
  choice.addEventListener("change", keep);
  response.addEventListener("input", keep);
  const form = h("form", { className: "decide", onsubmit: (event) => {
    event.preventDefault();
    if (!choice.value) {
      ctx.fail(new Error("Choose a disposition first."), "Setting the disposition");
      choice.focus();
      return;
    }
    ctx.run("Setting the disposition", async () => {
      await ctx.api.post(`/v1/comments/${c.id}/disposition`, { disposition: choice.value, response: response.value.trim() });
      drafts.delete(key);
      announce(`Comment ${c.id}: ${DISPOSITIONS[choice.value]}.`);
      await ctx.showPage();
    });
  } },
  h("label", { for: choice.id }, `Disposition of comment ${c.id}`), choice,
  h("label", { for: response.id }, "Response (printed with the comment)"), response,
  h("div", { className: "actions" },
    h("button", { type: "submit", dataset: { key: `${key}-send` } }, c.disposition ? "Change the disposition" : "Set the disposition"),
    c.suggestion && !c.outcome && c.anchor.section_id && ctx.report.status === "drafting"
      ? h("button", { type: "button", className: "quiet", dataset: { key: `amend-${c.id}` }, onclick: () => ctx.run("Proposing the suggestion", async () => {
        const { data } = await ctx.api.post(`/v1/comments/${c.id}/amendment`, {});
        announce(`Comment ${c.id} became amendment ${data.id}.`);
        await ctx.showPage();
      }) }, "Propose its wording as an amendment")
      : null));
  return h("details", { className: "set-disposition", open: drafts.has(key) },
    h("summary", { dataset: { key: `${key}-open` } }, c.disposition ? `Change the disposition of comment ${c.id}` : `Set the disposition of comment ${c.id}`), form);
}

// A comment on the round's text: on a paragraph (numbered as in the room) or on the whole text.
function commentForm(ctx, round) {
  const key = `round-${round.id}-comment`;
  const kept = drafts.get(key) || { paragraph: "", body: "" };
  const paragraph = h("input", { id: `${key}-paragraph`, type: "number", min: 1, max: ctx.report.paragraph_total, dataset: { key: `${key}-paragraph` } });
  paragraph.value = kept.paragraph;
  const body = h("textarea", { id: `${key}-body`, rows: 3, dataset: { key: `${key}-body` } });
  body.value = kept.body;
  const keep = () => drafts.set(key, { paragraph: paragraph.value, body: body.value });
  paragraph.addEventListener("input", keep);
  body.addEventListener("input", keep);
  return h("form", { className: "comment-form card", "aria-labelledby": `${key}-title`, onsubmit: (event) => {
    event.preventDefault();
    ctx.run("Sending the comment", async () => {
      const payload = { body: body.value };
      const number = Number(paragraph.value);
      if (number) {
        const entry = ctx.report.outline.find((s) => number >= s.first_paragraph && number < s.first_paragraph + s.paragraph_count);
        payload.anchor = { section_id: entry ? entry.id : null, paragraph: number };
      }
      await ctx.api.post(`/v1/consultations/${round.id}/comments`, payload);
      drafts.delete(key);
      announce("Your comment was sent.");
      await redraw();
    });
  } },
  h("h4", { id: `${key}-title` }, `Comment on “${round.title}”`),
  h("label", { for: paragraph.id }, "Paragraph (leave empty for the whole text)"), paragraph,
  h("label", { for: body.id }, "Your comment"), body,
  h("div", { className: "actions" }, h("button", { type: "submit", dataset: { key: `${key}-send` } }, "Send the comment")));
}

// The chair or the secretariat posts the report (a milestone of it) for comment.
function openRoundForm(ctx) {
  const title = h("input", { id: "round-title", type: "text", required: true, maxlength: 300 });
  const closes = h("input", { id: "round-closes", type: "datetime-local", required: true });
  const inTwoWeeks = new Date(Date.now() + 14 * 86_400_000);
  closes.value = new Date(inTwoWeeks.getTime() - inTwoWeeks.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  const boxes = Object.entries(AUDIENCES).map(([value, label]) => {
    const box = h("input", { type: "checkbox", id: `round-audience-${value}`, value, checked: value !== "invited" });
    return h("span", { className: "check" }, box, h("label", { for: box.id }, label));
  });
  const moderated = h("input", { type: "checkbox", id: "round-moderated" });
  return h("details", { className: "card open-round" },
    h("summary", {}, "Post this report for comment…"),
    h("form", { onsubmit: (event) => {
      event.preventDefault();
      const audiences = boxes.map((b) => b.querySelector("input")).filter((b) => b.checked).map((b) => b.value);
      ctx.run("Posting the report for comment", async () => {
        if (!audiences.length) throw new Error("Choose who may comment.");
        await ctx.api.post(`/v1/reports/${ctx.reportId}/consultations`, {
          title: title.value.trim(), closes_at: new Date(closes.value).toISOString(), audiences, moderated: moderated.checked,
        });
        announce("The report is posted for comment.");
        await ctx.showPage();
      });
    } },
    h("label", { for: title.id }, "Title of the round"), title,
    h("label", { for: closes.id }, "Comments close (your time)"), closes,
    h("fieldset", {}, h("legend", {}, "Who may comment"), boxes),
    h("span", { className: "check" }, moderated, h("label", { for: moderated.id }, "Hold public comments until published")),
    h("div", { className: "actions" }, h("button", { type: "submit" }, "Post for comment"))));
}
