// The group's questionnaires (issue 31): members answer (a draft, then submitted, changed
// until the deadline, withdrawn) and read colleagues' replies once the secretariat opens
// them; the chair and the secretariat create questionnaires, issue public links (each code
// shown once), moderate public replies, open members' replies to each other, and read the
// results with their charts, exported as CSV or as the summary. Everything is read through
// the API, which decides what this reader sees (names, or "a member of the group").

import { announce, h, keepFocus, when } from "./dom.js";
import { CATEGORIES, answerText, barTable, questionFields } from "./questionnaire-form.js";
import { questionList, questionsEditor } from "./questionnaire-editor.js";

const state = {
  list: [],
  selected: null,   // the questionnaire shown (as the API gives it)
  replies: [],
  summary: null,
  issued: null,     // the last code issued: shown once, then forgotten
  form: null,       // the answer form's fields (kept across live updates)
  createBox: null,  // the creation form, kept while the page redraws around it
  refreshing: null,
  refusal: null,    // why the questions could not be saved (the API's 409), shown beside the form
};

const staff = (ctx) => ["chair", "secretariat"].includes(ctx.role);
const respondent = (ctx) => ["chair", "member"].includes(ctx.role);
const stateText = (q) => (q.state === "open" ? `open until ${when(q.deadline)}` : `closed on ${when(q.deadline)}`);

async function loadList(ctx) {
  state.list = await ctx.api.all(`/v1/groups/${ctx.groupId}/questionnaires`);
}

async function loadSelected(ctx, id) {
  const { data } = await ctx.api.get(`/v1/questionnaires/${id}`);
  state.selected = data;
  try {
    state.replies = await ctx.api.all(`/v1/questionnaires/${id}/replies`);
  } catch {
    state.replies = [];
  }
  try {
    ({ data: state.summary } = await ctx.api.get(`/v1/questionnaires/${id}/summary`));
  } catch {
    state.summary = null;
  }
}

function ownReply(ctx) {
  return state.replies.find((r) => r.participant_id === ctx.me.id) || null;
}

export async function render(ctx, container) {
  await loadList(ctx);
  if (state.selected) {
    const still = state.list.find((q) => q.id === state.selected.id);
    if (still) await loadSelected(ctx, still.id);
    else state.selected = null;
  }
  state.form = null;
  state.createBox = null;
  state.issued = null;  // a code is shown once: leaving the page forgets it
  draw(ctx, container);
}

function draw(ctx, container) {
  keepFocus(container, () => container.replaceChildren(
    listSection(ctx, container),
    staff(ctx) ? (state.createBox = state.createBox || createSection(ctx, container)) : null,
    h("div", { id: "q-detail" }, state.selected ? detail(ctx, container) : null),
  ));
}

function listSection(ctx, container) {
  const items = state.list.map((q) => {
    const versions = [q.internal_chapeau !== null ? "members" : null, q.public_chapeau !== null ? "public" : null].filter(Boolean).join(" and ");
    const current = state.selected && state.selected.id === q.id;
    return h("li", {},
      h("button", {
        type: "button", className: "quiet", "aria-current": current ? "true" : null,
        dataset: { key: `q-open-${q.id}` },
        onclick: () => ctx.run(`Opening “${q.title}”`, async () => {
          await loadSelected(ctx, q.id);
          state.form = null;
          draw(ctx, container);
          const title = document.getElementById("q-title");
          if (title) title.focus();
        }),
      }, q.title),
      ` (${versions}; ${stateText(q)})`);
  });
  return h("section", { "aria-labelledby": "q-list-title" },
    h("h3", { id: "q-list-title" }, "The group's questionnaires"),
    items.length ? h("ul", { id: "q-list" }, items) : h("p", { className: "muted" }, "No questionnaire yet."));
}

// --- creating (the chair and the secretariat) ------------------------------------------------

function createSection(ctx, container) {
  const list = questionList([null]);
  const title = h("input", { id: "q-create-title", type: "text" });
  const internal = h("textarea", { id: "q-create-internal", rows: 3 });
  const publicChapeau = h("textarea", { id: "q-create-public", rows: 3 });
  const deadline = h("input", { id: "q-create-deadline", type: "datetime-local" });
  const soon = new Date(Date.now() + 14 * 86400_000);
  soon.setSeconds(0, 0);
  deadline.value = new Date(soon.getTime() - soon.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  const report = h("select", { id: "q-create-report" },
    h("option", { value: "" }, "None (the group's alone: no live updates)"),
    (ctx.reports || []).map((r) => h("option", { value: String(r.id), selected: r.id === ctx.reportId }, r.title)));
  const submit = (event) => {
    event.preventDefault();
    ctx.run("Creating the questionnaire", async () => {
      const body = {
        title: title.value.trim(),
        deadline: new Date(deadline.value).toISOString(),
        questions: list.values(),
      };
      if (internal.value.trim()) body.internal_chapeau = internal.value.trim();
      if (publicChapeau.value.trim()) body.public_chapeau = publicChapeau.value.trim();
      if (report.value) body.report_id = Number(report.value);
      const { data } = await ctx.api.post(`/v1/groups/${ctx.groupId}/questionnaires`, body);
      state.createBox = null;  // a fresh form for the next one
      await loadList(ctx);
      await loadSelected(ctx, data.id);
      state.form = null;
      draw(ctx, container);
      announce(`The questionnaire “${data.title}” was created.`);
      const heading = document.getElementById("q-title");
      if (heading) heading.focus();
    });
  };
  return h("details", { id: "q-create", className: "card" },
    h("summary", {}, "Create a questionnaire"),
    h("form", { onsubmit: submit },
      h("label", { for: title.id }, "Title"), title,
      h("label", { for: internal.id }, "Chapeau for the members (leave empty: no internal version)"), internal,
      h("label", { for: publicChapeau.id }, "Chapeau on the public page (leave empty: no public version)"), publicChapeau,
      h("label", { for: deadline.id }, "Deadline (your local time)"), deadline,
      h("label", { for: report.id }, "Tie it to a report (its events, live)"), report,
      list.element,
      h("div", { className: "actions" },
        h("button", { type: "button", className: "quiet", onclick: () => { const e = list.add(null); e.element.querySelector("select").focus(); } }, "Add a question"),
        h("button", { type: "submit" }, "Create the questionnaire"))));
}

// --- one questionnaire ----------------------------------------------------------------------

function detail(ctx, container) {
  const q = state.selected;
  return h("article", { "aria-labelledby": "q-title", className: "questionnaire" },
    h("h3", { id: "q-title", tabindex: "-1" }, q.title),
    h("p", { id: "q-state" }, `${q.state === "open" ? "Open" : "Closed"}: ${stateText(q)}.`,
      q.internal_chapeau !== null ? (q.shared ? " Members read each other's replies." : " Members' replies are not yet open to the other members.") : ""),
    q.internal_chapeau !== null ? h("div", {}, h("h4", {}, "Chapeau for the members"), h("p", { className: "chapeau" }, q.internal_chapeau)) : null,
    q.public_chapeau !== null ? h("div", {}, h("h4", {}, "Chapeau on the public page"), h("p", { className: "chapeau" }, q.public_chapeau)) : null,
    respondent(ctx) && q.internal_chapeau !== null ? answerSection(ctx, container) : null,
    staff(ctx) ? staffSection(ctx, container) : null,
    h("section", { id: "q-replies", "aria-labelledby": "q-replies-title" }, repliesPart(ctx, container)),
    h("section", { id: "q-results", "aria-labelledby": "q-results-title" }, resultsPart(ctx)));
}

function answerSection(ctx, container) {
  const q = state.selected;
  const own = ownReply(ctx);
  const open = q.state === "open";
  if (!state.form || state.form.questionnaireId !== q.id) {
    state.form = { questionnaireId: q.id, ...questionFields(q.questions, own ? own.answers : {}, "mine") };
  }
  const status = own
    ? { draft: `A draft, saved ${when(own.updated_at)}; not yet submitted.`, submitted: `Submitted ${when(own.submitted_at)}.`, withdrawn: `Withdrawn ${when(own.withdrawn_at)}.` }[own.status]
    : "You have not replied yet.";
  const save = (submit) => ctx.run(submit ? "Submitting your reply" : "Saving your draft", async () => {
    const answers = state.form.collect();
    if (own) await ctx.api.call("PUT", `/v1/replies/${own.id}`, { body: { answers, submit } });
    else await ctx.api.post(`/v1/questionnaires/${q.id}/replies`, { answers, submit });
    await loadSelected(ctx, q.id);
    state.form = null;
    draw(ctx, container);
    announce(submit ? "Your reply was submitted. You may change it until the deadline." : "Your draft was saved.");
  });
  const withdraw = () => ctx.run("Withdrawing your reply", async () => {
    await ctx.api.post(`/v1/replies/${own.id}/withdraw`);
    await loadSelected(ctx, q.id);
    state.form = null;
    draw(ctx, container);
    announce("Your reply was withdrawn. You may submit it again until the deadline.");
  });
  const submitted = own && own.status === "submitted";
  return h("section", { id: "q-answer", "aria-labelledby": "q-answer-title" },
    h("h4", { id: "q-answer-title" }, "Your reply"),
    h("p", { id: "q-own-status" }, status),
    open ? null : h("p", {}, "The deadline has passed: replies can no longer change."),
    h("form", { id: "q-answer-form", onsubmit: (event) => { event.preventDefault(); save(true); } },
      h("fieldset", { disabled: !open, className: "answers" }, h("legend", { className: "visually-hidden" }, `Your answers to ${q.title}`), state.form.fields),
      open ? h("div", { className: "actions" },
        submitted ? null : h("button", { type: "button", className: "quiet", dataset: { key: "q-save-draft" }, onclick: () => save(false) }, "Save as a draft"),
        h("button", { type: "submit", dataset: { key: "q-submit" } }, submitted ? "Submit the changes" : "Submit my reply"),
        submitted ? h("button", { type: "button", className: "danger", dataset: { key: "q-withdraw" }, onclick: withdraw }, "Withdraw my reply") : null) : null));
}

function staffSection(ctx, container) {
  const q = state.selected;
  const redraw = async (message) => {
    await loadSelected(ctx, q.id);
    draw(ctx, container);
    announce(message);
  };
  const parts = [h("h4", { id: "q-staff-title" }, "For the secretariat")];
  if (q.state === "open") {
    const submitted = state.replies.filter((r) => r.status === "submitted").length;
    parts.push(questionsEditor(ctx, q, {
      submitted,
      refusal: state.refusal && state.refusal.id === q.id ? state.refusal.text : null,
      done: async (saved, refusal) => {
        state.refusal = refusal ? { id: q.id, text: refusal } : null;
        await loadSelected(ctx, q.id);
        state.form = null;
        draw(ctx, container);
        const back = document.getElementById(refusal ? "q-edit-refused" : "q-title");
        if (back) {
          back.tabIndex = -1;
          back.focus();
        }
      },
    }));
  }
  if (q.internal_chapeau !== null) {
    parts.push(h("div", { className: "actions" }, h("button", {
      type: "button", dataset: { key: "q-share" },
      onclick: () => ctx.run(q.shared ? "Closing members' replies" : "Opening members' replies", async () => {
        await ctx.api.post(`/v1/questionnaires/${q.id}/share`, { shared: !q.shared });
        await redraw(q.shared ? "Members' replies are no longer open to the members." : "Members now read each other's replies.");
      }),
    }, q.shared ? "Close members' replies to the members" : "Open members' replies to the members")));
  }
  if (q.public_chapeau !== null && q.state === "open") {
    const organisation = h("input", { id: "q-link-organisation", type: "text" });
    const category = h("select", { id: "q-link-category" }, h("option", { value: "" }, "The respondent says"), CATEGORIES.map(([v, l]) => h("option", { value: v }, l)));
    const cap = h("input", { id: "q-open-cap", type: "number", min: 1, max: 10000, value: "1000" });
    const show = (what, data) => {
      state.issued = { what, code: data.code, page: new URL(data.page || `/app/answer.html#code=${data.code}`, ctx.api.base).href };
      draw(ctx, container);
      const box = document.getElementById("q-issued");
      if (box) box.focus();
      announce(`${what} was issued; its code is shown once.`);
    };
    parts.push(
      h("form", { className: "card", onsubmit: (event) => {
        event.preventDefault();
        ctx.run("Issuing a public link", async () => {
          const body = { organisation: organisation.value.trim() };
          if (category.value) body.category = category.value;
          const { data } = await ctx.api.post(`/v1/questionnaires/${q.id}/links`, body);
          show("A link for one respondent", data);
        });
      } },
      h("h5", {}, "A link for one respondent (an invited stakeholder)"),
      h("label", { for: organisation.id }, "Organisation"), organisation,
      h("label", { for: category.id }, "Category"), category,
      h("button", { type: "submit" }, "Issue a link for one respondent")),
      h("form", { className: "card", onsubmit: (event) => {
        event.preventDefault();
        ctx.run("Issuing an open link", async () => {
          const { data } = await ctx.api.post(`/v1/questionnaires/${q.id}/open-links`, { max_replies: Number(cap.value) });
          show("An open link", data);
        });
      } },
      h("h5", {}, "An open link (the website's questionnaire: anyone may answer, each reply held for moderation)"),
      h("label", { for: cap.id }, "At most this many replies"), cap,
      h("button", { type: "submit" }, "Issue an open link")));
  }
  if (state.issued) {
    parts.push(h("div", { id: "q-issued", className: "notice", tabindex: "-1", role: "group", "aria-label": "The link just issued" },
      h("p", {}, `${state.issued.what}: copy it now, it is shown only once.`),
      h("p", {}, "Answering page: ", h("a", { id: "q-issued-page", href: state.issued.page, target: "_blank", rel: "noopener" }, state.issued.page)),
      h("p", {}, "Code: ", h("code", { id: "q-issued-code" }, state.issued.code)),
      h("button", { type: "button", className: "quiet", onclick: () => { state.issued = null; draw(ctx, container); } }, "I have kept it: hide the code")));
  }
  const csv = h("button", { type: "button", onclick: () => exportCsv(ctx) }, "Export the replies as CSV");
  const summaryFormat = h("select", { id: "q-summary-format" }, ["markdown", "html", "docx", "pdf"].map((f) => h("option", { value: f }, f)));
  parts.push(h("div", { className: "actions row" }, csv,
    h("label", { for: summaryFormat.id }, "Summary format"), summaryFormat,
    h("button", { type: "button", onclick: () => exportSummary(ctx, summaryFormat.value) }, "Export the summary")));
  return h("section", { id: "q-staff", "aria-labelledby": "q-staff-title" }, parts);
}

function repliesPart(ctx, container) {
  const q = state.selected;
  const byId = new Map(q.questions.map((question) => [String(question.id), question]));
  const items = state.replies.map((r) => {
    const words = (value) => (value ? value.replace(/_/g, " ") : null);
    const about = r.audience === "public" ? [r.organisation, words(r.category)] : [words(r.stakeholder), r.region];
    const who = [r.respondent, ...about].filter(Boolean).join(", ");
    const status = [r.status, r.audience === "public" && r.moderation ? `moderation: ${r.moderation}` : null].filter(Boolean).join("; ");
    const moderate = staff(ctx) && r.audience === "public" && r.status === "submitted" && r.moderation === "pending"
      ? h("div", { className: "actions" },
        h("button", { type: "button", dataset: { key: `q-publish-${r.id}` }, onclick: () => moderateReply(ctx, container, r, "publish") }, `Publish the reply of ${r.respondent}`),
        h("button", { type: "button", className: "danger", dataset: { key: `q-reject-${r.id}` }, onclick: () => moderateReply(ctx, container, r, "reject") }, `Reject the reply of ${r.respondent}`))
      : null;
    return h("li", { className: "reply card", dataset: { reply: String(r.id) } },
      h("p", {}, h("strong", {}, who), ` (${r.audience === "public" ? "public" : "member"}; ${status}${r.submitted_at ? `; submitted ${when(r.submitted_at)}` : ""})`),
      h("dl", {}, q.questions.flatMap((question) => [h("dt", {}, `${question.number}. ${question.prompt}`), h("dd", {}, answerText(question, r.answers[String(question.id)]))])),
      Object.keys(r.answers).some((k) => !byId.has(k)) ? h("p", { className: "muted" }, "Some answers are to questions since removed.") : null,
      moderate);
  });
  return [
    h("h4", { id: "q-replies-title" }, staff(ctx) ? "Replies" : "Replies you may read"),
    items.length ? h("ul", { className: "cards", id: "q-reply-list" }, items) : h("p", { className: "muted" }, "No reply to show."),
  ];
}

function moderateReply(ctx, container, reply, decision) {
  return ctx.run(decision === "publish" ? "Publishing the reply" : "Rejecting the reply", async () => {
    await ctx.api.post(`/v1/replies/${reply.id}/moderate`, { decision });
    await loadSelected(ctx, state.selected.id);
    draw(ctx, container);
    announce(decision === "publish" ? "The reply was published." : "The reply was rejected.");
  });
}

function resultsPart(ctx) {
  const summary = state.summary;
  const parts = [h("h4", { id: "q-results-title" }, "Results")];
  if (!summary) {
    parts.push(h("p", { className: "muted" }, "The results are not available to you yet."));
    return parts;
  }
  parts.push(h("p", { id: "q-counts" }, `${summary.internal_replies} member replies and ${summary.public_replies} published public replies are counted.`));
  if (summary.narrative) parts.push(h("p", { className: "narrative" }, summary.narrative));
  if (summary.response_rate) {
    const rate = summary.response_rate;
    parts.push(h("p", {}, `${rate.answered} of ${rate.members} members answered (${Math.round(rate.rate * 100)}%).`));
    parts.push(barTable("Members who answered, by stakeholder group", rate.by_stakeholder.map((row) => ({ option: `${row.group.replace(/_/g, " ")} (of ${row.members})`, count: row.answered })), { label: "Stakeholder group", value: "Answered" }));
  }
  for (const question of summary.questions) {
    const box = h("div", { className: "result", dataset: { question: String(question.number) } },
      h("h5", {}, `${question.number}. ${question.prompt}`),
      h("p", { className: "muted" }, `${question.answered} answered${question.mean !== null ? `; mean ${question.mean}` : ""}.`));
    if (question.kind === "ranking") {
      box.append(barTable(`First choices, question ${question.number}`, question.ranking.map((r) => ({ option: r.option, count: r.first_choices })), { value: "Ranked first" }));
      box.append(h("ul", {}, question.ranking.map((r) => h("li", {}, `${r.option}: mean position ${r.mean_position === null ? "none" : r.mean_position}`))));
    } else if (question.kind === "text") {
      box.append(...question.texts.map((group) => h("div", {},
        h("h6", {}, group.category.replace(/_/g, " ")),
        h("ul", {}, group.answers.map((a) => h("li", {}, h("q", {}, a.text), ` (${[a.respondent, a.organisation].filter(Boolean).join(", ")})`))))));
    } else {
      box.append(barTable(`Replies by option, question ${question.number}`, question.options.map((o) => ({ option: o.option, count: o.count }))));
    }
    parts.push(box);
  }
  return parts;
}

function csvCell(value) {
  const text = value === undefined || value === null ? "" : Array.isArray(value) ? value.join("; ") : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function download(blob, name) {
  const link = h("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(link);
  link.click();
  link.remove();
}

// The same columns as `plenary questionnaire results --format csv`.
function exportCsv(ctx) {
  return ctx.run("Exporting the replies", async () => {
    const q = state.selected;
    const replies = await ctx.api.all(`/v1/questionnaires/${q.id}/replies`);
    const head = ["reply", "audience", "respondent", "organisation", "category", "status", "submitted_at", ...q.questions.map((x) => `Q${x.number}. ${x.prompt}`)];
    const rows = replies.map((r) => [r.id, r.audience, r.respondent, r.organisation, r.category || "", r.status, r.submitted_at || "", ...q.questions.map((x) => r.answers[String(x.id)])]);
    const text = [head, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
    download(new Blob([text], { type: "text/csv" }), `questionnaire-${q.id}-replies.csv`);
    announce("The replies were exported as CSV.");
  });
}

function exportSummary(ctx, format) {
  return ctx.run("Exporting the summary", async () => {
    const q = state.selected;
    const response = await ctx.api.call("GET", `/v1/questionnaires/${q.id}/summary/export?format=${format}`, { raw: true });
    const extension = { markdown: "md", html: "html", docx: "docx", pdf: "pdf" }[format];
    download(await response.blob(), `questionnaire-${q.id}-summary.${extension}`);
    announce(`The summary was exported (${format}).`);
  });
}

// Live: a reply or a moderation on the questionnaire shown re-reads its replies and results
// (never the answer form, which may hold what the member is typing).
function onEvent(ctx, event, container) {
  const payload = event.payload || {};
  if (!/^(reply|questionnaire)\./.test(event.type)) return;
  if (!state.selected || payload.questionnaire_id !== state.selected.id) {
    if (event.type === "questionnaire.created") ctx.run("Updating the questionnaires", async () => { await loadList(ctx); draw(ctx, container); });
    return;
  }
  if (state.refreshing) {
    state.again = true;
    return;
  }
  state.refreshing = (async () => {
    try {
      do {
        state.again = false;
        await loadSelected(ctx, state.selected.id);
      } while (state.again);
      const replies = document.getElementById("q-replies");
      const results = document.getElementById("q-results");
      if (replies && results) {
        keepFocus(replies, () => replies.replaceChildren(...repliesPart(ctx, container)));
        results.replaceChildren(...resultsPart(ctx));
        const shared = document.getElementById("q-state");
        if (shared) shared.textContent = `${state.selected.state === "open" ? "Open" : "Closed"}: ${stateText(state.selected)}.${state.selected.internal_chapeau !== null ? (state.selected.shared ? " Members read each other's replies." : " Members' replies are not yet open to the other members.") : ""}`;
      }
      document.body.dataset.questionnaireUpdated = String(event.id || Date.now());
    } catch {
      // the next event, or opening the page again, reads it afresh
    } finally {
      state.refreshing = null;
    }
  })();
}

export default { id: "questionnaires", title: "Questionnaires", render, onEvent };
