// The timeline (issues 33, 34): the group's year from GET /v1/groups/{id}/timeline, oldest
// first, grouped by month in the reader's time zone: meetings and sessions, postings, comment
// periods, questionnaires, milestones and decisions. Each entry links where it belongs in
// this client (the room, a page) where one exists; the Markdown export is fetched with the
// reader's token (never put in a URL) and offered as a file, in the reader's time zone.

import { h } from "./dom.js";
import { readerZone, roomLink } from "./links.js";

const KINDS = {
  report: "Report", posting: "Posting", meeting: "Meeting", session: "Session", decision: "Decision",
  milestone: "Milestone", comment_period: "Comment period", questionnaire: "Questionnaire",
};

export default {
  id: "timeline",
  title: "Timeline",
  async render(ctx, container) {
    const { data } = await ctx.api.get(`/v1/groups/${ctx.groupId}/timeline`);
    const zone = readerZone();
    const months = [];
    for (const entry of data.entries) {
      const moment = instant(entry.at);
      const month = moment.toLocaleDateString(undefined, { month: "long", year: "numeric", timeZone: zone });
      if (!months.length || months[months.length - 1].name !== month) months.push({ name: month, entries: [] });
      months[months.length - 1].entries.push({ ...entry, moment });
    }
    const out = [
      h("p", {}, `The year of ${data.group}: ${data.entries.length} entries, oldest first. Times are in your time zone (${zone}).`),
      h("p", { className: "actions" }, h("button", { type: "button", className: "quiet", dataset: { key: "timeline-markdown" }, onclick: () => download(ctx, zone) }, "Download the timeline as Markdown"),
        h("span", { className: "muted" }, ` (GET /v1/groups/${ctx.groupId}/timeline?format=markdown&tz=${zone})`)),
    ];
    if (!months.length) out.push(h("p", {}, "Nothing on the timeline yet."));
    months.forEach((month, index) => {
      const id = `timeline-month-${index}`;
      out.push(h("section", { className: "month", "aria-labelledby": id },
        h("h3", { id }, month.name),
        h("ol", { className: "timeline" }, month.entries.map((entry) => h("li", { className: `entry kind-${entry.kind}`, dataset: { kind: entry.kind } },
          h("time", { datetime: entry.moment.toISOString() }, entry.moment.toLocaleString(undefined, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: zone })),
          " ", h("span", { className: "badge" }, KINDS[entry.kind] || entry.kind), " ",
          place(ctx, entry))))));
    });
    container.replaceChildren(...out);
  },
  onEvent(ctx, event, container) {
    if (/^(meeting|session|milestone|consultation|report)\.|^section\.(stage_changed|approved)$/.test(event.type)) {
      this.render(ctx, container).catch(() => {});
    }
  },
};

function instant(text) {
  return new Date(/(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`);
}

// Where an entry belongs in this client: its API link read as a place. A page another part
// of the client provides (meetings, questionnaires) is linked when this client has it.
function place(ctx, entry) {
  const link = entry.link || "";
  const reportId = entry.report_id;
  const has = (page) => ctx.pageIds && ctx.pageIds.has(page);
  let match;
  if ((match = link.match(/^\/v1\/sections\/(\d+)/))) return roomLink(ctx, entry.title, { reportId, target: `section-${match[1]}` });
  if ((match = link.match(/^\/v1\/amendments\/(\d+)/))) return roomLink(ctx, entry.title, { reportId, target: `amendment-${match[1]}` });
  if ((match = link.match(/^\/v1\/consultations\/(\d+)/))) {
    return pageFor(ctx, entry.title, `comments?consultation=${match[1]}`, reportId);
  }
  if (/^\/v1\/(meetings|sessions)\//.test(link) && has("meetings")) return pageFor(ctx, entry.title, "meetings", reportId);
  if (/^\/v1\/questionnaires\//.test(link) && has("questionnaires")) return pageFor(ctx, entry.title, "questionnaires", reportId);
  if (reportId) return roomLink(ctx, entry.title, { reportId, target: `report-title` });
  return h("span", {}, entry.title);
}

// A page of this client about a record of another report: that report is opened first, as
// the page reads the room's report.
function pageFor(ctx, label, path, reportId) {
  const href = `#/${path}`;
  return h("a", { href, onclick: (event) => {
    if (!reportId || reportId === ctx.reportId) return;
    event.preventDefault();
    ctx.run("Opening the report", async () => {
      await ctx.openReport(reportId);
      location.hash = href;
    });
  } }, label);
}

async function download(ctx, zone) {
  await ctx.run("Downloading the timeline", async () => {
    const query = new URLSearchParams({ format: "markdown", tz: zone });
    const response = await ctx.api.call("GET", `/v1/groups/${ctx.groupId}/timeline?${query}`, { raw: true });
    const blob = new Blob([await response.text()], { type: "text/markdown" });
    const url = URL.createObjectURL(blob);
    const link = h("a", { href: url, download: `timeline-group-${ctx.groupId}.md` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
}
