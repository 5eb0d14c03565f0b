// The amendments: filtered list with status and tally; the chair puts one on the floor;
// voting members answer open consent rounds (consent, can live with it where the server
// offers it, object with a reason), each answer signed with the member's own key (keys.js);
// a proposer withdraws. After adoption an editorial change waits out its notice: voting
// members accept it now or call it substance; the chair or the secretariat may reject it.

import { announce, backToFocus, carryOver, h, whereFocus } from "./dom.js";
import { renderReport } from "./report.js";
import { deadline, editableSpan, paragraphChanges } from "./changes.js";
import { signFor } from "./keys.js";
import { structureChanges } from "./structure.js";
import { threadsLink } from "./threads.js";

export const STATUS_NAMES = {
  proposed: "proposed", on_floor: "on the floor", consent_open: "consent round open",
  adopted: "adopted", rejected: "rejected", withdrawn: "withdrawn", superseded: "superseded",
  blocked: "blocked by an objection", lapsed: "lapsed", conflicted: "conflicts with the text",
};

export function renderAmendments(ctx) {
  renderFilters(ctx);
  const list = document.getElementById("amendment-list");
  const shown = ctx.amendments.filter((a) => shownBy(ctx, a));
  const place = whereFocus();
  // A card whose rendering would be the same is kept as it is (a click or a form in it
  // survives a refresh that changed nothing on it); the others are drawn again, carrying
  // over what was typed or opened in them.
  const kept = new Map([...list.querySelectorAll(":scope > ol > li[data-amendment]")].map((li) => [Number(li.dataset.amendment), li]));
  const items = shown.map((a) => {
    const signature = cardSignature(ctx, a);
    const old = kept.get(a.id);
    if (old && old.signature === signature) return old;
    const li = h("li", { dataset: { amendment: a.id } }, renderAmendment(ctx, a));
    li.signature = signature;
    if (old) carryOver(old, li);
    return li;
  });
  if (!shown.length) {
    const none = ctx.amendments.length ? `No amendment is ${SHOW_WORDS[ctx.show] || "shown"}.` : "No amendment matches.";
    list.replaceChildren(h("p", {}, none));
  } else {
    const ol = list.querySelector(":scope > ol.cards") || h("ol", { className: "cards" });
    const same = ol.children.length === items.length && items.every((li, index) => ol.children[index] === li);
    if (!same) ol.replaceChildren(...items);
    if (ol.parentElement !== list || list.childElementCount !== 1) list.replaceChildren(ol);
  }
  backToFocus(place, list);
}

function cardSignature(ctx, a) {
  const meeting = ctx.floor && ctx.floor.meeting;
  const entry = ctx.report.outline.find((e) => e.id === a.section_id);
  return JSON.stringify([a, ctx.role, ctx.me && ctx.me.id, ctx.report.status, Boolean(meeting && !meeting.closed_at),
    Boolean(ctx.signer), ctx.names.size, entry ? entry.head_version : null, ctx.answers]);
}

// What the reader asks to see, in the list and in the margin of the text: every amendment,
// only mine, the one on the floor, those in a consent round, those in conflict with the text.
// Kept in `ctx.show` (never in a redrawn element), so a redraw never resets it.
export const SHOWS = [["all", "All"], ["mine", "Mine"], ["floor", "On the floor"], ["consent", "In consent"], ["conflicted", "Conflicted"]];
const SHOW_WORDS = { mine: "yours", floor: "on the floor", consent: "in a consent round", conflicted: "in conflict with the text" };

export function shownBy(ctx, a) {
  const show = ctx.show || "all";
  if (show === "mine") return Boolean(ctx.me) && a.proposer_id === ctx.me.id;
  if (show === "floor") return a.status === "on_floor";
  if (show === "consent") return a.status === "consent_open" || (a.status === "blocked" && Boolean(a.tally && a.tally.round_open));
  if (show === "conflicted") return a.status === "conflicted";
  return true;
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
  // One radio group: one tab stop, arrows choose; the text's margin follows at once.
  ctx.show = ctx.show || "all";
  const choices = SHOWS.filter(([value]) => value !== "mine" || ctx.can.propose());
  const show = h("fieldset", { className: "show-filter", id: "show-filter" }, h("legend", {}, "Show"),
    choices.map(([value, label]) => h("span", { className: "check" },
      h("input", { type: "radio", name: "show", id: `show-${value}`, value, checked: ctx.show === value, dataset: { key: `show-${value}` },
        onchange: (event) => {
          if (!event.target.checked) return;
          ctx.show = value;
          renderAmendments(ctx);
          renderReport(ctx);
          document.body.dataset.show = value;
        } }),
      h("label", { for: `show-${value}` }, label))));
  document.body.dataset.show = ctx.show;
  box.replaceChildren(
    show,
    h("label", { for: "filter-status" }, "Status"), status,
    h("label", { for: "filter-kind" }, "Kind"), kind,
  );
}

function renderAmendment(ctx, a) {
  const notice = isNotice(a);
  const card = h("article", { className: `amendment status-${a.status}`, id: `amendment-${a.id}`, "aria-labelledby": `amendment-title-${a.id}` },
    h("h3", { id: `amendment-title-${a.id}` }, `Amendment ${a.id}`,
      h("span", { className: "badge" }, notice ? "editorial notice" : STATUS_NAMES[a.status] || a.status),
      a.kind_disputed ? h("span", { className: "badge disputed" }, "disputed: the server reads this as substantive") : null),
    notice ? h("p", { className: "notice" }, h("strong", {}, "Editorial change: applies on ", deadline(a.consent_deadline), " unless a member calls it substance"),
      " (or at once when every voting member has accepted it).") : null,
    a.kind_disputed && a.kind === "editorial" && OPEN.includes(a.status)
      ? h("p", { className: "warning" }, "Its proposer calls this change editorial; the server's reading of it says substantive. Any voting member may call it substance.")
      : null,
    h("p", { className: "instruction" }, a.instruction),
    h("p", { className: "muted" },
      `${a.kind === "substantive" ? "Substantive" : "Editorial"}`,
      a.suggested_kind !== a.kind ? ` (suggested: ${a.suggested_kind})` : "",
      `; proposed by ${ctx.nameOf(a.proposer_id)}`,
      a.rationale ? `; rationale: ${a.rationale}` : ""),
  );
  card.append(changeDetails(ctx, a));
  if (a.tally && (a.tally.voters || a.round_opened_at)) card.append(renderTally(ctx, a));
  if (a.outcome_note) card.append(h("p", {}, `Note: ${a.outcome_note}`));
  const actions = actionsFor(ctx, a);
  if (actions.length) card.append(h("div", { className: "actions" }, actions));
  // Its discussion, beside it (threads on earlier wordings come along with a revision).
  card.append(h("p", { className: "threads-link" }, threadsLink(`Threads on amendment ${a.id}`, { amendment: a.id })));
  return card;
}

const OPEN = ["proposed", "on_floor", "consent_open"];

// An editorial change after adoption, waiting out its notice (the server says so).
function isNotice(a) {
  return Boolean(a.notice) && a.status === "consent_open";
}

// Who has not answered yet, by name from the roster (members see them; the public view
// of the tally has no ids, and then nothing is listed).
function pendingVoters(ctx, a) {
  const ids = (a.tally && a.tally.pending_participant_ids) || [];
  if (!ids.length || !a.tally.round_open) return null;
  const names = ids.map((id) => (id === ctx.me.id ? "you" : ctx.nameOf(id)));
  return h("p", { className: "pending-voters" }, h("strong", {}, "Yet to answer: "), names.join(", "), ".");
}

function roundDeadline(a) {
  if (!(a.tally && a.tally.round_open) || isNotice(a)) return null;
  if (!a.consent_deadline) return h("p", { className: "deadline" }, "This round has no deadline: it ends when every voter has answered, or when the chair ends it.");
  return h("p", { className: "deadline" }, "The round ends on ", deadline(a.consent_deadline), ".",
    a.remind_at && !a.reminded_at ? [" A reminder goes out on ", deadline(a.remind_at), "."] : null);
}

function renderTally(ctx, a) {
  const t = a.tally;
  if (isNotice(a)) {
    const lines = [h("p", { className: "tally" }, `${t.consented} of ${t.voters} accepted it, ${t.pending} yet to answer.`)];
    const mine = t.answers.find((answer) => answer.participant_id === ctx.me.id);
    if (mine) lines.push(h("p", {}, "You accepted it."));
    lines.push(pendingVoters(ctx, a));
    return h("div", {}, lines);
  }
  const lines = [h("p", { className: "tally" },
    `${t.consented} of ${t.voters} consented, ${t.objected} objected, ${t.pending} yet to answer.` +
    (t.stood_aside ? ` ${t.stood_aside} can live with it.` : "") +
    (t.withdrawn ? ` ${t.withdrawn} objection(s) withdrawn.` : ""))];
  const objections = t.answers.filter((answer) => answer.answer === "object");
  if (objections.length) {
    lines.push(h("ul", {}, objections.map((o) => h("li", {}, `Objection by ${ctx.nameOf(o.participant_id)}: ${o.reason}`,
      o.id ? [" ", threadsLink("Discuss this objection", { objection: o.id, amendment: a.id }, `Discuss this objection (by ${ctx.nameOf(o.participant_id)}, to amendment ${a.id})`)] : null))));
  }
  const mine = t.answers.find((answer) => answer.participant_id === ctx.me.id);
  if (mine) lines.push(h("p", {}, `Your answer: ${answerName(mine.answer)}.`));
  lines.push(pendingVoters(ctx, a), roundDeadline(a));
  return h("div", {}, lines);
}

function answerName(answer, a) {
  if (answer === "consent" && a && isNotice(a)) return "accepted";
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
  // After adoption nobody adopts an editorial change alone: it waits out its notice. The
  // chair or the secretariat may still reject it meanwhile.
  const notice = isNotice(a);
  if (notice && ctx.can.vote()) out.push(...noticeControls(ctx, a));
  if (notice && (ctx.can.chair() || ctx.can.secretariat())) out.push(rejectNotice(ctx, a));
  // A round blocked by an objection still takes answers until its deadline: the objector may
  // withdraw, others may still answer (tally.round_open says so).
  const roundOpen = a.status === "consent_open" || (a.status === "blocked" && a.tally && a.tally.round_open);
  if (roundOpen && !notice && ctx.can.vote()) out.push(...answerControls(ctx, a));
  // Any voting member may say an editorial change raises an issue of substance (a notice
  // has its own "Call it substance" above).
  if (!notice && ctx.can.vote() && a.kind === "editorial" && ["proposed", "on_floor", "consent_open"].includes(a.status)) {
    out.push(...escalateControls(ctx, a));
  }
  // The chair (or the secretariat) reminds the voters who have not answered; the chair may
  // end an open round as blocked, for good.
  const roundRunning = a.tally && a.tally.round_open && ["consent_open", "blocked"].includes(a.status);
  if (roundRunning && (ctx.can.chair() || ctx.can.secretariat()) && a.tally.pending > 0) {
    out.push(button(`remind-${a.id}`, `Remind the voters who have not answered amendment ${a.id}`, "Remind those yet to answer", () =>
      ctx.run("Sending the reminder", async () => {
        await ctx.api.post(`/v1/amendments/${a.id}/remind`);
        announce(`A reminder went to the ${a.tally.pending} voter(s) yet to answer amendment ${a.id}.`);
        await ctx.refresh();
      })));
  }
  if (roundRunning && !notice && ctx.can.chair()) out.push(...closeBlockedControls(ctx, a));
  // Revise: the proposer or the chair files a new wording (a new amendment, a new round).
  const revisable = ["proposed", "consent_open", "blocked"].includes(a.status) && !a.revised_by_id && !a.structure;
  if (revisable && (a.proposer_id === ctx.me.id || ctx.can.chair())) out.push(...reviseControls(ctx, a));
  if (a.proposer_id === ctx.me.id && ["proposed", "on_floor"].includes(a.status)) {
    // Withdrawing names the amendment as shown (If-Match): a wording revised meanwhile is
    // shown first, never withdrawn unseen.
    out.push(button(`withdraw-${a.id}`, `Withdraw amendment ${a.id}`, "Withdraw", () =>
      act(ctx, a, "Withdrawing the amendment",
        (etag) => ctx.api.post(`/v1/amendments/${a.id}/withdraw`, { reason: "" }, etag),
        `Amendment ${a.id} withdrawn.`)));
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
  controls.push(...reasonForm(ctx, a, {
    name: "object", open: "Object…", openLabel: `Object to amendment ${a.id}`,
    question: `Why do you object to amendment ${a.id}?`, send: "Send the objection",
    empty: ["An objection needs a reason the group can read.", "Objecting"],
    done: (reason) => answer(ctx, a, "object", reason),
  }));
  const mine = a.tally && a.tally.answers.find((given) => given.participant_id === ctx.me.id);
  if (mine && mine.answer === "object") {
    controls.push(button(`withdraw-objection-${a.id}`, `Withdraw my objection to amendment ${a.id}`,
      "Withdraw my objection", () => answer(ctx, a, "withdraw", "")));
  }
  if (!ctx.signer) controls.push(unsigned());
  return controls;
}

// An editorial notice: accept it now (a signed consent), or call it substance (escalate:
// it becomes a substantive consent round). There is nothing to object to.
function noticeControls(ctx, a) {
  const controls = [button(`consent-${a.id}`, `Accept now: editorial amendment ${a.id}`, "Accept now", () =>
    answer(ctx, a, "consent", undefined))];
  controls.push(...escalateControls(ctx, a));
  if (!ctx.signer) controls.push(unsigned());
  return controls;
}

function escalateControls(ctx, a) {
  return reasonForm(ctx, a, {
    name: "escalate", open: "Call it substance…", openLabel: `Call it substance: amendment ${a.id}`,
    question: `Why does amendment ${a.id} raise an issue of substance?`, send: "Call it substance",
    empty: ["Calling a change substance needs a reason the group can read.", "Calling it substance"],
    done: (reason) => act(ctx, a, "Calling it substance",
      (etag) => ctx.api.post(`/v1/amendments/${a.id}/escalate`, { reason }, etag),
      `Amendment ${a.id} is now substantive: it needs every voting member's consent.`),
  });
}

function closeBlockedControls(ctx, a) {
  return reasonForm(ctx, a, {
    name: "close-blocked", open: "Close the round as blocked…", openLabel: `Close the round on amendment ${a.id} as blocked`,
    question: `Why is the round on amendment ${a.id} closed as blocked?`, send: "Close it as blocked, for good",
    empty: ["Closing a round as blocked needs a reason the group can read.", "Closing the round"],
    done: (reason) => act(ctx, a, "Closing the round as blocked",
      (etag) => ctx.api.post(`/v1/amendments/${a.id}/close-blocked`, { reason }, etag),
      `The round on amendment ${a.id} is closed as blocked; a revised wording can still be filed.`),
  });
}

// A new wording: the paragraphs it changes in a box (the rest of the section as it is).
function reviseControls(ctx, a) {
  ctx.writing = ctx.writing || new Map();
  const slot = `revise-${a.id}`;
  const section = ctx.floor.sections.find((s) => s.id === a.section_id);
  const span = section ? editableSpan(section.text, a.proposed_text) : { start: 0, end: a.proposed_text.length, whole: true };
  const prefix = span.whole ? "" : a.proposed_text.slice(0, span.start);
  const suffix = span.whole ? "" : a.proposed_text.slice(span.end);
  const id = `revise-text-${a.id}`;
  const area = h("textarea", { id, rows: 5, dataset: { key: id } });
  area.value = ctx.writing.has(slot) && ctx.writing.get(slot) ? ctx.writing.get(slot) : a.proposed_text.slice(span.start, span.end);
  area.addEventListener("input", () => ctx.writing.set(slot, area.value));
  const form = h("form", { className: "change-form", hidden: !ctx.writing.has(slot), onsubmit: (event) => {
    event.preventDefault();
    const text = prefix + area.value + suffix;
    if (text === a.proposed_text) {
      ctx.fail(new Error("The wording is unchanged: edit it before filing the revision."), "Revising");
      area.focus();
      return;
    }
    ctx.writing.delete(slot);
    act(ctx, a, "Revising the amendment",
      (etag) => ctx.api.post(`/v1/amendments/${a.id}/revise`, { text }, etag),
      `Amendment ${a.id} was revised: the new wording is a new amendment, and the voters are asked again.`);
  } },
  h("label", { for: id }, `New wording of amendment ${a.id}${span.whole ? " (the whole section)" : " (the paragraphs it changes)"}`), area,
  h("button", { type: "submit", dataset: { key: `send-${slot}` } }, "File the revised wording"),
  h("button", { type: "button", className: "quiet", onclick: () => {
    ctx.writing.delete(slot);
    form.hidden = true;
    opener.focus();
  } }, "Cancel"));
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    ctx.writing.delete(slot);
    form.hidden = true;
    opener.focus();
  });
  const opener = button(slot, `Revise amendment ${a.id}`, "Revise…", () => {
    if (!ctx.writing.has(slot)) ctx.writing.set(slot, "");
    form.hidden = false;
    area.focus();
  });
  return [opener, form];
}

// The change itself, on demand: only the paragraphs it touches, against the text as it is.
function changeDetails(ctx, a) {
  ctx.previews = ctx.previews || new Map();
  ctx.openChanges = ctx.openChanges || new Set();
  const section = ctx.floor.sections.find((s) => s.id === a.section_id);
  const entry = ctx.report.outline.find((e) => e.id === a.section_id);
  const cacheKey = `${a.id}:${a.revision}:${entry ? entry.head_version : ""}`;
  const body = h("div", {});
  const details = h("details", { className: "change-details", open: ctx.openChanges.has(a.id) },
    h("summary", { dataset: { key: `show-change-${a.id}` } }, `The change (amendment ${a.id})`), body);
  const fill = (preview) => {
    if (a.structure) {
      body.replaceChildren(...(preview.applies ? [] : [h("p", { className: "warning" }, "This amendment no longer applies as it stands; as proposed:")]),
        structureChanges(preview, `Amendment ${a.id} as tracked changes`));
      return;
    }
    body.replaceChildren(preview.applies
      ? paragraphChanges(preview.ops, section ? section.first_paragraph : 1, `Amendment ${a.id} as tracked changes`)
      : h("p", { className: "warning" }, "This wording no longer applies to the current text."));
  };
  const load = () => ctx.run("Reading the change", async () => {
    const { data } = await ctx.api.get(`/v1/amendments/${a.id}/preview`);
    ctx.previews.set(cacheKey, data);
    fill(data);
  });
  if (ctx.previews.has(cacheKey)) fill(ctx.previews.get(cacheKey));
  else if (details.open) load();
  details.addEventListener("toggle", () => {
    if (details.open) ctx.openChanges.add(a.id);
    else ctx.openChanges.delete(a.id);
    if (details.open && !ctx.previews.has(cacheKey)) load();
  });
  return details;
}

function rejectNotice(ctx, a) {
  const reasonId = `reject-reason-${a.id}`;
  const reason = h("input", { id: reasonId, type: "text", dataset: { key: reasonId } });
  return h("div", { className: "decide" },
    h("label", { for: reasonId }, `Reason for rejecting amendment ${a.id} (optional)`), reason,
    h("button", { type: "button", className: "danger", dataset: { key: `reject-${a.id}` }, "aria-label": `Reject editorial amendment ${a.id}`, onclick: () =>
      act(ctx, a, "Rejecting the amendment", (etag) => ctx.api.post(`/v1/amendments/${a.id}/reject`, { reason: reason.value }, etag),
        `Amendment ${a.id} rejected.`) }, "Reject"));
}

function unsigned() {
  return h("p", { className: "muted" }, "Answering needs your signing key: see “Signing keys” at the top.");
}

// A reason being written (an objection, a call for substance) survives the live refreshes
// other members' answers cause (ctx.writing).
function reasonForm(ctx, a, { name, open, openLabel, question, send, empty, done }) {
  ctx.writing = ctx.writing || new Map();
  const slot = `${name}-${a.id}`;
  const reasonId = name === "object" ? `reason-${a.id}` : `${name}-reason-${a.id}`;
  const reason = h("textarea", { id: reasonId, rows: 2, dataset: { key: reasonId } });
  reason.value = ctx.writing.get(slot) || "";
  reason.addEventListener("input", () => ctx.writing.set(slot, reason.value));
  const form = h("form", { className: "objection", hidden: !ctx.writing.has(slot), onsubmit: (event) => {
    event.preventDefault();
    if (!reason.value.trim()) {
      ctx.fail(new Error(empty[0]), empty[1]);
      reason.focus();
      return;
    }
    ctx.writing.delete(slot);
    done(reason.value.trim());
  } },
  h("label", { for: reasonId }, question), reason,
  h("button", { type: "submit", dataset: { key: `send-${slot}` } }, send));
  const opener = button(slot, openLabel, open, () => {
    if (!ctx.writing.has(slot)) ctx.writing.set(slot, "");
    form.hidden = false;
    reason.focus();
  });
  // Escape puts the question away (and what was typed) and returns to its button.
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    ctx.writing.delete(slot);
    form.hidden = true;
    opener.focus();
  });
  return [opener, form];
}

const ANSWER_PATHS = { consent: "consent", stand_aside: "stand-aside", object: "object", withdraw: "withdraw-objection" };

// A signed answer: "consent", "stand_aside", "object" (with its reason) or "withdraw" (an
// objection). The signature covers this amendment as the page shows it (keys.js).
function answer(ctx, a, kind, reason) {
  const what = kind === "withdraw" ? "Withdrawing the objection" : "Answering the consent round";
  return ctx.run(what, async () => {
    if (kind === "stand_aside" && !ctx.answerPaths.stand_aside) throw new Error("This server does not take that answer.");
    const said = reason ?? "";
    const signature = await signFor(ctx, a, kind, said);
    const body = kind === "consent" ? { signature } : { reason: said, signature };
    try {
      await ctx.api.post(`/v1/amendments/${a.id}/${ANSWER_PATHS[kind]}`, body);
    } catch (error) {
      // Signed over a wording or round that has moved on: show the amendment as it is now.
      if (error.status === 422 || error.status === 409) await ctx.refresh();
      throw error;
    }
    announce(kind === "withdraw"
      ? `Your objection to amendment ${a.id} is withdrawn; the round goes on.`
      : `Your answer on amendment ${a.id} was recorded: ${answerName(kind, a)}.`);
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
