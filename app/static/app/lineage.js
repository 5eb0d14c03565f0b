// Lineage between reports (issue 20, 34): which report this one was derived from, which
// reports were derived from it, and, section by section, where its text came from, back
// through every report it passed (working papers -> Background Report -> Final Report).
// Read from the public API: a derived report's log opens with its `report.derived` event
// (the source named), and GET /v1/sections/{id}/lineage gives each section's sources, nearest
// first (a source this reader may not read ends the list). Each report links to its own
// lineage here, each section to its place in the room.

import { h, keepFocus } from "./dom.js";
import { hashRoute, reportChooser, roomLink } from "./links.js";

const EARLY_EVENTS = 10;  // `report.derived` follows `report.created` in a derived report's log

const nameOf = (report) => (report ? (report.symbol ? `${report.title} (${report.symbol})` : report.title) : "another report");
const sectionName = (entry) => (entry ? `${entry.label || ""} ${entry.heading || ""}`.trim() || "(untitled section)" : "a section");

// The report a report was derived from (its id), or null.
async function sourceOf(ctx, reportId) {
  try {
    const { data } = await ctx.api.get(`/v1/reports/${reportId}/events?limit=${EARLY_EVENTS}`);
    const derived = data.items.find((event) => event.type === "report.derived");
    return derived ? derived.payload.source_report_id : null;
  } catch {
    return null;
  }
}

function lineageLink(ctx, report) {
  return h("a", { href: `#/lineage?report=${report.id}` }, nameOf(report));
}

export default {
  id: "lineage",
  title: "Lineage",
  async render(ctx, container) {
    const asked = Number(hashRoute().query.get("report")) || null;
    if (asked && asked !== ctx.reportId && ctx.reports.some((r) => r.id === asked)) await ctx.openReport(asked);
    if (!ctx.reportId) {
      container.replaceChildren(h("p", {}, "No report yet."));
      return;
    }
    const byId = new Map(ctx.reports.map((r) => [r.id, r]));
    // Each report of the group and its source: the edges of the family tree.
    const sources = new Map(await Promise.all(ctx.reports.map(async (r) => [r.id, await sourceOf(ctx, r.id)])));
    const source = sources.get(ctx.reportId);
    const derived = ctx.reports.filter((r) => sources.get(r.id) === ctx.reportId);
    const outline = ctx.report.outline;
    const rows = source ? await sectionSources(ctx, outline) : [];
    const out = [
      reportChooser(ctx, "lineage-report", () => { location.hash = `#/lineage?report=${ctx.reportId}`; }),
      h("section", { className: "card lineage", "aria-labelledby": "lineage-family-title" },
        h("h3", { id: "lineage-family-title" }, `${nameOf(ctx.report)}: where it comes from`),
        h("dl", {},
          h("dt", {}, "Derived from"),
          h("dd", { id: "lineage-source" }, source
            ? [byId.has(source) ? lineageLink(ctx, byId.get(source)) : "another report", " (", roomLink(ctx, "open it in the room", { reportId: source, target: "report-title" }), ")"]
            : "No other report: its text was written here."),
          h("dt", {}, "Reports derived from it"),
          h("dd", { id: "lineage-derived" }, derived.length
            ? h("ul", {}, derived.map((r) => h("li", {}, lineageLink(ctx, r))))
            : "None yet."))),
    ];
    if (source) out.push(sectionTable(ctx, rows));
    keepFocus(container, () => container.replaceChildren(...out));
  },
};

// Each section's sources, with the names of the sections they came from.
async function sectionSources(ctx, outline) {
  const reads = await Promise.all(outline.map((entry) => ctx.api.get(`/v1/sections/${entry.id}/lineage`)
    .then((answer) => answer.data.sources).catch(() => [])));
  const outlines = new Map();
  for (const step of reads.flat()) {
    if (outlines.has(step.report_id)) continue;
    outlines.set(step.report_id, ctx.api.get(`/v1/reports/${step.report_id}`)
      .then((answer) => answer.data).catch(() => null));
  }
  const reports = new Map(await Promise.all([...outlines].map(async ([id, read]) => [id, await read])));
  return outline.map((entry, index) => ({ entry, steps: reads[index].map((step) => ({ ...step, report: reports.get(step.report_id) })) }));
}

function sectionTable(ctx, rows) {
  return h("section", { className: "card lineage", "aria-labelledby": "lineage-sections-title" },
    h("h3", { id: "lineage-sections-title" }, "Where each section's text came from"),
    h("table", { id: "lineage-sections" },
      h("caption", { className: "visually-hidden" }, "Each section and its sources, nearest first"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Section"), h("th", { scope: "col" }, "Its first version was copied from"))),
      h("tbody", {}, rows.map(({ entry, steps }) => h("tr", { dataset: { section: String(entry.id) } },
        h("th", { scope: "row" }, roomLink(ctx, sectionName(entry), { reportId: ctx.reportId, target: `section-${entry.id}` })),
        h("td", {}, steps.length ? steps.map((step, i) => {
          const from = step.report && step.report.outline.find((s) => s.id === step.section_id);
          return [i ? "; which came from " : "",
            roomLink(ctx, `${nameOf(step.report)}, ${sectionName(from)}`, { reportId: step.report_id, target: `section-${step.section_id}` }),
            `, version ${step.version}`];
        }) : "Written in this report.")))),
    ));
}
