// Threads (issue 34): discussion beside an amendment, an objection, a section or a
// paragraph of the report open in the room. "#/threads" lists them (filtered by
// "?amendment=", "?objection=", "?section=&paragraph="), "#/threads/7" opens one: its
// messages (replies one level deep), ¶ mentions as links into the room, a reply, and
// resolving, reopening or publishing where the API lets this reader. Live: a thread event of
// the report re-reads the page, keeping what is being typed.

import { announce, h, keepFocus } from "./dom.js";
import { hashRoute, localTime, pageLink, reportChooser, roomLink, withMentions } from "./links.js";

const drafts = new Map();  // what is typed (a reply, a new thread) survives live re-reads

function typed(key, element) {
  element.value = drafts.get(key) || "";
  element.dataset.key = key;
  element.addEventListener("input", () => drafts.set(key, element.value));
  return element;
}

const SPEAKING = ["chair", "member", "secretariat"];

export default {
  id: "threads",
  title: "Threads",
  async render(ctx, container) {
    if (!ctx.reportId) {
      container.replaceChildren(h("p", {}, "No report yet: threads discuss a report's text and its amendments."));
      return;
    }
    const { path, query } = hashRoute();
    const threadId = Number(path[1]);
    const body = threadId ? await oneThread(ctx, threadId) : await threadList(ctx, query);
    keepFocus(container, () => container.replaceChildren(
      reportChooser(ctx, "threads-report", () => ctx.showPage()), ...body.filter(Boolean)));
  },
  onEvent(ctx, event, container) {
    if (!event.type.startsWith("thread.") && !event.type.startsWith("amendment.")) return;
    // Whatever the event says, the thread is read again through the API: it decides what
    // this reader sees (names, or "a participant").
    this.render(ctx, container).catch(() => {});
  },
};

// --- the list --------------------------------------------------------------------------------

function subjectOf(query) {
  if (query.get("objection")) return { objection_id: Number(query.get("objection")), amendment_id: Number(query.get("amendment")) || null };
  if (query.get("amendment")) return { amendment_id: Number(query.get("amendment")) };
  if (query.get("paragraph")) return { section_id: Number(query.get("section")) || null, paragraph: Number(query.get("paragraph")) };
  if (query.get("section")) return { section_id: Number(query.get("section")) };
  return null;
}

async function threadList(ctx, query) {
  const subject = subjectOf(query);
  const filter = new URLSearchParams();
  if (subject && subject.amendment_id) filter.set("amendment_id", subject.amendment_id);
  if (subject && subject.section_id) filter.set("section_id", subject.section_id);
  const suffix = filter.toString() ? `?${filter}` : "";
  let found = await ctx.api.all(`/v1/reports/${ctx.reportId}/threads${suffix}`);
  if (subject && subject.objection_id) found = found.filter((t) => t.objection_id === subject.objection_id);
  if (subject && subject.paragraph) found = found.filter((t) => (t.current_paragraph ?? t.paragraph) === subject.paragraph);
  const lead = subject && subject.amendment_id && !subject.objection_id
    ? `Threads on amendment ${subject.amendment_id} and on the wordings it revises`
    : subject ? `Threads on ${describeSubject(ctx, subject).replace(/^./, (c) => c.toLowerCase())}` : "";
  const out = [h("p", {}, subject ? [lead, ". ", pageLink("All the threads of this report", "threads")] : "Every thread on this report, oldest first.")];
  out.push(found.length
    ? h("ol", { className: "cards threads" }, found.map((t) => h("li", {}, threadCard(ctx, t))))
    : h("p", {}, subject ? "No thread on this yet." : "No thread yet."));
  if (SPEAKING.includes(ctx.role) && ctx.report.status !== "transmitted") out.push(newThreadForm(ctx, subject));
  return out;
}

function threadCard(ctx, t) {
  const last = t.messages[t.messages.length - 1];
  return h("article", { className: `thread${t.resolved ? " resolved" : ""}`, "aria-labelledby": `thread-${t.id}-title` },
    h("h3", { id: `thread-${t.id}-title` }, pageLink(t.title || describeThread(ctx, t), `threads/${t.id}`),
      h("span", { className: "badge" }, t.resolved ? "resolved" : "open"),
      t.published ? h("span", { className: "badge" }, "published") : null),
    h("p", { className: "muted" }, t.title ? `${describeThread(ctx, t)}; ` : "", `${t.messages.length} message(s)`,
      last ? ["; last by ", who(ctx, last), ", ", localTime(last.created_at)] : null));
}

// --- one thread --------------------------------------------------------------------------------

async function oneThread(ctx, threadId) {
  const { data: t } = await ctx.api.get(`/v1/threads/${threadId}`);
  if (t.report_id !== ctx.reportId) await ctx.openReport(t.report_id);
  const out = [
    h("p", {}, pageLink("All the threads of this report", "threads")),
    h("h3", { id: "thread-title" }, t.title || describeThread(ctx, t)),
    h("p", {}, "About ", subjectLink(ctx, t), ". ",
      t.resolved ? ["Resolved ", localTime(t.resolved_at), "."] : "Open.",
      t.published ? " The chair published it: the public reads it, without names." : ""),
  ];
  const chain = await wordings(ctx, t.amendment_id);
  const revision = chain.length > 1 ? chain[chain.length - 1] : null;
  if (revision) out.push(h("p", { className: "revision" }, "The amendment was revised since: ", roomLink(ctx, `amendment ${revision.id}`, { target: `amendment-${revision.id}` }), ` (${revision.instruction}).`));
  const top = t.messages.filter((m) => m.parent_id === null);
  out.push(h("ol", { className: "messages", "aria-label": "Messages" }, top.map((m) => h("li", {},
    message(ctx, t, m),
    replies(ctx, t, m),
  ))));
  if (SPEAKING.includes(ctx.role) && !t.resolved) out.push(messageForm(ctx, t, null));
  const actions = threadActions(ctx, t, chain);
  if (actions.length) out.push(h("div", { className: "actions" }, actions));
  return out;
}

function message(ctx, t, m) {
  return h("article", { className: "message", id: `message-${m.id}`, "aria-label": `Message by ${whoText(ctx, m)}` },
    h("p", { className: "muted" }, h("strong", {}, who(ctx, m)), ", ", localTime(m.created_at)),
    h("p", { className: "body" }, withMentions(ctx, m.body, m.mentions, t.report_id)));
}

function replies(ctx, t, m) {
  const under = t.messages.filter((r) => r.parent_id === m.id);
  const out = [];
  if (under.length) out.push(h("ol", { className: "replies", "aria-label": `Replies to ${whoText(ctx, m)}` }, under.map((r) => h("li", {}, message(ctx, t, r)))));
  if (SPEAKING.includes(ctx.role) && !t.resolved) out.push(messageForm(ctx, t, m));
  return out;
}

// A message (replyTo null) or a reply: one form per message, folded until asked for.
function messageForm(ctx, t, replyTo) {
  const key = `thread-${t.id}-${replyTo ? `reply-${replyTo.id}` : "message"}`;
  const area = typed(key, h("textarea", { id: key, rows: 3 }));
  const send = (event) => {
    event.preventDefault();
    if (!area.value.trim()) {
      ctx.fail(new Error("Write the message first."), "Sending");
      area.focus();
      return;
    }
    ctx.run(replyTo ? "Replying" : "Sending the message", async () => {
      const payload = { body: area.value.trim() };
      if (replyTo) payload.reply_to = replyTo.id;
      await ctx.api.post(`/v1/threads/${t.id}/messages`, payload);
      drafts.delete(key);
      announce(replyTo ? "Your reply was posted." : "Your message was posted.");
      await ctx.showPage();
    });
  };
  const label = replyTo ? `Your reply to ${whoText(ctx, replyTo)}` : "Your message (write ¶12 to point to paragraph 12)";
  const form = h("form", { className: "message-form", onsubmit: send },
    h("label", { for: key }, label), area,
    h("div", { className: "actions" }, h("button", { type: "submit", dataset: { key: `${key}-send` } }, replyTo ? "Post the reply" : "Post the message")));
  if (!replyTo) return form;
  const details = h("details", { className: "reply", open: drafts.has(key) },
    h("summary", { dataset: { key: `${key}-open` } }, `Reply to ${whoText(ctx, replyTo)}`), form);
  details.addEventListener("toggle", () => {
    if (details.open) {
      if (!drafts.has(key)) drafts.set(key, "");
      area.focus();
    } else drafts.delete(key);
  });
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    details.open = false;
    details.querySelector("summary").focus();
  });
  return details;
}

function threadActions(ctx, t, chain) {
  const out = [];
  if (ctx.report.status === "transmitted") return out;
  if (mayResolve(ctx, t, chain)) {
    const verb = t.resolved ? "reopen" : "resolve";
    out.push(h("button", { type: "button", dataset: { key: `thread-${verb}` }, onclick: () =>
      ctx.run(t.resolved ? "Reopening the thread" : "Resolving the thread", async () => {
        await ctx.api.post(`/v1/threads/${t.id}/${verb}`);
        announce(t.resolved ? "The thread is open again." : "The thread is resolved.");
        await ctx.showPage();
      }) }, t.resolved ? "Reopen the thread" : "Resolve the thread"));
  }
  if (ctx.can.chair()) {
    const verb = t.published ? "unpublish" : "publish";
    out.push(h("button", { type: "button", className: "quiet", dataset: { key: `thread-${verb}` }, onclick: () =>
      ctx.run("Publishing the thread", async () => {
        await ctx.api.post(`/v1/threads/${t.id}/${verb}`);
        announce(t.published ? "The public no longer reads this thread." : "The public now reads this thread, without names.");
        await ctx.showPage();
      }) }, t.published ? "Take it back from the public" : "Publish to the public (without names)"));
  }
  return out;
}

// As the server decides (app/deliberation/threads.py): the opener, the chair, or whoever
// proposed the thread's amendment or a wording revising it.
function mayResolve(ctx, t, chain) {
  if (!SPEAKING.includes(ctx.role)) return false;
  if (ctx.can.chair() || (t.opener_id && t.opener_id === ctx.me.id)) return true;
  return chain.some((a) => a.proposer_id === ctx.me.id);
}

// The thread's amendment and each later wording revising it, read from the API (the room's
// list may not have caught up with a revision the page is told about).
async function wordings(ctx, amendmentId) {
  const chain = [];
  const seen = new Set();
  for (let id = amendmentId; id && !seen.has(id) && chain.length < 20; ) {
    seen.add(id);
    const { data } = await ctx.api.get(`/v1/amendments/${id}`);
    chain.push(data);
    id = data.revised_by_id;
  }
  return chain;
}

// --- a new thread ------------------------------------------------------------------------------

function newThreadForm(ctx, subject) {
  const title = typed("new-thread-title", h("input", { id: "new-thread-title", type: "text", maxlength: 300 }));
  const text = typed("new-thread-body", h("textarea", { id: "new-thread-body", rows: 4 }));
  const fixed = subject && (subject.objection_id || subject.amendment_id || subject.paragraph);
  const paragraph = typed("new-thread-paragraph", h("input", { id: "new-thread-paragraph", type: "number", min: 1, max: ctx.report.paragraph_total }));
  const send = (event) => {
    event.preventDefault();
    const payload = fixed ? { ...subject } : {};
    if (subject && subject.objection_id) delete payload.amendment_id;
    if (!fixed) {
      const number = Number(paragraph.value);
      const entry = number && ctx.report.outline.find((s) => number >= s.first_paragraph && number < s.first_paragraph + s.paragraph_count);
      if (!entry) {
        ctx.fail(new Error(`Name a paragraph of this report (1 to ${ctx.report.paragraph_total}).`), "Opening a thread");
        paragraph.focus();
        return;
      }
      payload.section_id = entry.id;
      payload.paragraph = number;
    } else if (payload.paragraph && !payload.section_id) {
      const entry = ctx.report.outline.find((s) => payload.paragraph >= s.first_paragraph && payload.paragraph < s.first_paragraph + s.paragraph_count);
      payload.section_id = entry ? entry.id : null;
    }
    if (!text.value.trim()) {
      ctx.fail(new Error("Write the first message of the thread."), "Opening a thread");
      text.focus();
      return;
    }
    payload.title = title.value.trim();
    payload.body = text.value.trim();
    ctx.run("Opening a thread", async () => {
      const { data } = await ctx.api.post(`/v1/reports/${ctx.reportId}/threads`, payload);
      for (const key of ["new-thread-title", "new-thread-body", "new-thread-paragraph"]) drafts.delete(key);
      announce("The thread is open.");
      location.hash = `#/threads/${data.id}`;
    });
  };
  return h("form", { className: "card new-thread", onsubmit: send, "aria-labelledby": "new-thread-heading" },
    h("h3", { id: "new-thread-heading" }, fixed ? `Open a thread on ${describeSubject(ctx, subject).toLowerCase()}` : "Open a thread on a paragraph"),
    fixed ? null : [h("label", { for: paragraph.id }, "Paragraph"), paragraph],
    h("label", { for: title.id }, "Title (optional)"), title,
    h("label", { for: text.id }, "First message (write ¶12 to point to paragraph 12)"), text,
    h("div", { className: "actions" }, h("button", { type: "submit", dataset: { key: "new-thread-send" } }, "Open the thread")));
}

// --- words ------------------------------------------------------------------------------------------

function who(ctx, m) {
  return m.author_name || (m.author_id ? ctx.nameOf(m.author_id) : "a participant");
}

function whoText(ctx, m) {
  return m.author_id === ctx.me.id ? "you" : who(ctx, m);
}

function sectionName(ctx, id) {
  const entry = ctx.report.outline.find((s) => s.id === id);
  return entry ? `section ${[entry.label, entry.heading].filter(Boolean).join(" ") || id}` : `section ${id}`;
}

function describeSubject(ctx, s) {
  if (s.objection_id) return s.amendment_id ? `The objection to amendment ${s.amendment_id}` : "An objection";
  if (s.amendment_id) return `Amendment ${s.amendment_id}`;
  if (s.paragraph) return `Paragraph ${s.paragraph}`;
  if (s.section_id) return sectionName(ctx, s.section_id).replace(/^s/, "S");
  return "The report";
}

function describeThread(ctx, t) {
  switch (t.subject) {
    case "objection": return `On an objection to amendment ${t.amendment_id}`;
    case "amendment": return `On amendment ${t.amendment_id}`;
    case "paragraph": return `On paragraph ${t.current_paragraph ?? t.paragraph}`;
    case "section": return `On ${sectionName(ctx, t.section_id)}`;
    case "question": return "On a question of a questionnaire";
    default: return "A thread";
  }
}

function subjectLink(ctx, t) {
  switch (t.subject) {
    case "objection": return ["an objection to ", roomLink(ctx, `amendment ${t.amendment_id}`, { reportId: t.report_id, target: `amendment-${t.amendment_id}` })];
    case "amendment": return roomLink(ctx, `amendment ${t.amendment_id}`, { reportId: t.report_id, target: `amendment-${t.amendment_id}` });
    case "paragraph": {
      const now = t.current_paragraph;
      if (now === null || now === undefined) return `paragraph ${t.paragraph} (since rewritten)`;
      return [roomLink(ctx, `paragraph ${now}`, { reportId: t.report_id, target: `paragraph-${now}` }), now !== t.paragraph ? ` (paragraph ${t.paragraph} when the thread opened)` : ""];
    }
    case "section": return roomLink(ctx, sectionName(ctx, t.section_id), { reportId: t.report_id, target: `section-${t.section_id}` });
    default: return "a question of a questionnaire";
  }
}

// For the room: a link to the threads on an amendment or an objection (a longer name for
// screen readers starts with the words shown, as speech input says them).
export function threadsLink(label, query, ariaLabel) {
  // Keyed, so a live re-render gives a keyboard user's focus back to the same link.
  const search = new URLSearchParams(query).toString();
  return h("a", { href: `#/threads?${search}`, className: "discuss", "aria-label": ariaLabel, dataset: { key: `threads?${search}` } }, label);
}
