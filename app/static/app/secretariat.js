// Choosing a report (everyone), importing one from Markdown and writing a section directly
// (the secretariat). A direct write names the version it edits; when the section moved on,
// the 409 shows both wordings and where they part, and the typed text is kept.

import { announce, clash, h, wordChanges } from "./dom.js";

export function renderReportPicker(ctx) {
  const box = document.getElementById("report-picker");
  const select = h("select", { id: "report-choice" }, ctx.reports.map((r) =>
    h("option", { value: r.id, selected: r.id === ctx.reportId }, r.symbol ? `${r.title} (${r.symbol})` : r.title)));
  const parts = [];
  if (ctx.reports.length) {
    parts.push(h("div", { className: "row" },
      h("label", { for: "report-choice" }, "Report"), select,
      h("button", { type: "button", onclick: () => ctx.openReport(Number(select.value)) }, "Open")));
  } else {
    parts.push(h("p", {}, "This group has no report yet."));
  }
  if (ctx.can.secretariat()) parts.push(importForm(ctx));
  box.replaceChildren(...parts);
}

function importForm(ctx) {
  const title = h("input", { id: "import-title", type: "text" });
  const file = h("input", { id: "import-file", type: "file", accept: ".md,.markdown,text/markdown,text/plain" });
  const markdown = h("textarea", { id: "import-markdown", rows: 6 });
  file.addEventListener("change", async () => {
    if (file.files && file.files[0]) markdown.value = await file.files[0].text();
  });
  const form = h("form", { onsubmit: (event) => {
    event.preventDefault();
    ctx.run("Importing the report", async () => {
      const body = { markdown: markdown.value };
      if (title.value.trim()) body.title = title.value.trim();
      const { data } = await ctx.api.post(`/v1/groups/${ctx.groupId}/reports/import`, body);
      announce(`Imported “${data.title}”.`);
      await ctx.loadReports();
      await ctx.openReport(data.id);
    });
  } },
  h("label", { for: "import-title" }, "Title (optional: else the document's first heading)"), title,
  h("label", { for: "import-file" }, "Markdown file"), file,
  h("label", { for: "import-markdown" }, "or paste the Markdown"), markdown,
  h("div", { className: "actions" }, h("button", { type: "submit" }, "Import as a new report")));
  return h("details", { className: "import" }, h("summary", {}, "Import a report from Markdown"), form);
}

export function renderSectionWriter(ctx, section, headVersion) {
  const id = `write-${section.id}`;
  const area = h("textarea", { id, rows: 8 });
  area.value = section.text;
  const note = h("div", { "aria-live": "polite" });
  const details = h("details", { className: "writer" },
    h("summary", {}, `Write ${section.label || "this section"} directly (new version)`));
  let base = headVersion;
  const form = h("form", { onsubmit: (event) => {
    event.preventDefault();
    ctx.run("Saving the section", async () => {
      try {
        const { data } = await ctx.api.post(`/v1/sections/${section.id}/versions`, { base_version: base, text: area.value });
        details.open = false;
        announce(`Version ${data.number} of ${section.label || "the section"} saved.`);
        await ctx.refresh();
      } catch (error) {
        const head = error.problem && error.problem.head;
        if (error.status !== 409 || !head) throw error;
        const spot = clash(area.value, head.text);
        note.replaceChildren(h("div", { className: "stale" },
          h("p", {}, `Version ${head.number} was saved while you edited version ${base}. Your text is kept here, unsaved.`),
          h("p", {}, "They part after “", spot.before, "”:"),
          h("p", {}, h("strong", {}, `Version ${head.number} has: `), h("q", {}, spot.theirs || "(nothing)")),
          h("p", {}, h("strong", {}, "You have: "), h("q", {}, spot.mine || "(nothing)")),
          h("p", {}, `From version ${head.number} to your text (struck out: only theirs; underlined: only yours):`),
          wordChanges(head.text, area.value, `Version ${head.number} against your text`),
          h("p", {}, "Merge the two in the box, then save again: it will be saved on top of version ", String(head.number), ".")));
        base = head.number;
        throw error;
      }
    });
  } },
  h("label", { for: id }, `Text of ${section.label || "the section"} (every paragraph; blank lines separate them)`), area, note,
  h("div", { className: "actions" }, h("button", { type: "submit" }, "Save as a new version")));
  details.append(form);
  return details;
}
