// The report: its outline, its text with continuous paragraph numbers, proposing an
// amendment by editing a paragraph in place (tracked change, instruction and suggested kind
// shown before filing), each section's versions and diffs, and the chair's report actions.

import { announce, blocks, clash, h, keepFocus, trackedChanges } from "./dom.js";
import { renderSectionWriter } from "./secretariat.js";

const STATUS_NAMES = { drafting: "being drafted", adopted: "adopted (editorial window)", transmitted: "transmitted" };

export function renderReport(ctx) {
  const report = ctx.report;
  document.getElementById("report-title").textContent = report.symbol ? `${report.title} (${report.symbol})` : report.title;
  document.getElementById("report-status").textContent = `This report is ${STATUS_NAMES[report.status] || report.status}.`;
  const disclaimer = document.getElementById("report-disclaimer");
  disclaimer.textContent = report.status === "drafting" ? report.disclaimer : "";
  disclaimer.hidden = !(report.status === "drafting" && report.disclaimer);
  renderOutline(ctx);
  renderReportActions(ctx);
  const body = document.getElementById("report-body");
  const heads = new Map(report.outline.map((entry) => [entry.id, entry]));
  const kept = new Map([...body.children].map((child) => [Number(child.dataset.section), child]));
  const fresh = ctx.floor.sections.map((section) => {
    const old = kept.get(section.id);
    // A paragraph being amended keeps its editor (and the section as the member saw it).
    if (ctx.editing && ctx.editing.sectionId === section.id && old) return old;
    const element = renderSection(ctx, section, heads.get(section.id));
    // An open direct-write box keeps its typing and the version it edits; an open history
    // keeps the comparison being read.
    for (const kind of ["writer", "history"]) {
      const open = old && old.querySelector(`details.${kind}[open]`);
      const slot = element.querySelector(`details.${kind}`);
      if (open && slot) slot.replaceWith(open);
    }
    return element;
  });
  body.replaceChildren(...fresh);
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

function renderSection(ctx, section, entry) {
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
    wrapper.append(renderParagraph(ctx, section, headVersion, block, number));
    number += 1;
  }
  wrapper.append(renderHistory(ctx, section, headVersion));
  // Direct writes are for a report being drafted; after adoption every change is an amendment.
  // A part the plenary approved changes only through amendments (409 part-approved).
  if (ctx.can.secretariat() && ctx.report.status === "drafting" && !(entry && entry.stage === "approved")) {
    wrapper.append(renderSectionWriter(ctx, section, headVersion));
  }
  return wrapper;
}

function renderParagraph(ctx, section, headVersion, block, number) {
  const item = h("div", { className: "paragraph", id: `paragraph-${number}`, dataset: { paragraph: number } },
    h("span", { className: "number", "aria-hidden": "true" }, `${number}.`),
    h("p", { className: "text" }, h("span", { className: "visually-hidden" }, `Paragraph ${number}: `), block.text),
  );
  if (ctx.can.propose() && ctx.report.status !== "transmitted") {
    item.append(h("button", {
      type: "button", className: "quiet", dataset: { key: `propose-${number}` },
      "aria-label": `Propose a change to paragraph ${number}`,
      onclick: () => openEditor(ctx, item, section, headVersion, block, number),
    }, "Propose a change"));
  }
  return item;
}

// --- proposing by editing a paragraph in place ---------------------------------------------

function openEditor(ctx, item, section, headVersion, block, number) {
  ctx.editing = { sectionId: section.id };
  const id = `edit-${number}`;
  const textarea = h("textarea", { id, rows: 5, dataset: { key: id } });
  textarea.value = block.text;
  const preview = h("div", { className: "sketch", "aria-live": "polite" });
  const kind = h("select", { id: `kind-${number}` },
    h("option", { value: "editorial" }, "Editorial"), h("option", { value: "substantive" }, "Substantive"));
  const rationale = h("textarea", { id: `rationale-${number}`, rows: 2 });
  const file = h("button", { type: "submit", disabled: true }, "File the amendment");
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
      trackedChanges(data.html, `Tracked change to paragraph ${number}`),
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
    });
  };
  const cancel = () => {
    ctx.editing = null;
    ctx.refresh();
  };
  const form = h("form", { className: "editor", onsubmit: submit, "aria-label": `Amend paragraph ${number}` },
    h("label", { for: id }, `Your wording of paragraph ${number}`),
    textarea,
    h("div", { className: "actions" },
      h("button", { type: "button", onclick: show }, "Show the change"),
      h("button", { type: "button", className: "quiet", onclick: cancel }, "Cancel")),
    preview,
    h("label", { for: kind.id }, "Kind"), kind,
    h("label", { for: rationale.id }, "Rationale (optional)"), rationale,
    h("div", { className: "actions" }, file),
  );
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
        trackedChanges(data.html, `Changes from version ${data.from_version} to ${data.to_version}`),
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
  if (ctx.can.chair() && status === "drafting") {
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
