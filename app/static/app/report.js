// The report: its outline, its text with continuous paragraph numbers, proposing an
// amendment by editing a paragraph in place (tracked change, instruction and suggested kind
// shown before filing), each section's versions and diffs, and the chair's report actions.

import { structureControls } from "./structure.js";
import { announce, blocks, clash, h, keepFocus } from "./dom.js";
import { alignParagraphs, deadline, paragraphChanges, paragraphsNamed, touchedByOps } from "./changes.js";
import { renderSectionWriter } from "./secretariat.js";

const STATUS_NAMES = { drafting: "being drafted", adopted: "adopted (editorial window)", transmitted: "transmitted" };

export function renderReport(ctx) {
  const report = ctx.report;
  document.getElementById("report-title").textContent = report.symbol ? `${report.title} (${report.symbol})` : report.title;
  const status = document.getElementById("report-status");
  status.replaceChildren(`This report is ${STATUS_NAMES[report.status] || report.status}.`);
  if (report.status === "adopted" && report.editorial_window_ends_at) {
    status.append(" The editorial window ends on ", deadline(report.editorial_window_ends_at), ".");
  }
  const disclaimer = document.getElementById("report-disclaimer");
  disclaimer.textContent = report.status === "drafting" ? report.disclaimer : "";
  disclaimer.hidden = !(report.status === "drafting" && report.disclaimer);
  renderOutline(ctx);
  renderReportActions(ctx);
  const body = document.getElementById("report-body");
  const heads = new Map(report.outline.map((entry) => [entry.id, entry]));
  const kept = new Map([...body.children].filter((c) => c.dataset.section).map((child) => [Number(child.dataset.section), child]));
  const marks = { pending: pendingMarks(ctx), floor: floorMarks(ctx) };
  const proposing = canPropose(ctx);
  if (proposing && !ctx.activeParagraph) ctx.activeParagraph = 1;
  const fresh = ctx.floor.sections.map((section) => {
    const old = kept.get(section.id);
    // A paragraph being amended keeps its editor (and the section as the member saw it).
    if (ctx.editing && ctx.editing.sectionId === section.id && old) return old;
    const element = renderSection(ctx, section, heads.get(section.id), marks);
    // An open direct-write box keeps its typing and the version it edits; an open history
    // keeps the comparison being read.
    for (const kind of ["writer", "history", "restructure"]) {
      const open = old && old.querySelector(`details.${kind}[open]`);
      const slot = element.querySelector(`details.${kind}`);
      if (open && slot) slot.replaceWith(open);
    }
    return element;
  });
  const hint = proposing ? h("p", { id: "paragraph-hint", className: "visually-hidden" },
    "Up and down arrows: the previous or next paragraph. Enter: propose a change to this paragraph.") : null;
  const onAction = document.activeElement && document.activeElement.id === "propose-action";
  keepFocus(body, () => body.replaceChildren(...(hint ? [hint] : []), ...fresh));
  if (proposing) {
    // The action stays where the pointer or the selection put it (read before the tab stop
    // is placed: placing it moves the action too).
    const wanted = ctx.shownParagraph;
    const active = body.querySelector(`.paragraph[data-paragraph="${ctx.activeParagraph}"]`) || body.querySelector(".paragraph[data-paragraph]");
    if (active && active.openEditor) activate(ctx, active);
    const shown = wanted && body.querySelector(`.paragraph[data-paragraph="${wanted}"]`);
    if (shown && shown.openEditor && shown !== active) activate(ctx, shown, { keepTab: true });
    const action = document.getElementById("propose-action");
    if (onAction && action) action.focus();
  }
}

function canPropose(ctx) {
  return ctx.can.propose() && ctx.report.status !== "transmitted";
}

// Open amendments by the paragraphs they touch (number -> amendments): the margin markers.
const OPEN_STATUSES = ["proposed", "on_floor", "consent_open"];

function pendingMarks(ctx) {
  const marks = new Map();
  const heads = new Map(ctx.report.outline.map((entry) => [entry.id, entry]));
  const sections = new Map(ctx.floor.sections.map((s) => [s.id, s]));
  for (const a of ctx.pending || []) {
    const open = OPEN_STATUSES.includes(a.status) || (a.status === "blocked" && a.tally && a.tally.round_open);
    if (!open) continue;
    const section = sections.get(a.section_id);
    const entry = heads.get(a.section_id);
    let numbers;
    if (section && entry && !a.structure && a.base_version === entry.head_version) {
      numbers = alignParagraphs(section.text, a.proposed_text, section.first_paragraph).touched;
    } else {
      numbers = paragraphsNamed(a.instruction);  // on an older version: the numbers it names
    }
    for (const n of numbers) {
      if (!marks.has(n)) marks.set(n, []);
      marks.get(n).push(a);
    }
  }
  return marks;
}

// The paragraphs the amendment on the floor changes, as the text stands now.
function floorMarks(ctx) {
  const floor = ctx.floor.floor;
  if (!floor || !floor.preview || !floor.preview.applies) return { numbers: new Set(), amendment: null };
  const section = ctx.floor.sections.find((s) => s.id === floor.amendment.section_id);
  if (!section) return { numbers: new Set(), amendment: null };
  return { numbers: new Set(touchedByOps(floor.preview.ops, section.first_paragraph)), amendment: floor.amendment };
}

function renderOutline(ctx) {
  const list = h("ol", { className: "outline" }, ctx.report.outline.map((entry) => h(
    "li",
    { style: `margin-inline-start: ${entry.depth * 1}rem` },
    h("a", { href: `#section-${entry.id}` }, `${entry.label} ${entry.heading}`.trim()),
    h("span", { className: "muted" }, paragraphRange(entry)),
  )));
  document.getElementById("outline-list").replaceChildren(list);
}

function paragraphRange(entry) {
  if (!entry.paragraph_count) return "";
  if (entry.paragraph_count === 1) return ` paragraph ${entry.first_paragraph}`;
  return ` paragraphs ${entry.first_paragraph}–${entry.first_paragraph + entry.paragraph_count - 1}`;
}

function renderSection(ctx, section, entry, marks) {
  const headVersion = entry ? entry.head_version : null;
  const level = Math.min(3 + section.depth, 6);
  const title = `${section.label} ${section.heading}`.trim();
  const wrapper = h("section", {
    className: "section", id: `section-${section.id}`, dataset: { section: section.id },
    "aria-labelledby": `section-title-${section.id}`,
  });
  wrapper.append(h(`h${level}`, { id: `section-title-${section.id}` }, title || "(untitled section)"));
  let number = section.first_paragraph;
  for (const block of blocks(section.text)) {
    if (!block.numbered) {
      wrapper.append(h("p", { className: "subhead" }, block.text.replace(/^#+\s*/, "")));
      continue;
    }
    wrapper.append(renderParagraph(ctx, section, headVersion, block, number, marks));
    number += 1;
  }
  wrapper.append(renderHistory(ctx, section, headVersion));
  // Structural amendments (issue 32): insert after, delete, move, merge, move paragraphs, span.
  if (canPropose(ctx)) wrapper.append(structureControls(ctx, section, entry) || "");
  // Direct writes are for a report being drafted; after adoption every change is an amendment.
  // A part the plenary approved changes only through amendments (409 part-approved).
  if (ctx.can.secretariat() && ctx.report.status === "drafting" && !(entry && entry.stage === "approved")) {
    wrapper.append(renderSectionWriter(ctx, section, headVersion));
  }
  return wrapper;
}

// A paragraph: its number, its text, and what is pending on it (the amendment on the floor,
// open amendments: links to their cards). Where a person may propose, the paragraphs are one
// stop in the tab order (arrow keys move between them) and one "Propose a change" button
// follows the paragraph in focus, under the pointer or holding the selection.
function renderParagraph(ctx, section, headVersion, block, number, marks) {
  const pending = marks.pending.get(number) || [];
  const onFloor = marks.floor.numbers.has(number);
  const classes = ["paragraph", pending.length ? "has-pending" : "", onFloor ? "floor-target" : ""].filter(Boolean).join(" ");
  const proposing = canPropose(ctx);
  const item = h("div", {
    className: classes, id: `paragraph-${number}`, dataset: { paragraph: number, key: `paragraph-${number}` },
    tabindex: proposing ? "-1" : undefined, "aria-describedby": proposing ? "paragraph-hint" : undefined,
  },
  h("span", { className: "number", "aria-hidden": "true" }, `${number}.`,
    pending.length || onFloor ? h("span", { className: "mark" }, onFloor ? "▶" : "●") : null),
  h("p", { className: "text" }, h("span", { className: "visually-hidden" }, `Paragraph ${number}: `), block.text),
  );
  if (onFloor || pending.length) {
    const notes = h("p", { className: "marks" });
    if (onFloor) {
      notes.append(h("a", { href: "#on-floor", className: "floor-badge" }, `On the floor: amendment ${marks.floor.amendment.id}`));
    }
    const others = pending.filter((a) => !(onFloor && a.id === marks.floor.amendment.id));
    if (others.length) {
      notes.append(onFloor ? "; " : "", `Pending: `);
      others.forEach((a, index) => {
        if (index) notes.append(", ");
        notes.append(h("a", { href: `#amendment-${a.id}` }, `amendment ${a.id} (${STATUS_WORDS[a.status] || a.status})`));
      });
    }
    item.append(notes);
  }
  if (proposing) {
    item.openEditor = () => openEditor(ctx, item, section, headVersion, block, number);
    item.addEventListener("focus", () => activate(ctx, item));
    item.addEventListener("pointerenter", () => { if (!ctx.editing) activate(ctx, item, { keepTab: true }); });
    item.addEventListener("mouseup", () => {
      const chosen = String(window.getSelection() || "");
      if (chosen.trim()) activate(ctx, item, { keepTab: true });
    });
    item.addEventListener("keydown", (event) => {
      if (event.target !== item) return;
      if (event.key === "Enter") {
        event.preventDefault();
        item.openEditor();
        return;
      }
      const all = [...document.querySelectorAll("#report-body .paragraph[tabindex]")];
      const at = all.indexOf(item);
      const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: all.length - 1 }[event.key];
      if (to === undefined || !all[to]) return;
      event.preventDefault();
      all[to].focus();
    });
  }
  return item;
}

const STATUS_WORDS = { proposed: "proposed", on_floor: "on the floor", consent_open: "consent round", blocked: "blocked" };

// The paragraph a proposal would start from: one tab stop, and the one action beside it.
function activate(ctx, item, { keepTab = false } = {}) {
  const body = document.getElementById("report-body");
  const number = Number(item.dataset.paragraph);
  if (!keepTab || !body.querySelector('.paragraph[tabindex="0"]')) {
    for (const other of body.querySelectorAll('.paragraph[tabindex="0"]')) if (other !== item) other.tabIndex = -1;
    item.tabIndex = 0;
    ctx.activeParagraph = number;
  }
  let action = document.getElementById("propose-action");
  if (!action) {
    action = h("button", { type: "button", className: "quiet propose", id: "propose-action", dataset: { key: "propose" } }, "Propose a change");
    action.addEventListener("click", () => {
      const target = action.closest(".paragraph");
      if (target && target.openEditor) target.openEditor();
    });
  }
  let discuss = document.getElementById("discuss-action");
  if (!discuss) discuss = h("a", { className: "discuss", id: "discuss-action", dataset: { key: "discuss" } }, "Discuss");
  ctx.shownParagraph = number;
  action.setAttribute("aria-label", `Propose a change to paragraph ${number}`);
  // Threads on this paragraph (app/static/app/threads.js), beside the proposal.
  const section = item.closest(".section");
  discuss.href = `#/threads?${new URLSearchParams({ section: section ? section.dataset.section : "", paragraph: number })}`;
  discuss.setAttribute("aria-label", `Discuss paragraph ${number}`);
  const marks = item.querySelector(".marks");
  if (action.parentElement !== item) {
    const had = document.activeElement === action;
    if (marks) marks.before(action, discuss);
    else item.append(action, discuss);
    if (had) action.focus();
  }
}

// --- proposing by editing a paragraph in place ---------------------------------------------

function openEditor(ctx, item, section, headVersion, block, number) {
  ctx.editing = { sectionId: section.id, paragraph: number };
  const id = `edit-${number}`;
  const textarea = h("textarea", { id, rows: 5, dataset: { key: id } });
  textarea.value = block.text;
  const preview = h("div", { className: "sketch", "aria-live": "polite" });
  const kind = h("select", { id: `kind-${number}` },
    h("option", { value: "editorial" }, "Editorial"), h("option", { value: "substantive" }, "Substantive"));
  const rationale = h("textarea", { id: `rationale-${number}`, rows: 2 });
  const file = h("button", { type: "submit", disabled: true, dataset: { key: `file-${number}` } }, "File the amendment");
  let sketched = null;
  const wholeText = () => section.text.slice(0, block.start) + textarea.value.trim() + section.text.slice(block.end);

  textarea.addEventListener("input", () => {
    sketched = null;
    file.disabled = true;
    preview.replaceChildren(h("p", { className: "muted" }, "Changed: show the change again before filing."));
  });
  const show = () => ctx.run("Showing the change", async () => {
    const { data } = await ctx.api.post(`/v1/sections/${section.id}/amendments/sketch`, {
      base_version: headVersion, text: wholeText(),
    });
    if (data.changes_nothing) {
      preview.replaceChildren(h("p", {}, "This wording changes nothing yet."));
      return;
    }
    sketched = data;
    kind.value = data.suggested_kind;
    preview.replaceChildren(
      h("h4", {}, "Your change"),
      paragraphChanges(data.ops, section.first_paragraph, `Tracked change to paragraph ${number}`),
      h("p", { className: "instruction" }, h("strong", {}, "Instruction: "), data.instruction),
      h("p", {}, `Suggested kind: ${data.suggested_kind}.`),
    );
    file.disabled = false;
    announce(`Instruction: ${data.instruction}. Suggested kind: ${data.suggested_kind}.`);
  });
  const submit = (event) => {
    event.preventDefault();
    if (!sketched) return;
    ctx.run("Filing the amendment", async () => {
      const { data } = await ctx.api.post(`/v1/sections/${section.id}/amendments`, {
        base_version: headVersion, text: wholeText(), kind: kind.value, rationale: rationale.value,
      });
      ctx.editing = null;
      announce(`Amendment ${data.id} filed: ${data.instruction}`);
      await ctx.refresh();
      const back = document.getElementById(`paragraph-${number}`);
      if (back && document.activeElement === document.body) back.focus();
    });
  };
  // Cancel, or Escape anywhere in the editor: the paragraph as it was, focus back on it.
  const cancel = () => {
    ctx.editing = null;
    renderReport(ctx);
    const back = document.getElementById(`paragraph-${number}`);
    if (back) back.focus();
    announce(`Proposal on paragraph ${number} cancelled.`);
  };
  const form = h("form", { className: "editor", onsubmit: submit, "aria-label": `Amend paragraph ${number}` },
    h("label", { for: id }, `Your wording of paragraph ${number}`),
    h("p", { className: "muted", id: `${id}-hint` }, "Escape cancels."),
    textarea,
    h("div", { className: "actions" },
      h("button", { type: "button", onclick: show, dataset: { key: `show-${number}` } }, "Show the change"),
      h("button", { type: "button", className: "quiet", onclick: cancel }, "Cancel")),
    preview,
    h("label", { for: kind.id }, "Kind"), kind,
    h("label", { for: rationale.id }, "Rationale (optional)"), rationale,
    h("div", { className: "actions" }, file),
  );
  textarea.setAttribute("aria-describedby", `${id}-hint`);
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      cancel();
    }
  });
  item.removeAttribute("tabindex");
  item.replaceChildren(h("span", { className: "number", "aria-hidden": "true" }, `${number}.`), form);
  textarea.focus();
}

// --- versions and diffs ----------------------------------------------------------------------

function renderHistory(ctx, section, headVersion) {
  const details = h("details", { className: "history" },
    h("summary", {}, `Versions and changes of ${section.label || "this section"}`));
  const body = h("div", {});
  details.append(body);
  details.addEventListener("toggle", () => {
    if (details.open && !body.childElementCount) loadHistory(ctx, section, headVersion, body);
  });
  return details;
}

function loadHistory(ctx, section, headVersion, body) {
  return ctx.run("Reading the versions", async () => {
    const versions = await ctx.api.all(`/v1/sections/${section.id}/versions`);
    const pick = (id, chosen) => h("select", { id },
      versions.map((v) => h("option", { value: v.number, selected: v.number === chosen },
        `Version ${v.number} (${describeSource(ctx, v)})`)));
    const from = pick(`from-${section.id}`, Math.max(1, headVersion - 1));
    const to = pick(`to-${section.id}`, headVersion);
    const shown = h("div", { "aria-live": "polite" });
    const compare = () => ctx.run("Comparing versions", async () => {
      const { data } = await ctx.api.get(`/v1/sections/${section.id}/diff?from=${from.value}&to=${to.value}&granularity=word`);
      shown.replaceChildren(
        h("p", {}, `From version ${data.from_version} to version ${data.to_version}: ${data.inserted_chars} characters inserted, ${data.deleted_chars} deleted.`),
        // Numbered as the section's paragraphs are now (a version that added paragraphs
        // above shifts them).
        paragraphChanges(data.ops, section.first_paragraph, `Changes from version ${data.from_version} to ${data.to_version}`),
      );
    });
    body.replaceChildren(
      h("div", { className: "row" },
        h("label", { for: from.id }, "From"), from, h("label", { for: to.id }, "To"), to,
        h("button", { type: "button", onclick: compare }, "Show the changes")),
      shown,
    );
  });
}

function describeSource(ctx, version) {
  if (version.amendment_id) return `amendment ${version.amendment_id}`;
  const by = ctx.nameOf(version.author_id);
  return `${String(version.source).replace(/_/g, " ")}, by ${by}`;
}

// --- the chair's report actions, and exports for everyone ----------------------------------

function renderReportActions(ctx) {
  const box = document.getElementById("report-actions");
  const items = [];
  const status = ctx.report.status;
  if (ctx.can.chair() && status === "drafting" && !ctx.deciding()) {
    items.push(h("p", { className: "muted" }, "Adopting the report is a decision taken in a plenary or closed session in progress: open a meeting (a plenary session starts with it)."));
  }
  if (ctx.can.chair() && status === "drafting" && ctx.deciding()) {
    items.push(confirmButton(ctx, "Adopt the report", "Yes, adopt the report now", () =>
      ctx.api.post(`/v1/reports/${ctx.report.id}/adopt`, {}, ctx.reportEtag), "The report was adopted."));
  }
  if (ctx.can.chair() && status === "adopted") {
    items.push(confirmButton(ctx, "Transmit the report", "Yes, transmit and freeze the report", () =>
      ctx.api.post(`/v1/reports/${ctx.report.id}/transmit`, undefined, ctx.reportEtag), "The report was transmitted."));
  }
  const format = h("select", { id: "export-format" },
    [["markdown", "Markdown"], ["html", "HTML"], ["text", "Plain text"], ["docx", "Word"], ["pdf", "PDF"], ["akn", "Akoma Ntoso XML"]]
      .map(([value, label]) => h("option", { value }, label)));
  items.push(h("div", { className: "row" },
    h("label", { for: "export-format" }, "Export as"), format,
    h("button", { type: "button", onclick: () => exportReport(ctx, format.value) }, "Download")));
  keepFocus(box, () => box.replaceChildren(...items));
}

// Irreversible steps ask once more. The question survives live refreshes (ctx.confirming).
function confirmButton(ctx, label, confirmLabel, action, done) {
  const holder = h("div", { className: "row" });
  const ask = h("button", { type: "button", dataset: { key: label } }, `${label}…`);
  const question = () => {
    const yes = h("button", { type: "button", className: "danger", dataset: { key: confirmLabel } }, confirmLabel);
    const no = h("button", { type: "button", className: "quiet", dataset: { key: `${label}-cancel` } }, "Cancel");
    yes.addEventListener("click", () => ctx.run(label, async () => {
      ctx.confirming = null;
      await reportWrite(ctx, action);
      announce(done);
      await ctx.refresh();
    }));
    no.addEventListener("click", () => {
      ctx.confirming = null;
      holder.replaceChildren(ask);
      ask.focus();
    });
    holder.replaceChildren(yes, no);
    return yes;
  };
  ask.addEventListener("click", () => {
    ctx.confirming = label;
    question().focus();
  });
  if (ctx.confirming === label) question();
  else holder.append(ask);
  return holder;
}

// A report write with If-Match: on 412, reload and say what changed.
async function reportWrite(ctx, action) {
  const before = ctx.report;
  try {
    return await action();
  } catch (error) {
    if (error.status !== 412) throw error;
    const { data: now } = await ctx.api.get(`/v1/reports/${before.id}`);
    await ctx.refresh();
    const changes = [];
    if (now.status !== before.status) changes.push(`its status is now ${now.status}`);
    if (now.title !== before.title) changes.push(`its title is now “${now.title}”`);
    if (now.paragraph_total !== before.paragraph_total) changes.push(`it now has ${now.paragraph_total} paragraphs`);
    if (!changes.length) changes.push("something new was recorded on it (an edit, an amendment or an answer)");
    error.message = `The report changed since you read it: ${changes.join("; ")}. The page now shows the current report; try again if you still mean it.`;
    throw error;
  }
}

async function exportReport(ctx, format) {
  return ctx.run("Exporting the report", async () => {
    const response = await ctx.api.call("GET", `/v1/reports/${ctx.report.id}/export?format=${format}`, { raw: true });
    const blob = await response.blob();
    const extension = { markdown: "md", html: "html", text: "txt", docx: "docx", pdf: "pdf", akn: "xml" }[format];
    const link = h("a", { href: URL.createObjectURL(blob), download: `report-${ctx.report.id}.${extension}` });
    document.body.append(link);
    link.click();
    link.remove();
    announce(`The ${format} export was downloaded.`);
  });
}

export { clash };
