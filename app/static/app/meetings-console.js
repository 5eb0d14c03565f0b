// The chair's console on the Meetings page: the agenda, the list of speakers (and "ask for
// the floor" for whoever the session's kind lets speak), the projector and the floor queue.

import { announce, h } from "./dom.js";
import { VIEWS, act, isChair, minutes, refresh, state, writesAgenda } from "./meetings-state.js";

// --- the agenda ---------------------------------------------------------------------------

export function agendaPart(ctx, container, s, screen) {
  const items = screen.agenda;
  const open = !s.ended_at;
  const move = (item, position) => ctx.run("Moving the agenda item", async () => {
    await ctx.api.post(`/v1/sessions/${s.id}/agenda/${item.id}/move`, { position });
    announce(`“${item.title}” is now item ${position}.`);
    await refresh(ctx, container);
  });
  const rows = items.map((item, index) => {
    const here = s.current_item && s.current_item.id === item.id;
    const controls = [];
    if (writesAgenda(ctx) && open) {
      if (index > 0) {
        controls.push(h("button", { type: "button", className: "quiet", dataset: { key: `up-${item.id}` },
          "aria-label": `Move up “${item.title}”`, onclick: () => move(item, index) }, "Move up"));
      }
      if (index < items.length - 1) {
        controls.push(h("button", { type: "button", className: "quiet", dataset: { key: `down-${item.id}` },
          "aria-label": `Move down “${item.title}”`, onclick: () => move(item, index + 2) }, "Move down"));
      }
    }
    if (isChair(ctx) && s.status === "in_progress" && !here) {
      controls.push(h("button", { type: "button", dataset: { key: `take-${item.id}` },
        "aria-label": `Take up “${item.title}”`,
        onclick: () => act(ctx, container, "Taking up the item", `/v1/sessions/${s.id}/agenda/current`, { item_id: item.id }, `Item ${item.position} is under discussion.`) },
      "Take up"));
    }
    return h("li", { className: here ? "current" : null, "aria-current": here ? "step" : null, dataset: { item: item.id } },
      h("span", {}, item.title), here ? h("strong", {}, " (under discussion)") : "",
      item.note ? h("span", { className: "muted" }, ` — ${item.note}`) : "",
      controls.length ? h("span", { className: "actions" }, " ", ...controls) : "");
  });
  const part = h("section", { className: "card", "aria-labelledby": "agenda-title" },
    h("h4", { id: "agenda-title" }, "Agenda"),
    rows.length ? h("ol", { id: "agenda-items" }, rows) : h("p", {}, "The agenda is empty."));
  if (isChair(ctx) && s.status === "in_progress" && items.length) {
    part.append(h("div", { className: "actions" }, h("button", { type: "button", dataset: { key: "next-item" },
      onclick: () => act(ctx, container, "Taking up the next item", `/v1/sessions/${s.id}/agenda/current`, { item_id: null }, "The next item is under discussion.") },
    "Next item")));
  }
  if (writesAgenda(ctx) && open) part.append(agendaForm(ctx, container, s));
  return part;
}

function agendaForm(ctx, container, s) {
  const title = h("input", { id: "agenda-new-title", type: "text", required: true, dataset: { key: "agenda-new-title" } });
  const sections = (ctx.report && ctx.report.outline) || [];
  const target = h("select", { id: "agenda-new-target", dataset: { key: "agenda-new-target" } },
    h("option", { value: "text" }, "Nothing (free text)"),
    h("option", { value: "amendment_list" }, "The amendment list"),
    sections.map((section) => h("option", { value: `part:${section.id}` },
      `Part ${section.label ? `${section.label} ` : ""}${section.heading || ""}`.trim())));
  return h("form", { className: "agenda-form", onsubmit: (event) => {
    event.preventDefault();
    const body = { kind: target.value, title: title.value.trim() };
    if (target.value.startsWith("part:")) {
      body.kind = "report_part";
      body.target_id = Number(target.value.slice(5));
    }
    act(ctx, container, "Adding the agenda item", `/v1/sessions/${s.id}/agenda`, body, `“${body.title}” is on the agenda.`,
      ["agenda-new-title", "agenda-new-target"]);
  } },
  h("label", { for: title.id }, "New agenda item"), title,
  h("label", { for: target.id }, "It points at"), target,
  h("div", { className: "actions" }, h("button", { type: "submit", dataset: { key: "agenda-add" } }, "Add to the agenda")));
}

// --- the list of speakers -----------------------------------------------------------------

function speakerLine(r) {
  const time = r.spoken_seconds === null || r.spoken_seconds === undefined ? null
    : h("span", { role: "timer", "aria-label": "Speaking time", dataset: r.status === "speaking" ? { spoken: r.spoken_seconds } : {} },
      minutes(r.spoken_seconds));
  return [h("span", { className: "speaker-name" }, r.label),
    r.point_of_order ? h("strong", {}, " (point of order)") : "",
    r.status === "speaking" ? " — speaking " : r.status === "waiting" ? " — waiting" : ` — ${r.status}`,
    time, r.over_time ? h("strong", {}, " over time") : ""];
}

export function speakersPart(ctx, container, s, screen) {
  const live = s.status === "in_progress";
  const speakers = screen.speakers;
  const rows = speakers.map((r) => {
    const controls = [];
    if (isChair(ctx) && live && r.status === "waiting") {
      controls.push(h("button", { type: "button", dataset: { key: `give-${r.id}` }, "aria-label": `Give the floor to ${r.label}`,
        onclick: () => act(ctx, container, "Giving the floor", `/v1/sessions/${s.id}/speakers/give`, { request_id: r.id }, `${r.label} has the floor.`) },
      "Give the floor"));
      controls.push(h("button", { type: "button", className: "quiet", dataset: { key: `skip-${r.id}` }, "aria-label": `Skip ${r.label}`,
        onclick: () => act(ctx, container, "Skipping the speaker", `/v1/speakers/${r.id}/skip`, undefined, `${r.label} was skipped.`) },
      "Skip"));
    }
    return h("li", { className: r.status === "speaking" ? "current" : null, dataset: { request: r.id } },
      ...speakerLine(r), controls.length ? h("span", { className: "actions" }, " ", ...controls) : "");
  });
  const part = h("section", { className: "card", "aria-labelledby": "speakers-title" },
    h("h4", { id: "speakers-title" }, "List of speakers"),
    s.speaking_seconds ? h("p", { className: "muted" }, `Each speaker has ${minutes(s.speaking_seconds)}. Points of order come first.`)
      : h("p", { className: "muted" }, "Points of order come first."),
    rows.length ? h("ol", { id: "speaker-list" }, rows) : h("p", { id: "speaker-list" }, "Nobody has asked for the floor."));
  if (isChair(ctx) && live) {
    const speaking = speakers.some((r) => r.status === "speaking");
    part.append(h("div", { className: "actions" },
      h("button", { type: "button", dataset: { key: "next-speaker" }, disabled: !speakers.some((r) => r.status === "waiting"),
        onclick: () => act(ctx, container, "Giving the floor to the next speaker", `/v1/sessions/${s.id}/speakers/give`, { request_id: null }, "The next speaker has the floor.") },
      "Next speaker"),
      speaking ? h("button", { type: "button", className: "quiet", dataset: { key: "end-speech" },
        onclick: () => act(ctx, container, "Ending the speech", `/v1/sessions/${s.id}/speakers/end`, undefined, "The speech has ended.") },
      "End the speech") : null));
  }
  part.append(askPart(ctx, container, s, speakers));
  return part;
}

// Who may ask follows the session's kind (app/visibility.py): in a plenary, observers attend
// without the right to speak; the server refuses them too, this only says why beforehand.
function whyNotAsk(ctx, s) {
  if (s.status !== "in_progress") return s.status === "scheduled" ? "The session has not started." : "The session has ended.";
  if (s.kind === "plenary" && ctx.role === "observer") return "In a plenary session observers attend without the right to speak.";
  return null;
}

function askPart(ctx, container, s, speakers) {
  const why = whyNotAsk(ctx, s);
  const box = h("div", { className: "ask", id: "ask-floor" });
  if (why) {
    box.append(h("p", { id: "ask-why" }, why));
    return box;
  }
  const own = speakers.filter((r) => r.status === "waiting"
    && ((r.participant_id !== null && r.participant_id === ctx.me.id) || state.mine.has(r.id)));
  const ask = (pointOfOrder) => ctx.run("Asking for the floor", async () => {
    const { data } = await ctx.api.post(`/v1/sessions/${s.id}/speakers`, { point_of_order: pointOfOrder });
    state.mine.add(data.id);
    announce(pointOfOrder ? "Your point of order is on the list." : "You are on the list of speakers.");
    await refresh(ctx, container);
  });
  const controls = [];
  if (!own.some((r) => !r.point_of_order)) {
    controls.push(h("button", { type: "button", id: "ask-for-floor", dataset: { key: "ask-for-floor" }, onclick: () => ask(false) }, "Ask for the floor"));
  }
  if (!own.some((r) => r.point_of_order)) {
    controls.push(h("button", { type: "button", className: "quiet", id: "point-of-order", dataset: { key: "point-of-order" }, onclick: () => ask(true) }, "Raise a point of order"));
  }
  for (const r of own) {
    controls.push(h("button", { type: "button", className: "quiet", dataset: { key: `withdraw-${r.id}` },
      onclick: () => act(ctx, container, "Withdrawing the request", `/v1/speakers/${r.id}/withdraw`, undefined, "Your request for the floor is withdrawn.") },
    r.point_of_order ? "Withdraw my point of order" : "Withdraw my request"));
  }
  box.append(h("div", { className: "actions" }, ...controls));
  return box;
}

// --- the projector ------------------------------------------------------------------------

export function projectionPart(ctx, container, s) {
  const shown = s.projection ? s.projection.view : null;
  const project = (view, paragraph) => act(ctx, container, "Projecting", `/v1/sessions/${s.id}/projection`,
    paragraph ? { view, paragraph } : { view }, "The screen shows it.");
  const live = s.status === "in_progress";
  const paragraph = h("input", { id: "project-paragraph", type: "number", min: 1, dataset: { key: "project-paragraph" } });
  const describe = !shown ? "Nothing is projected."
    : shown === "report" ? `The screen shows the report${s.projection.paragraph ? ` at paragraph ${s.projection.paragraph}` : ""}.`
      : `The screen shows ${(VIEWS.find(([v]) => v === shown) || [shown, `the ${shown}`])[1].replace(/^The/, "the")}.`;
  const part = h("section", { className: "card", "aria-labelledby": "projection-title" },
    h("h4", { id: "projection-title" }, "The projector"),
    h("p", { id: "projection-now" }, describe));
  if (!live) return part;
  part.append(h("div", { className: "actions" }, VIEWS.map(([view, label]) => h("button", {
    type: "button", dataset: { key: `project-${view}` }, "aria-pressed": shown === view ? "true" : "false",
    onclick: () => project(view) }, `Project ${label.replace(/^The/, "the")}`))));
  part.append(h("form", { className: "row", onsubmit: (event) => {
    event.preventDefault();
    project("report", Number(paragraph.value) || null);
  } }, h("label", { for: paragraph.id }, "Paragraph of the report"), paragraph,
  h("button", { type: "submit", dataset: { key: "project-report" } }, "Project the report")));
  return part;
}

// --- the floor ----------------------------------------------------------------------------

function amendmentName(ctx, id) {
  const found = (ctx.pending || ctx.amendments || []).find((a) => a.id === id);
  return found ? `Amendment ${id}: ${found.instruction}` : `Amendment ${id}`;
}

export function floorPart(ctx, container) {
  const floor = state.floor || {};
  const onFloor = floor.floor && floor.floor.amendment;
  const note = floor.meeting && floor.meeting.floor_note;
  const part = h("section", { className: "card", "aria-labelledby": "floor-queue-title" },
    h("h4", { id: "floor-queue-title" }, "The floor"),
    h("p", { id: "floor-now" }, onFloor ? `On the floor: ${amendmentName(ctx, onFloor.id)}` : "No amendment is on the floor."),
    note ? h("p", { id: "floor-note", className: "notice" }, note) : null);
  const queue = floor.floor_queue || [];
  part.append(queue.length
    ? h("ol", { id: "floor-queue", "aria-label": "Queued for the floor" }, queue.map((q) =>
      h("li", {}, amendmentName(ctx, q.amendment_id), q.deferred ? " (deferred)" : "")))
    : h("p", { className: "muted" }, "Nothing is queued for the floor."));
  if (!isChair(ctx) || !floor.meeting || floor.meeting.closed_at) return part;
  const reason = h("input", { id: "floor-reason", type: "text", dataset: { key: "floor-reason" } });
  const controls = [];
  if (onFloor) {
    controls.push(h("button", { type: "button", dataset: { key: "take-off" },
      onclick: () => act(ctx, container, "Taking the amendment off the floor", `/v1/amendments/${onFloor.id}/take-off`, { reason: reason.value.trim() }, "The amendment is off the floor.", ["floor-reason"], state.floorEtag) },
    "Take it off the floor"));
    controls.push(h("button", { type: "button", dataset: { key: "defer" },
      onclick: () => act(ctx, container, "Deferring the amendment", `/v1/amendments/${onFloor.id}/defer`, { reason: reason.value.trim() }, "The amendment is deferred.", ["floor-reason"], state.floorEtag) },
    "Defer it"));
  }
  controls.push(h("button", { type: "button", dataset: { key: "floor-next" }, disabled: !queue.length || Boolean(onFloor),
    onclick: () => act(ctx, container, "Calling the next amendment", `/v1/meetings/${floor.meeting.id}/floor/next`, undefined, "The next amendment is called.") },
  "Next from the queue"));
  if (onFloor) part.append(h("label", { for: reason.id }, "Reason (shown with the floor)"), reason);
  part.append(h("div", { className: "actions" }, ...controls));
  const queued = new Set(queue.map((q) => q.amendment_id));
  const proposed = (ctx.pending || []).filter((a) => a.status === "proposed" && !queued.has(a.id));
  if (proposed.length) {
    const pick = h("select", { id: "queue-pick", dataset: { key: "queue-pick" } },
      proposed.map((a) => h("option", { value: a.id }, amendmentName(ctx, a.id))));
    part.append(h("form", { className: "row", onsubmit: (event) => {
      event.preventDefault();
      act(ctx, container, "Queueing the amendment", `/v1/amendments/${pick.value}/queue`, undefined, "The amendment is queued for the floor.", ["queue-pick"]);
    } }, h("label", { for: pick.id }, "Queue for the floor"), pick,
    h("button", { type: "submit", dataset: { key: "queue-add" } }, "Queue it")));
  }
  return part;
}
