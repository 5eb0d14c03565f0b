// The public comment page (issue 34): a posted text of a comment round that takes comments
// from the public or from invited stakeholders, read and commented on without an account.
// comment.html?consultation=7 (and ?api=https://... when the API is elsewhere). Every comment
// points to where it is about: a paragraph as posted (with words selected in it as a quote),
// or the whole text; the published comments are listed with their dispositions. Everything
// goes through the public API (POST /v1/consultations/{id}/public-comments), which decides
// who may comment and holds comments for moderation where the round says so.

import { Api } from "./api.js";
import { announce, blocks, clearProblem, h, placeNote, setOrigin, showProblem } from "./dom.js";
import { deadline } from "./changes.js";

const DISPOSITIONS = {
  accepted: "accepted", partly_accepted: "partly accepted", not_accepted: "not accepted",
  noted: "noted", out_of_scope: "out of scope",
};
const CATEGORY_NAMES = {
  government: "A government", private_sector: "The private sector", civil_society: "Civil society",
  technical_academic: "The technical and academic community",
  intergovernmental: "An intergovernmental organisation", individual: "An individual",
};

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const meta = document.querySelector('meta[name="plenary-api"]');
const api = new Api(params.get("api") || (meta && meta.content) || location.origin, null);
const consultationId = Number(params.get("consultation"));
const state = { round: null, text: null, anchor: null, selection: null, draft: {} };

async function run(what, action) {
  clearProblem();
  setOrigin(document.activeElement);
  try {
    return await action();
  } catch (error) {
    showProblem(`${what} did not succeed. ${error.message || error}`);
    return undefined;
  } finally {
    placeNote();
  }
}

async function load() {
  if (!consultationId) throw new Error("This address names no comment round (…/comment.html?consultation=ID).");
  const [{ data: round }, { data: text }] = await Promise.all([
    api.get(`/v1/consultations/${consultationId}`),
    api.get(`/v1/consultations/${consultationId}/text`),
  ]);
  state.round = round;
  state.text = text;
  document.title = `plenary: comment on ${round.title}`;
  $("round-title").textContent = round.title;
  const status = $("round-state");
  if (round.state === "open") status.replaceChildren("Open for comments until ", deadline(round.closes_at), ".");
  else if (round.state === "scheduled") status.replaceChildren("Comments open on ", deadline(round.opens_at), ".");
  else status.replaceChildren("Comments closed on ", deadline(round.closes_at), ". The comments and their dispositions are below.");
  $("round-disclaimer").textContent = text.disclaimer || "";
  $("round-disclaimer").hidden = !text.disclaimer;
  renderText();
  renderForm();
  await loadComments();
  document.body.dataset.ready = "yes";
}

// --- the posted text, numbered as posted --------------------------------------------------------

function renderText() {
  const open = state.round.state === "open";
  const sections = state.text.sections.map((section) => {
    let number = section.first_paragraph;
    const title = [section.label, section.heading].filter(Boolean).join(" ");
    const items = blocks(section.text).map((block) => {
      if (!block.numbered) return h("p", { className: "subhead" }, block.text.replace(/^#+\s*/, ""));
      const n = number;
      number += 1;
      // The paragraph's number is its comment button: one small control per paragraph, and
      // the page no taller than the text (a long paper has hundreds of paragraphs).
      const control = open
        ? h("button", { type: "button", className: "number quiet", title: `Comment on paragraph ${n}`, dataset: { key: `comment-on-${n}` }, onclick: () => chooseParagraph(section.section_id, n) },
          h("span", { className: "visually-hidden" }, "Comment on paragraph "), `${n}.`)
        : h("span", { className: "number", "aria-hidden": "true" }, `${n}.`);
      return h("div", { className: "paragraph", id: `paragraph-${n}`, dataset: { paragraph: n, section: section.section_id } },
        control,
        h("p", { className: "text" }, h("span", { className: "visually-hidden" }, `Paragraph ${n}: `), h("span", { className: "words" }, block.text)));
    });
    return h("section", { className: "section", "aria-label": title || "Untitled section" }, title ? h("h3", {}, title) : null, items);
  });
  $("posted-body").replaceChildren(...sections);
}

// Words selected in a paragraph become the comment's quote (the selection is kept as it is
// made: pressing a button may clear it).
document.addEventListener("selectionchange", () => {
  const selection = window.getSelection();
  const chosen = selection ? String(selection).trim() : "";
  if (!chosen || !selection.anchorNode) return;
  const element = selection.anchorNode.nodeType === Node.ELEMENT_NODE ? selection.anchorNode : selection.anchorNode.parentElement;
  const paragraph = element && element.closest(".paragraph");
  if (!paragraph) return;
  // Only words of the paragraph itself (not its number, said for screen readers): the API
  // refuses a quote the posted text does not hold.
  const quote = chosen.replace(/^Paragraph \d+:\s*/, "").slice(0, 2000);
  const words = paragraph.querySelector(".words").textContent;
  state.selection = words.includes(quote) ? { paragraph: Number(paragraph.dataset.paragraph), quote } : null;
});

function chooseParagraph(sectionId, number) {
  const quote = state.selection && state.selection.paragraph === number ? state.selection.quote : null;
  state.anchor = { section_id: sectionId, paragraph: number, quote };
  renderForm();
  $("comment-body").focus();
}

// --- the form ------------------------------------------------------------------------------------

function field(id, label, control, hint) {
  control.id = id;
  control.value = state.draft[id] || control.value || "";
  control.addEventListener("input", () => { state.draft[id] = control.value; });
  return [h("label", { for: id }, label), hint ? h("p", { className: "muted", id: `${id}-hint` }, hint) : null, control];
}

function renderForm() {
  const box = $("comment-form-box");
  const round = state.round;
  if (round.state !== "open") {
    box.replaceChildren(h("p", {}, round.state === "scheduled" ? "Comments are not open yet." : "Comments are closed: this round no longer takes comments."));
    return;
  }
  const anchor = state.anchor;
  const where = anchor
    ? h("p", { className: "anchor" }, h("strong", {}, `On paragraph ${anchor.paragraph}`), anchor.quote ? [": ", h("q", {}, anchor.quote)] : "", " ",
      h("button", { type: "button", className: "quiet", onclick: () => { state.anchor = null; renderForm(); $("comment-body").focus(); } }, "Comment on the whole text instead"))
    : h("p", { className: "anchor" }, h("strong", {}, "On the whole text"), " (or choose a paragraph in the text)");
  const category = h("select", { required: true },
    h("option", { value: "" }, "Choose…"),
    Object.entries(CATEGORY_NAMES).map(([value, label]) => h("option", { value }, label)));
  const publishName = h("input", { type: "checkbox", id: "comment-publish-name", checked: Boolean(state.draft.publish) });
  publishName.addEventListener("change", () => { state.draft.publish = publishName.checked; });
  const invited = round.audiences.includes("invited");
  const code = h("input", { type: "text", autocomplete: "off" });
  const form = h("form", { className: "card public-comment", novalidate: true, onsubmit: submit },
    where,
    field("comment-name", "Your name", h("input", { type: "text", required: true, maxlength: 200, autocomplete: "name" })),
    field("comment-organisation", "Organisation (optional)", h("input", { type: "text", maxlength: 200, autocomplete: "organization" })),
    field("comment-category", "You comment as", category),
    h("span", { className: "check" }, publishName, h("label", { for: publishName.id }, "Publish my name with my comment (otherwise only the category and organisation are shown)")),
    invited ? field("comment-code", round.audiences.includes("public") ? "Invitation code (if the secretariat gave you one)" : "Invitation code", code) : null,
    field("comment-body", "Your comment", h("textarea", { rows: 5, required: true, maxlength: 5000 })),
    anchor ? field("comment-suggestion", "Suggested wording for this paragraph (optional)", h("textarea", { rows: 3, maxlength: 5000 })) : null,
    // A field people never see or fill (app/consultations/limits.py: a honeypot for scripts).
    h("div", { className: "visually-hidden", "aria-hidden": "true" },
      h("label", { for: "comment-website" }, "Leave this empty"), h("input", { type: "text", id: "comment-website", tabindex: "-1", autocomplete: "off" })),
    h("p", { className: "muted" }, "Plain text only. Your comment is public once published, with its disposition."),
    h("div", { className: "actions" }, h("button", { type: "submit", dataset: { key: "comment-send" } }, "Send the comment")));
  category.value = state.draft["comment-category"] || "";
  box.replaceChildren(form);
}

function submit(event) {
  event.preventDefault();
  const value = (id) => ($(id) ? $(id).value.trim() : "");
  run("Sending the comment", async () => {
    if (!value("comment-name")) throw new Error("Give your name (you choose below whether it is published).");
    if (!value("comment-category")) throw new Error("Choose whom you comment as.");
    if (!value("comment-body")) throw new Error("Write your comment.");
    const body = {
      name: value("comment-name"),
      organisation: value("comment-organisation"),
      category: value("comment-category"),
      publish_name: $("comment-publish-name").checked,
      body: value("comment-body"),
      website: $("comment-website").value,
    };
    if (value("comment-code")) body.invite_code = value("comment-code");
    if (state.anchor) {
      body.anchor = { section_id: state.anchor.section_id, paragraph: state.anchor.paragraph };
      if (state.anchor.quote) body.anchor.quote = state.anchor.quote;
      if (value("comment-suggestion")) body.suggestion = value("comment-suggestion");
    }
    const { data } = await api.post(`/v1/consultations/${consultationId}/public-comments`, body);
    state.draft = {};
    state.anchor = null;
    renderForm();
    announce(data.visibility === "pending"
      ? "Thank you: your comment was received. It is published once the secretariat has read it."
      : "Thank you: your comment is published below.");
    await loadComments();
    $("your-comment-title").focus();
  });
}

// --- what was said, and what was done with it -------------------------------------------------

async function loadComments() {
  const comments = await api.all(`/v1/consultations/${consultationId}/comments`);
  const top = comments.filter((c) => c.parent_id === null);
  const body = $("published-body");
  body.replaceChildren(
    top.length
      ? h("ol", { className: "comments" }, top.map((c) => h("li", {}, renderComment(c, comments))))
      : h("p", {}, "No published comment yet."),
    h("button", { type: "button", className: "quiet", dataset: { key: "reload" }, onclick: () => run("Reading the comments", loadComments) }, "Read the comments again"));
}

function renderComment(c, all) {
  const who = c.organisation ? `${c.commenter} (${c.organisation})` : c.commenter;
  const where = c.anchor.paragraph ? `paragraph ${c.anchor.paragraph}` : "the whole text";
  const replies = all.filter((r) => r.parent_id === c.id);
  return h("article", { className: "comment", id: `comment-${c.id}`, "aria-label": `Comment by ${who} on ${where}` },
    h("p", {}, h("strong", {}, who), ` on ${where}:`),
    c.anchor.quote ? h("blockquote", {}, c.anchor.quote) : null,
    h("p", {}, c.body),
    c.suggestion ? h("p", {}, "Suggested wording: ", h("q", {}, c.suggestion)) : null,
    h("p", { className: "disposition" }, c.disposition
      ? [h("strong", {}, `Disposition: ${DISPOSITIONS[c.disposition] || c.disposition}.`), c.response ? ` ${c.response}` : ""]
      : "No disposition yet."),
    replies.length ? h("ul", { className: "replies" }, replies.map((r) => h("li", {}, `${r.commenter}: ${r.body}`))) : null);
}

run("Opening the comment page", load).finally(() => {
  document.body.dataset.booted = "yes";
  if (document.body.dataset.ready !== "yes") document.body.dataset.ready = "failed";
});
