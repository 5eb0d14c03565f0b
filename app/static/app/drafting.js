// Drafting groups (issue 34): "#/drafting" shows the report's chapters with their stage and
// drafting group (the progress view) and the group's drafting groups; "#/drafting/3" is
// drafting group 3's workspace: who sits in it and leads it, the parts it holds with their
// stage, the amendments its co-leads decide, and the moves each role may make:
// co-leads mark a part agreed; the chair posts it to the group and publicly, approves it or
// leaves it out. Approving is a decision of the group, taken in a plenary or closed session
// in progress: otherwise the API answers 409 session-required, shown as its sentence.

import { announce, h, keepFocus } from "./dom.js";
import { act } from "./amendments.js";
import { hashRoute, localTime, pageLink, reportChooser, roomLink } from "./links.js";

export const STAGES = {
  in_drafting_group: "with its drafting group",
  agreed_in_drafting_group: "agreed in the drafting group",
  posted_to_group: "posted to the group",
  posted_publicly: "posted publicly",
  approved: "approved by the plenary",
  left_out: "left out",
};

// The moves of app/drafting_groups/stages.py: where each may start, and who makes it.
const MOVES = [
  { to: "agreed_in_drafting_group", from: ["in_drafting_group"], by: "co-lead", label: "Mark it agreed in the drafting group" },
  { to: "posted_to_group", from: ["agreed_in_drafting_group"], by: "chair", label: "Post it to the group" },
  { to: "posted_publicly", from: ["posted_to_group"], by: "chair", label: "Post it publicly" },
  { to: "approved", from: ["posted_to_group", "posted_publicly"], by: "chair", label: "Approve it (in session)" },
  { to: "left_out", from: ["in_drafting_group", "agreed_in_drafting_group", "posted_to_group", "posted_publicly"], by: "chair", label: "Leave it out…" },
];

export default {
  id: "drafting",
  title: "Drafting groups",
  async render(ctx, container) {
    const id = Number(hashRoute().path[1]);
    const out = id ? await workspace(ctx, id) : await overview(ctx);
    keepFocus(container, () => container.replaceChildren(...out.filter(Boolean)));
  },
  onEvent(ctx, event, container) {
    if (/^(section\.(assigned|stage_changed|approved)|drafting_group\.|amendment\.|session\.|meeting\.)/.test(event.type)) {
      this.render(ctx, container).catch(() => {});
    }
  },
};

async function progressOf(ctx) {
  if (!ctx.reportId) return null;
  return (await ctx.api.get(`/v1/reports/${ctx.reportId}/progress`)).data;
}

// --- every drafting group, and the report's chapters ---------------------------------------------

async function overview(ctx) {
  const [groups, progress] = await Promise.all([ctx.api.all(`/v1/groups/${ctx.groupId}/drafting-groups`), progressOf(ctx)]);
  const out = [];
  out.push(groups.length
    ? h("ul", { className: "drafting-groups" }, groups.map((g) => h("li", {},
      pageLink(g.name, `drafting/${g.id}`),
      g.members ? ` (${g.members.length} members; co-leads: ${g.members.filter((m) => m.is_co_lead).map((m) => m.name).join(", ")})` : "",
      g.members && g.members.some((m) => m.participant_id === ctx.me.id) ? h("strong", {}, " your drafting group") : null)))
    : h("p", {}, "No drafting group yet."));
  if (ctx.reportId) {
    out.push(reportChooser(ctx, "drafting-report", () => ctx.showPage()));
    out.push(progressTable(ctx, progress));
  }
  if (ctx.can.chair() && ctx.report && ctx.report.status === "drafting") out.push(createForm(ctx));
  return out;
}

function progressTable(ctx, progress) {
  if (!progress.chapters.length) return h("p", {}, "The report has no chapters yet.");
  return h("table", { className: "progress" },
    h("caption", {}, progress.staged ? "Where each chapter stands" : "Where each chapter stands (no part is with a drafting group: the secretariat's text goes to the group as written)"),
    h("thead", {}, h("tr", {}, ["Chapter", "Stage", "Drafting group", "Open amendments", "Last change"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, progress.chapters.map((c) => h("tr", {},
      h("th", { scope: "row" }, roomLink(ctx, [c.label, c.heading].filter(Boolean).join(" ") || `Section ${c.section_id}`, { target: `section-${c.section_id}` })),
      h("td", {}, c.stage ? STAGES[c.stage] || c.stage : "not staged"),
      h("td", {}, c.drafting_group_id ? pageLink(c.drafting_group || `Drafting group ${c.drafting_group_id}`, `drafting/${c.drafting_group_id}`) : "—"),
      h("td", {}, String(c.open_amendments)),
      h("td", {}, localTime(c.last_change))))));
}

// The chair names a drafting group: a sub-roster of members and one or two co-leads.
function createForm(ctx) {
  const name = h("input", { type: "text", id: "drafting-name", maxlength: 200 });
  const people = [...ctx.names.entries()];
  const rows = people.map(([id, who]) => {
    const member = h("input", { type: "checkbox", id: `drafting-member-${id}`, value: id });
    const lead = h("input", { type: "checkbox", id: `drafting-lead-${id}`, value: id });
    return h("tr", {}, h("th", { scope: "row" }, who),
      h("td", {}, member, h("label", { for: member.id, className: "visually-hidden" }, `${who} sits in it`)),
      h("td", {}, lead, h("label", { for: lead.id, className: "visually-hidden" }, `${who} co-leads it`)));
  });
  const checked = (kind) => people.map(([id]) => id).filter((id) => document.getElementById(`drafting-${kind}-${id}`).checked);
  return h("details", { className: "card" }, h("summary", {}, "Name a drafting group…"),
    h("form", { onsubmit: (event) => {
      event.preventDefault();
      ctx.run("Naming the drafting group", async () => {
        const leads = checked("lead");
        const members = [...new Set([...checked("member"), ...leads])];
        const { data } = await ctx.api.post(`/v1/groups/${ctx.groupId}/drafting-groups`, { name: name.value.trim(), member_ids: members, co_lead_ids: leads });
        announce(`Drafting group “${data.name}” is named.`);
        location.hash = `#/drafting/${data.id}`;
      });
    } },
    h("label", { for: name.id }, "Name"), name,
    h("table", {}, h("caption", {}, "Who sits in it, and who co-leads it (one or two)"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Participant"), h("th", { scope: "col" }, "Member"), h("th", { scope: "col" }, "Co-lead"))),
      h("tbody", {}, rows)),
    h("div", { className: "actions" }, h("button", { type: "submit" }, "Name the drafting group"))));
}

// --- one drafting group's workspace ----------------------------------------------------------------

async function workspace(ctx, id) {
  const [{ data: group }, progress] = await Promise.all([ctx.api.get(`/v1/drafting-groups/${id}`), progressOf(ctx)]);
  const members = group.members || [];
  const coLead = members.some((m) => m.participant_id === ctx.me.id && m.is_co_lead);
  const parts = await partsOf(ctx, group);
  const out = [
    h("p", {}, pageLink("Every drafting group", "drafting")),
    h("h3", { id: "drafting-group-name" }, group.name),
    coLead ? h("p", {}, h("strong", {}, "You co-lead this drafting group.")) : null,
  ];
  if (members.length) {
    out.push(h("h4", {}, "Who drafts"), h("ul", { className: "drafting-members" }, members.map((m) =>
      h("li", {}, m.name, m.is_co_lead ? h("strong", {}, " (co-lead)") : "", h("span", { className: "muted" }, ` — ${[m.stakeholder.replace(/_/g, " "), m.region].filter(Boolean).join(", ")}`)))));
    if (group.composition) {
      const c = group.composition;
      out.push(h("p", { className: "muted" }, "Balance: ", Object.entries(c.stakeholders).map(([k, n]) => `${n} ${k.replace(/_/g, " ")}`).join(", "),
        "; regions: ", Object.entries(c.regions).map(([k, n]) => `${n} ${k || "not given"}`).join(", "), "."));
    }
  }
  out.push(h("h4", {}, "Its parts"));
  // A chapter moves with its sections: show the parts whose parent is not also held.
  const held = new Set(group.section_ids);
  const tops = parts.filter((p) => !(p.entry && p.entry.parent_id && held.has(p.entry.parent_id)));
  out.push(tops.length ? h("ol", { className: "cards parts" }, tops.map((p) => h("li", {}, partCard(ctx, group, p, coLead, progress)))) : h("p", {}, "No part is assigned to it yet."));
  if (ctx.can.chair() && ctx.report && ctx.report.status === "drafting") out.push(assignForm(ctx, group));
  return out;
}

// Each part's stage as the report stands now (read afresh: a live event reaches this page
// before the room has read the report again). A part of another report is read on its own.
async function partsOf(ctx, group) {
  const here = ctx.reportId ? (await ctx.api.get(`/v1/reports/${ctx.reportId}`)).data : null;
  const outline = new Map(((here && here.outline) || []).map((e) => [e.id, e]));
  return Promise.all(group.section_ids.map(async (sid) => {
    const entry = outline.get(sid);
    if (entry) return { id: sid, entry, stage: entry.stage, reportId: here.id };
    try {
      const { data } = await ctx.api.get(`/v1/sections/${sid}`);
      return { id: sid, entry: data, stage: null, reportId: data.report_id };
    } catch {
      return { id: sid, entry: null, stage: null, reportId: null };
    }
  }));
}

function partName(p) {
  return p.entry ? [p.entry.label, p.entry.heading].filter(Boolean).join(" ") || `Section ${p.id}` : `Section ${p.id}`;
}

function partCard(ctx, group, p, coLead, progress) {
  const name = partName(p);
  const chapter = progress && progress.chapters.find((c) => c.section_id === p.id);
  const card = h("article", { className: "part", id: `part-${p.id}`, "aria-labelledby": `part-${p.id}-title` },
    h("h5", { id: `part-${p.id}-title` }, p.entry ? roomLink(ctx, name, { reportId: p.reportId, target: `section-${p.id}` }) : name,
      h("span", { className: "badge" }, p.stage ? STAGES[p.stage] || p.stage : p.reportId === ctx.reportId ? "not staged" : "in another report")),
    chapter ? h("p", { className: "muted" }, `${chapter.open_amendments} open amendment(s); last change `, localTime(chapter.last_change), ".") : null);
  if (p.stage === "approved" || p.stage === "left_out" || !ctx.report || ctx.report.status !== "drafting") return card;
  const moves = MOVES.filter((m) => m.from.includes(p.stage) && (m.by === "chair" ? ctx.can.chair() : coLead));
  const controls = moves.map((move) => move.to === "left_out" ? leaveOut(ctx, p, name) : h("button", {
    type: "button", dataset: { key: `move-${p.id}-${move.to}` }, "aria-label": `${move.label}: ${name}`,
    onclick: () => moveTo(ctx, p, name, move.to),
  }, move.label));
  if (moves.some((m) => m.to === "approved")) {
    controls.push(h("p", { className: "muted" }, ctx.deciding()
      ? "A session that decides is in progress: approving takes effect now, as the group's decision."
      : "Approving is the group's decision, taken in a plenary or closed session in progress (none is now)."));
  }
  if (controls.length) card.append(h("div", { className: "actions" }, controls));
  // The co-leads decide amendments to a part still with the drafting group.
  if (p.stage === "in_drafting_group") {
    const waiting = (ctx.pending || ctx.amendments || []).filter((a) => a.section_id === p.id && a.status === "proposed");
    if (waiting.length) {
      card.append(h("p", {}, `Amendments waiting for the co-leads (${waiting.length}):`),
        h("ul", {}, waiting.map((a) => h("li", {}, roomLink(ctx, `Amendment ${a.id}`, { target: `amendment-${a.id}` }), `: ${a.instruction}`,
          coLead ? h("span", { className: "actions" },
            h("button", { type: "button", dataset: { key: `accept-${a.id}` }, "aria-label": `Accept amendment ${a.id} in the drafting group`, onclick: () => decide(ctx, a, "accept") }, "Accept"),
            h("button", { type: "button", className: "quiet", dataset: { key: `reject-${a.id}` }, "aria-label": `Reject amendment ${a.id} in the drafting group`, onclick: () => decide(ctx, a, "reject") }, "Reject"))
            : null))));
    }
  }
  return card;
}

function moveTo(ctx, p, name, to) {
  const what = { agreed_in_drafting_group: "Marking the part agreed", posted_to_group: "Posting the part to the group",
    posted_publicly: "Posting the part publicly", approved: "Approving the part", left_out: "Leaving the part out" }[to];
  return ctx.run(what, async () => {
    await ctx.api.post(`/v1/sections/${p.id}/stage`, { to });
    announce(`${name} is now ${STAGES[to]}.`);
    await ctx.showPage();
  });
}

function leaveOut(ctx, p, name) {
  const confirm = h("button", { type: "button", className: "danger", dataset: { key: `leave-out-${p.id}` }, onclick: () => moveTo(ctx, p, name, "left_out") }, `Yes, leave ${name} out of the report`);
  return h("details", { className: "leave-out" }, h("summary", { dataset: { key: `leave-out-open-${p.id}` } }, `Leave ${name} out…`), confirm);
}

function decide(ctx, a, decision) {
  return act(ctx, a, decision === "accept" ? "Accepting the amendment" : "Rejecting the amendment",
    (etag) => ctx.api.post(`/v1/amendments/${a.id}/group-decision`, { decision, reason: "" }, etag),
    `Amendment ${a.id} ${decision === "accept" ? "accepted: the part's text changed" : "rejected"} in the drafting group.`);
}

function assignForm(ctx, group) {
  const held = new Set(group.section_ids);
  const choice = h("select", { id: "assign-section" }, ctx.report.outline.filter((e) => !held.has(e.id)).map((e) =>
    h("option", { value: e.id }, `${"— ".repeat(Math.max(0, e.depth || 0))}${[e.label, e.heading].filter(Boolean).join(" ") || `Section ${e.id}`}`)));
  return h("form", { className: "row assign", onsubmit: (event) => {
    event.preventDefault();
    ctx.run("Giving the part to the drafting group", async () => {
      await ctx.api.post(`/v1/drafting-groups/${group.id}/assignments`, { section_id: Number(choice.value) });
      announce(`The part is now with ${group.name}.`);
      await ctx.showPage();
    });
  } }, h("label", { for: choice.id }, "Give a part (a chapter with all its sections) to this drafting group"), choice,
  h("button", { type: "submit" }, "Give it to the drafting group"));
}
