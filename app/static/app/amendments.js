// The amendments: filtered list with status and tally; the chair puts one on the floor;
// voting members answer open consent rounds (consent, can live with it where the server
// offers it, object with a reason); a proposer withdraws.

import { announce, h, keepFocus } from "./dom.js";

export const STATUS_NAMES = {
  proposed: "proposed", on_floor: "on the floor", consent_open: "consent round open",
  adopted: "adopted", rejected: "rejected", withdrawn: "withdrawn", superseded: "superseded",
  blocked: "blocked by an objection", lapsed: "lapsed", conflicted: "conflicts with the text",
};

export function renderAmendments(ctx) {
  renderFilters(ctx);
  const list = document.getElementById("amendment-list");
  keepFocus(list, () => {
    if (!ctx.amendments.length) {
      list.replaceChildren(h("p", {}, "No amendment matches."));
      return;
    }
    list.replaceChildren(h("ol", { className: "cards" }, ctx.amendments.map((a) => h("li", {}, renderAmendment(ctx, a)))));
  });
}

function renderFilters(ctx) {
  const box = document.getElementById("amendment-filters");
  if (box.childElementCount) return;
  const status = h("select", { id: "filter-status" }, h("option", { value: "" }, "Any status"),
    Object.entries(STATUS_NAMES).map(([value, label]) => h("option", { value }, label)));
  const kind = h("select", { id: "filter-kind" }, h("option", { value: "" }, "Any kind"),
    h("option", { value: "editorial" }, "Editorial"), h("option", { value: "substantive" }, "Substantive"));
  const apply = () => {
    ctx.filters.status = status.value;
    ctx.filters.kind = kind.value;
    ctx.reloadAmendments();
  };
  status.addEventListener("change", apply);
  kind.addEventListener("change", apply);
  box.replaceChildren(
    h("label", { for: "filter-status" }, "Status"), status,
    h("label", { for: "filter-kind" }, "Kind"), kind,
  );
}

function renderAmendment(ctx, a) {
  const card = h("article", { className: `amendment status-${a.status}`, id: `amendment-${a.id}`, "aria-labelledby": `amendment-title-${a.id}` },
    h("h3", { id: `amendment-title-${a.id}` }, `Amendment ${a.id}`, h("span", { className: "badge" }, STATUS_NAMES[a.status] || a.status)),
    h("p", { className: "instruction" }, a.instruction),
    h("p", { className: "muted" },
      `${a.kind === "substantive" ? "Substantive" : "Editorial"}`,
      a.suggested_kind !== a.kind ? ` (suggested: ${a.suggested_kind})` : "",
      `; proposed by ${ctx.nameOf(a.proposer_id)}`,
      a.rationale ? `; rationale: ${a.rationale}` : ""),
  );
  if (a.tally && (a.tally.voters || a.round_opened_at)) card.append(renderTally(ctx, a));
  if (a.outcome_note) card.append(h("p", {}, `Note: ${a.outcome_note}`));
  const actions = actionsFor(ctx, a);
  if (actions.length) card.append(h("div", { className: "actions" }, actions));
  return card;
}

function renderTally(ctx, a) {
  const t = a.tally;
  const lines = [h("p", { className: "tally" },
    `${t.consented} of ${t.voters} consented, ${t.objected} objected, ${t.pending} yet to answer.` +
    (t.stood_aside ? ` ${t.stood_aside} can live with it.` : "") +
    (t.withdrawn ? ` ${t.withdrawn} objection(s) withdrawn.` : ""))];
  const objections = t.answers.filter((answer) => answer.answer === "object");
  if (objections.length) {
    lines.push(h("ul", {}, objections.map((o) => h("li", {}, `Objection by ${ctx.nameOf(o.participant_id)}: ${o.reason}`))));
  }
  const mine = t.answers.find((answer) => answer.participant_id === ctx.me.id);
  if (mine) lines.push(h("p", {}, `Your answer: ${answerName(mine.answer)}.`));
  return h("div", {}, lines);
}

function answerName(answer) {
  return { consent: "consent", object: "objection", stand_aside: "can live with it" }[answer] || answer;
}

function actionsFor(ctx, a) {
  const out = [];
  const meeting = ctx.floor && ctx.floor.meeting;
  if (ctx.can.chair() && a.status === "proposed" && ctx.report.status === "drafting" && meeting && !meeting.closed_at) {
    out.push(button(`floor-${a.id}`, `Put amendment ${a.id} on the floor`, "Put on the floor", () =>
      act(ctx, a, "Putting the amendment on the floor", (etag) => ctx.api.post(`/v1/amendments/${a.id}/floor`, undefined, etag),
        `Amendment ${a.id} is on the floor.`)));
  }
  if ((ctx.can.chair() || ctx.can.secretariat()) && a.status === "proposed" && ctx.report.status === "adopted" && a.kind === "editorial") {
    out.push(button(`adopt-${a.id}`, `Adopt editorial amendment ${a.id}`, "Adopt", () =>
      act(ctx, a, "Adopting the amendment", (etag) => ctx.api.post(`/v1/amendments/${a.id}/adopt`, undefined, etag), `Amendment ${a.id} adopted.`)));
  }
  // A round blocked by an objection still takes answers until its deadline: the objector may
  // withdraw, others may still answer (tally.round_open says so).
  const roundOpen = a.status === "consent_open" || (a.status === "blocked" && a.tally && a.tally.round_open);
  if (roundOpen && ctx.can.vote()) out.push(...answerControls(ctx, a));
  if (a.proposer_id === ctx.me.id && ["proposed", "on_floor"].includes(a.status)) {
    out.push(button(`withdraw-${a.id}`, `Withdraw amendment ${a.id}`, "Withdraw", () =>
      ctx.run("Withdrawing the amendment", async () => {
        await ctx.api.post(`/v1/amendments/${a.id}/withdraw`, { reason: "" });
        announce(`Amendment ${a.id} withdrawn.`);
        await ctx.refresh();
      })));
  }
  return out;
}

function answerControls(ctx, a) {
  const controls = [button(`consent-${a.id}`, `Consent to amendment ${a.id}`, "Consent", () =>
    answer(ctx, a, "consent", undefined))];
  if (ctx.answers.includes("stand_aside")) {
    controls.push(button(`stand-aside-${a.id}`, `Can live with it: amendment ${a.id}`, "Can live with it", () =>
      answer(ctx, a, "stand_aside", undefined)));
  }
  // An objection being written survives the live refreshes other members' answers cause.
  ctx.objecting = ctx.objecting || new Map();
  const reasonId = `reason-${a.id}`;
  const reason = h("textarea", { id: reasonId, rows: 2, dataset: { key: reasonId } });
  reason.value = ctx.objecting.get(a.id) || "";
  reason.addEventListener("input", () => ctx.objecting.set(a.id, reason.value));
  const objection = h("form", { className: "objection", hidden: !ctx.objecting.has(a.id), onsubmit: (event) => {
    event.preventDefault();
    if (!reason.value.trim()) {
      ctx.fail(new Error("An objection needs a reason the group can read."), "Objecting");
      reason.focus();
      return;
    }
    ctx.objecting.delete(a.id);
    answer(ctx, a, "object", reason.value.trim());
  } },
  h("label", { for: reasonId }, `Why do you object to amendment ${a.id}?`), reason,
  h("button", { type: "submit", dataset: { key: `send-objection-${a.id}` } }, "Send the objection"));
  const open = button(`object-${a.id}`, `Object to amendment ${a.id}`, "Object…", () => {
    if (!ctx.objecting.has(a.id)) ctx.objecting.set(a.id, "");
    objection.hidden = false;
    reason.focus();
  });
  controls.push(open, objection);
  const mine = a.tally && a.tally.answers.find((given) => given.participant_id === ctx.me.id);
  if (mine && mine.answer === "object") {
    controls.push(button(`withdraw-objection-${a.id}`, `Withdraw my objection to amendment ${a.id}`,
      "Withdraw my objection", () => ctx.run("Withdrawing the objection", async () => {
        await ctx.api.post(`/v1/amendments/${a.id}/withdraw-objection`, { reason: "" });
        announce(`Your objection to amendment ${a.id} is withdrawn; the round goes on.`);
        await ctx.refresh();
      })));
  }
  return controls;
}

function answer(ctx, a, kind, reason) {
  return ctx.run("Answering the consent round", async () => {
    if (kind === "consent") await ctx.api.post(`/v1/amendments/${a.id}/consent`);
    else if (kind === "object") await ctx.api.post(`/v1/amendments/${a.id}/object`, { reason });
    else if (ctx.answerPaths.stand_aside) await ctx.api.post(ctx.answerPaths.stand_aside.replace("{amendment_id}", a.id), { reason: "" });
    else if (ctx.answerPaths.answer) await ctx.api.post(`/v1/amendments/${a.id}/answer`, { answer: kind });
    else throw new Error("This server does not take that answer.");
    announce(`Your answer on amendment ${a.id} was recorded: ${answerName(kind)}.`);
    await ctx.refresh();
  });
}

function button(key, label, text, onclick) {
  return h("button", { type: "button", dataset: { key }, "aria-label": label, onclick }, text);
}

// A write guarded by the amendment as shown: read its ETag now; if it changed since the page
// showed it, say what changed instead of acting on something the user has not seen.
export async function act(ctx, shown, what, write, done) {
  return ctx.run(what, async () => {
    const { data: now, etag } = await ctx.api.get(`/v1/amendments/${shown.id}`);
    const changes = describeChanges(shown, now);
    if (changes) {
      await ctx.refresh();
      throw new Error(`Amendment ${shown.id} changed since you read it: ${changes}. The page now shows it as it is; try again if you still mean it.`);
    }
    try {
      await write(etag);
    } catch (error) {
      if (error.status === 412) {
        const { data: later } = await ctx.api.get(`/v1/amendments/${shown.id}`);
        await ctx.refresh();
        error.message = `Amendment ${shown.id} changed while you acted: ${describeChanges(shown, later) || "its answers changed"}. The page now shows it as it is.`;
      }
      throw error;
    }
    announce(done);
    await ctx.refresh();
  });
}

export function describeChanges(before, after) {
  const changes = [];
  if (before.status !== after.status) changes.push(`it is now ${STATUS_NAMES[after.status] || after.status}`);
  if (before.draft_revision !== after.draft_revision) changes.push(`its wording was revised (now revision ${after.draft_revision}): ${after.instruction}`);
  else if (before.proposed_text !== after.proposed_text) changes.push(`its wording changed: ${after.instruction}`);
  if (before.kind !== after.kind) changes.push(`it is now ${after.kind}`);
  return changes.join("; ");
}
