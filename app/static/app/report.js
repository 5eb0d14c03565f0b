// The report: its outline, its text with continuous paragraph numbers, proposing an
// amendment by editing a paragraph in place (tracked change, instruction and suggested kind
// shown before filing), each section's versions and diffs, and the chair's report actions.

import { structureControls } from "./structure.js";
import { announce, backToFocus, blocks, carryOver, clash, h, keepFocus, whereFocus } from "./dom.js";
import { deadline, inlineChange, paragraphChanges, paragraphRuns, paragraphsNamed, touchedByOps } from "./changes.js";
import { act, shownBy, STATUS_NAMES as STATUS_NAMES_A } from "./amendments.js";
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
  const marks = {
    suggest: suggestions(ctx), floor: floorMarks(ctx), notes: notesByParagraph(ctx),
    outlineKey: hashOf(JSON.stringify(report.outline.map((e) => [e.id, e.label, e.heading, e.parent_id]))),
  };
  const proposing = canPropose(ctx);
  if (proposing && !ctx.activeParagraph) ctx.activeParagraph = 1;
  // Where the person is (the field being typed in, its selection), read before anything
  // moves: moving a focused field out of the old section blurs it.
  const place = whereFocus();
  const fresh = ctx.floor.sections.map((section) => {
    const old = kept.get(section.id);
    // A paragraph being amended keeps its editor (and the section as the member saw it).
    if (ctx.editing && ctx.editing.sectionId === section.id && old) return old;
    // A section whose rendering would be the same stays as it is: a redraw that changes
    // nothing (the refresh when the stream goes live) must not swap the element under a
    // click between its press and its release, nor a field being typed in.
    const signature = sectionSignature(ctx, section, heads.get(section.id), marks);
    if (old && old.signature === signature) return old;
    const element = renderSection(ctx, section, heads.get(section.id), marks);
    element.signature = signature;
    // An open direct-write box keeps its typing and the version it edits; an open history
    // keeps the comparison being read; any open form keeps what was typed in it.
    if (old) carryOver(old, element);
    return element;
  });
  const hint = proposing ? h("p", { id: "paragraph-hint", className: "visually-hidden" },
    "Up and down arrows: the previous or next paragraph. Enter: propose a change to this paragraph.") : null;
  const onAction = document.activeElement && document.activeElement.id === "propose-action";
  const before = body.querySelectorAll(":scope > .section");
  const same = fresh.length === before.length && fresh.every((element, index) => before[index] === element);
  if (!same) body.replaceChildren(...(hint ? [hint] : []), ...fresh);
  else if (hint && !document.getElementById("paragraph-hint")) body.prepend(hint);
  backToFocus(place, body);
  if (proposing) {
    // The action stays where the pointer or the selection put it (read before the tab stop
    // is placed: placing it moves the action too).
    const wanted = ctx.shownParagraph;
    const active = body.querySelector(`.paragraph[data-paragraph="${ctx.activeParagraph}"]`) || body.querySelector(".paragraph[data-paragraph]");
    if (active && active.openEditor) activate(ctx, active);
    const shown = wanted && body.querySelector(`.paragraph[data-paragraph="${wanted}"]`);
    if (shown && shown.openEditor && shown !== active) activate(ctx, shown, { keepTab: true });
    const action = document.getElementById("propose-action");
    if (onAction && action && document.activeElement !== action) action.focus();
  }
}

// A short stand-in for a long string (the outline, in every section's signature).
function hashOf(text) {
  let hash = 5381;
  for (let i = 0; i < text.length; i += 1) hash = ((hash * 33) ^ text.charCodeAt(i)) >>> 0;
  return `${text.length}:${hash}`;
}

// What a section's rendering depends on: when it is the same as last time, the section's
// elements are kept (with everything a person is doing in them).
function sectionSignature(ctx, section, entry, marks) {
  const numbers = [];
  for (let n = section.first_paragraph; n < section.first_paragraph + (entry ? entry.paragraph_count : 0) + 1; n += 1) numbers.push(n);
  return JSON.stringify([
    section.text, section.label, section.heading, section.depth, section.first_paragraph, entry || null,
    // The restructure form lists the outline and holds the next section's text.
    marks.outlineKey,
    ctx.report.outline[ctx.report.outline.indexOf(entry) + 1] || null,
    ctx.role, ctx.report.status, ctx.me && ctx.me.id, ctx.names.size,
    numbers.map((n) => [n, marks.suggest.get(n) || null, marks.floor.numbers.has(n) ? marks.floor.amendment.id : null,
      marks.notes.get(n) || null, ctx.inlineShown && ctx.inlineShown.has(n) ? ctx.inlineShown.get(n) : null]),
    (marks.notes.brackets || []).filter((b) => b.section_id === section.id),
  ]);
}

function canPropose(ctx) {
  return ctx.can.propose() && ctx.report.status !== "transmitted";
}

// Open amendments at their places in the text (number -> what shows there): `inline`, a
// tracked change of the paragraph (or of a new paragraph after it); `markers`, amendments
// that cannot be drawn as one (on an older version, restructuring, in conflict); `cards`,
// the amendments whose margin card stands beside this paragraph (the first they touch).
function suggestions(ctx) {
  const at = new Map();
  const slot = (n) => {
    if (!at.has(n)) at.set(n, { inline: [], markers: [], cards: [] });
    return at.get(n);
  };
  const heads = new Map(ctx.report.outline.map((entry) => [entry.id, entry]));
  const sections = new Map(ctx.floor.sections.map((s) => [s.id, s]));
  for (const a of ctx.pending || []) {
    if (!(isOpen(a) || a.status === "conflicted") || !shownBy(ctx, a)) continue;
    const section = sections.get(a.section_id);
    const entry = heads.get(a.section_id);
    let first = null;
    const touch = (n) => {
      if (first === null) first = n;
    };
    const current = section && entry && !a.structure && a.status !== "conflicted" && a.base_version === entry.head_version;
    if (current && entry.paragraph_count) {
      const last = section.first_paragraph + entry.paragraph_count - 1;
      for (const run of paragraphRuns(section.text, a.proposed_text, section.first_paragraph)) {
        if (run.numbers.length && run.numbers.length === run.before.length && run.numbers.length === run.after.length) {
          // Paragraph for paragraph: each one shows its own words changed.
          run.numbers.forEach((n, k) => {
            slot(n).inline.push({ id: a.id, status: a.status, before: run.before[k], after: run.after[k] });
            touch(n);
          });
        } else if (run.numbers.length) {
          const [n, ...rest] = run.numbers;
          slot(n).inline.push({ id: a.id, status: a.status, before: run.before.join("\n\n"), after: run.after.join("\n\n"), joins: rest });
          touch(n);
          for (const other of rest) slot(other).markers.push({ id: a.id, words: `amendment ${a.id} changes it together with paragraph ${n}` });
        } else if (run.after.length) {
          // New paragraphs only: shown after the paragraph they follow (or before the first).
          const before = run.follows < section.first_paragraph;
          const n = before ? section.first_paragraph : Math.min(run.follows, last);
          slot(n).inline.push({ id: a.id, status: a.status, before: "", after: run.after.join("\n\n"), added: before ? "before" : "after" });
          touch(n);
        }
      }
    } else {
      // Not drawn against the text as it stands: a marker where its instruction points.
      const why = a.structure ? "restructuring" : a.status === "conflicted" ? "in conflict with the text" : "on an older version";
      for (const n of paragraphsNamed(a.instruction)) {
        slot(n).markers.push({ id: a.id, words: `amendment ${a.id}, ${why}` });
        touch(n);
      }
    }
    if (first !== null) slot(first).cards.push(cardData(ctx, a));
  }
  return at;
}

const OPEN_STATUSES = ["proposed", "on_floor", "consent_open"];

function isOpen(a) {
  return OPEN_STATUSES.includes(a.status) || (a.status === "blocked" && a.tally && a.tally.round_open);
}

// What a margin card shows (also what its signature compares).
function cardData(ctx, a) {
  return {
    id: a.id, status: a.status, kind: a.kind, instruction: a.instruction, proposer_id: a.proposer_id,
    tally: a.tally, revision: a.draft_revision, notice: Boolean(a.notice),
  };
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
  // A form sent from the section (a restructuring, a direct write): drawn afresh next time,
  // not kept with what was sent in it.
  wrapper.addEventListener("submit", () => { wrapper.signature = null; });
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

// A paragraph: its number, its text, and what is pending on it: the amendment on the floor
// (highlighted, and said in words), open amendments as tracked changes at their place (one
// at a time when several change it: a switch names them all), markers for the ones that
// cannot be drawn on it, and their cards in the margin; reservations and brackets. Where a
// person may propose, the paragraphs are one stop in the tab order (arrow keys move between
// them) and one "Propose a change" button follows the paragraph in focus, under the pointer
// or holding the selection.
function renderParagraph(ctx, section, headVersion, block, number, marks) {
  const here = marks.suggest.get(number) || { inline: [], markers: [], cards: [] };
  const notes = marks.notes.get(number) || [];
  const onFloor = marks.floor.numbers.has(number);
  const classes = ["paragraph", here.inline.length || here.markers.length ? "has-pending" : "",
    onFloor ? "floor-target" : "", here.cards.length ? "has-cards" : ""].filter(Boolean).join(" ");
  const proposing = canPropose(ctx);
  const item = h("div", {
    className: classes, id: `paragraph-${number}`, dataset: { paragraph: number, key: `paragraph-${number}` },
    tabindex: proposing ? "-1" : undefined, "aria-describedby": proposing ? "paragraph-hint" : undefined,
  });
  const choices = [...new Set(here.inline.map((s) => s.id))];
  ctx.inlineShown = ctx.inlineShown || new Map();
  const wanted = ctx.inlineShown.get(number);
  const shownId = wanted === 0 || choices.includes(wanted) ? wanted : (choices[0] ?? 0);
  const shown = here.inline.filter((s) => s.id === shownId);
  const replacing = shown.find((s) => s.before);
  const text = h("p", { className: replacing ? "text suggesting" : "text" },
    h("span", { className: "visually-hidden" }, `Paragraph ${number}${onFloor ? ", on the floor" : ""}`,
      replacing ? `, with amendment ${shownId} shown as a tracked change` : "", ": "));
  if (replacing) text.append(...inlineChange(replacing.before, replacing.after));
  else text.append(...bracketed(block, section, headVersion, marks.notes.brackets || []));
  const added = shown.filter((s) => !s.before);
  const newParagraphs = (where) => added.filter((s) => s.added === where).map((s) => h("p", { className: "text new-paragraph" },
    h("span", { className: "visually-hidden" }, `New paragraph ${where} paragraph ${number}, proposed by amendment ${s.id}: `),
    h("ins", {}, s.after)));
  item.append(
    h("span", { className: "number", "aria-hidden": "true" }, `${number}.`,
      notes.length ? h("span", { className: "footnote-mark" }, "†") : null),
    h("div", { className: "body" },
      onFloor ? h("p", { className: "floor-label" }, h("a", { href: "#on-floor" }, `On the floor: amendment ${marks.floor.amendment.id}`)) : null,
      newParagraphs("before"), text, newParagraphs("after"),
      choices.length ? suggestionSwitch(ctx, number, choices, shownId) : null,
      pendingLine(here, onFloor ? marks.floor.amendment.id : null),
      notes.length ? reservationNote(ctx, number, notes) : null),
  );
  if (here.cards.length) item.append(h("div", { className: "margin", role: "complementary", "aria-label": `Amendments on paragraph ${number}` },
    here.cards.map((card) => marginCard(ctx, card))));
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

// Every amendment pending on the paragraph, in words, each a link to its card (the one on the
// floor is said above).
function pendingLine(here, floorId) {
  const listed = [];
  const seen = new Set();
  for (const s of here.inline) {
    if (seen.has(s.id) || s.id === floorId) continue;
    seen.add(s.id);
    listed.push({ id: s.id, words: `amendment ${s.id} (${STATUS_WORDS[s.status] || s.status})` });
  }
  for (const m of here.markers) if (m.id !== floorId) listed.push(m);
  if (!listed.length) return null;
  return h("p", { className: "marks" }, "Pending: ", listed.map((m, index) => [index ? "; " : "", h("a", { href: `#card-${m.id}` }, m.words)]));
}

const STATUS_WORDS = { proposed: "proposed", on_floor: "on the floor", consent_open: "consent round", blocked: "blocked" };

// Which amendment the paragraph shows as a tracked change (or its text as it stands): one at
// a time, every one named (a toggle: the pressed button is the one shown).
function suggestionSwitch(ctx, number, choices, shownId) {
  const pick = (id) => {
    ctx.inlineShown.set(number, id);
    renderReport(ctx);
  };
  const button = (id, label) => h("button", {
    type: "button", className: "quiet", "aria-pressed": String(shownId === id),
    dataset: { key: `inline-${number}-${id}` }, onclick: () => pick(id),
  }, label);
  return h("div", { className: "suggestion-switch", role: "group", "aria-label": `Shown in paragraph ${number}` },
    h("span", { className: "muted" }, choices.length > 1 ? `${choices.length} amendments change this paragraph: ` : "Shown: "),
    choices.map((id) => button(id, `Amendment ${id}`)), button(0, "Text as it stands"));
}

// A card in the margin: what the amendment does, who proposed it (members only: the public
// view has no ids), its kind, status and tally, and what the reader may do.
function marginCard(ctx, card) {
  const t = card.tally;
  const roundOpen = t && t.round_open;
  const pendingIds = (roundOpen && t.pending_participant_ids) || [];
  const actions = [h("a", { href: `#amendment-${card.id}`, dataset: { key: `card-open-${card.id}` },
    "aria-label": `Open amendment ${card.id} in the list`, onclick: (event) => openInList(ctx, card.id, event) }, "Open")];
  if (ctx.me && card.proposer_id === ctx.me.id && ["proposed", "on_floor"].includes(card.status)) {
    actions.push(h("button", { type: "button", className: "quiet", dataset: { key: `card-withdraw-${card.id}` },
      "aria-label": `Withdraw amendment ${card.id}`, onclick: () => {
        const a = (ctx.pending || []).find((x) => x.id === card.id);
        if (a) act(ctx, a, "Withdrawing the amendment",
          (etag) => ctx.api.post(`/v1/amendments/${a.id}/withdraw`, { reason: "" }, etag), `Amendment ${a.id} withdrawn.`);
      } }, "Withdraw"));
  }
  return h("article", { className: `margin-card status-${card.status}`, id: `card-${card.id}`, "aria-labelledby": `card-title-${card.id}` },
    h("p", { className: "card-title", id: `card-title-${card.id}` }, h("strong", {}, `Amendment ${card.id}`), " ",
      h("span", { className: "badge" }, card.notice && card.status === "consent_open" ? "editorial notice" : STATUS_NAMES_A[card.status] || card.status)),
    h("p", { className: "instruction" }, card.instruction),
    h("p", { className: "muted" }, card.kind === "substantive" ? "Substantive" : "Editorial",
      card.proposer_id !== null && card.proposer_id !== undefined ? `, proposed by ${card.proposer_id === (ctx.me && ctx.me.id) ? "you" : ctx.nameOf(card.proposer_id)}` : ""),
    t && (t.voters || roundOpen) ? h("p", { className: "card-tally" },
      `${t.consented} of ${t.voters} consented, ${t.objected} objected, ${t.pending} yet to answer.`) : null,
    pendingIds.length ? h("p", { className: "card-pending" }, "Yet to answer: ",
      pendingIds.map((id) => (ctx.me && id === ctx.me.id ? "you" : ctx.nameOf(id))).join(", "), ".") : null,
    h("div", { className: "actions" }, actions));
}

// "Open": the amendment's card in the list, shown whatever the list's filter hid.
function openInList(ctx, id, event) {
  let target = document.getElementById(`amendment-${id}`);
  if (!target && (ctx.filters.status || ctx.filters.kind)) return;  // the link's own jump
  if (!target) return;
  event.preventDefault();
  target.scrollIntoView({ block: "start" });
  const heading = target.querySelector("h3");
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

// Reservations on this paragraph, like a footnote: who (members see names; the public reads
// "a reservation", or the name a member chose to print) and what.
function reservationNote(ctx, number, notes) {
  return h("div", { className: "reservations", id: `reservations-${number}` },
    h("p", { className: "reservations-title" }, h("span", { "aria-hidden": "true" }, "† "),
      notes.length === 1 ? "Reservation on this paragraph" : `${notes.length} reservations on this paragraph`),
    h("ul", {}, notes.map((r) => h("li", {}, `${reserver(ctx, r)}: `, h("q", {}, r.text)))));
}

function reserver(ctx, r) {
  if (r.participant_id !== null && r.participant_id !== undefined) {
    return r.participant_id === (ctx.me && ctx.me.id) ? "Your reservation" : `Reservation by ${r.participant_name || ctx.nameOf(r.participant_id)}`;
  }
  if (r.named_as) return `Reservation by ${r.named_as}`;
  return "A reservation";
}

// A bracketed passage (an open point: options kept side by side) drawn in its brackets with
// a label saying what it is; only where the point is in the text as it stands.
function bracketed(block, section, headVersion, brackets) {
  for (const point of brackets) {
    if (point.section_id !== section.id || point.version !== headVersion) continue;
    if (point.start < block.start || point.end > block.end) continue;
    const from = point.start - block.start;
    const to = point.end - block.start;
    const words = point.status === "kept" ? "options kept on purpose" : "open point, not agreed";
    return [block.text.slice(0, from),
      h("span", { className: `bracket ${point.status}`, id: `open-point-${point.id}` },
        h("span", { className: "bracket-label" }, `Bracket ${point.id}: ${words}`),
        h("span", { className: "visually-hidden" }, `, ${point.options.length} options: `),
        block.text.slice(from, to)),
      block.text.slice(to)];
  }
  return [block.text];
}

// --- reservations and brackets, read with the report -----------------------------------------

// Reservations (who reserved, as the API lets this reader see) and open points (brackets),
// read on every refresh; an older server without them: nothing drawn.
export async function loadNotes(ctx) {
  const [reservations, points] = await Promise.all([
    ctx.api.all(`/v1/reports/${ctx.reportId}/reservations`).catch(() => []),
    ctx.api.all(`/v1/reports/${ctx.reportId}/open-points`).catch(() => []),
  ]);
  ctx.notes = { reservations, brackets: points.filter((p) => p.status !== "resolved") };
}

function notesByParagraph(ctx) {
  const found = new Map();
  const notes = ctx.notes || { reservations: [], brackets: [] };
  for (const r of notes.reservations) {
    if (r.withdrawn || r.current_paragraph === null || r.current_paragraph === undefined) continue;
    if (!found.has(r.current_paragraph)) found.set(r.current_paragraph, []);
    found.get(r.current_paragraph).push(r);
  }
  found.brackets = notes.brackets;
  return found;
}

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
  // The section is no longer as drawn: the next redraw after the editor closes draws it.
  const drawn = item.closest(".section");
  if (drawn) drawn.signature = null;
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
    items.push(confirmButton(ctx, "Adopt the report", "Yes, adopt the report now", async () =>
      ctx.api.post(`/v1/reports/${ctx.report.id}/adopt`, {}, await ctx.reportTag()), "The report was adopted."));
  }
  if (ctx.can.chair() && status === "adopted") {
    items.push(confirmButton(ctx, "Transmit the report", "Yes, transmit and freeze the report", async () =>
      ctx.api.post(`/v1/reports/${ctx.report.id}/transmit`, undefined, await ctx.reportTag()), "The report was transmitted."));
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
