// Structural amendments (issue 32) in the room: their preview for people (each section they
// touch as tracked changes, moved text marked as moved, never as deleted and inserted) and
// the common ones proposed from a section: insert a section after it, delete it, move it,
// merge it with the preceding one, move some of its paragraphs, or change text across it
// and the next section. The server words the instruction; the page shows it once filed.

import { announce, h } from "./dom.js";

const ROLE_WORDS = { changed: "", inserted: " (new section)", deleted: " (deleted)", moved: " (moved)", renamed: " (renamed)" };

// A moved run is read aloud as moved: the words say so, the style is not the only sign.
function piece(op, text) {
  if (op === "insert") return h("ins", {}, text);
  if (op === "delete") return h("del", {}, text);
  if (op === "move_from") return h("span", { className: "move-from" }, h("span", { className: "visually-hidden" }, "moved away from here: "), text);
  if (op === "move_to") return h("span", { className: "move-to" }, h("span", { className: "visually-hidden" }, "moved here: "), text);
  return text;
}

export function structureChanges(preview, label) {
  const parts = (preview && preview.parts) || [];
  const box = h("div", { className: "changes structure-changes", role: "group", "aria-label": label });
  if (!parts.length) {
    box.append(h("p", { className: "muted" }, "No change of wording."));
    return box;
  }
  for (const part of parts) {
    const title = `${part.label} ${part.heading}`.trim() || "(untitled section)";
    const was = part.was && part.was !== title ? ` (was ${part.was})` : "";
    box.append(h("div", { className: `change part ${part.role}`, dataset: { section: part.section_id ?? "new" } },
      h("p", { className: "change-where" }, `${title}${ROLE_WORDS[part.role] || ""}${was}:`),
      h("p", { className: "tracked" }, part.ops.map((o) => piece(o.op, o.text)))));
  }
  return box;
}

const OPERATIONS = [
  ["insert", "Insert a new section after this one"],
  ["delete", "Delete this section"],
  ["move", "Move this section"],
  ["merge", "Merge this section into the preceding one"],
  ["move_paragraphs", "Move some of its paragraphs"],
  ["span", "Change text across this section and the next"],
];

// The choices a section offers: merging needs a preceding sibling, a change across sections
// a next section in outline order.
function choices(ctx, entry) {
  const outline = ctx.report.outline;
  const siblings = outline.filter((e) => e.parent_id === entry.parent_id);
  const previous = siblings[siblings.indexOf(entry) - 1];
  const next = outline[outline.indexOf(entry) + 1];
  return { previous, next, operations: OPERATIONS.filter(([op]) => (op !== "merge" || previous) && (op !== "span" || next)) };
}

const titleOf = (e) => `${e.label} ${e.heading}`.trim() || `section ${e.id}`;

// The form is built when its box is first opened: built for every section at once, its two
// lists of every section and its two copies of the text made the 200-section room's first
// render several seconds long (about 80,000 options laid out for nothing).
export function structureControls(ctx, section, entry) {
  if (!entry) return null;
  const id = (name) => `restructure-${name}-${section.id}`;
  const details = h("details", { className: "restructure" },
    h("summary", { dataset: { key: id("open") } }, `Restructure: ${titleOf(entry)}`));
  details.addEventListener("toggle", () => {
    if (details.open && !details.querySelector("form")) details.append(restructureForm(ctx, section, entry, details));
  });
  return details;
}

function restructureForm(ctx, section, entry, details) {
  const id = (name) => `restructure-${name}-${section.id}`;
  const { previous, next, operations } = choices(ctx, entry);
  const operation = h("select", { id: id("operation"), dataset: { key: id("operation") } },
    operations.map(([value, label]) => h("option", { value }, label)));
  const field = (name, label, control) => {
    control.id = id(name);
    control.dataset.key = id(name);
    return h("div", { className: "field", dataset: { for: name } }, h("label", { for: control.id }, label), control);
  };
  const others = ctx.report.outline.filter((e) => e.id !== entry.id);
  const fields = {
    label: field("label", "Label of the new section", h("input", { type: "text" })),
    heading: field("heading", "Heading of the new section", h("input", { type: "text" })),
    text: field("text", "Its text", h("textarea", { rows: 3 })),
    after: field("after", "Move it to follow", h("select", {},
      others.map((e) => h("option", { value: e.id }, titleOf(e))),
      h("option", { value: "end" }, "the end of the report"))),
    first: field("first", "First paragraph moved", h("input", { type: "number", min: entry.first_paragraph, value: entry.first_paragraph })),
    last: field("last", "Last paragraph moved", h("input", { type: "number", min: entry.first_paragraph, value: entry.first_paragraph })),
    to: field("to", "To the end of", h("select", {}, ctx.report.outline.map((e) => h("option", { value: e.id }, titleOf(e))))),
    mine: field("mine", `The text of ${titleOf(entry)}`, h("textarea", { rows: 4 })),
    theirs: field("theirs", next ? `The text of ${titleOf(next)}` : "The text of the next section", h("textarea", { rows: 4 })),
  };
  fields.mine.querySelector("textarea").value = section.text;
  const nextSection = next && ctx.floor.sections.find((s) => s.id === next.id);
  fields.theirs.querySelector("textarea").value = nextSection ? nextSection.text : "";
  const shown = { insert: ["label", "heading", "text"], move: ["after"], move_paragraphs: ["first", "last", "to"], span: ["mine", "theirs"] };
  const kind = h("select", { id: id("kind") }, h("option", { value: "substantive" }, "Substantive"), h("option", { value: "editorial" }, "Editorial"));
  const rationale = h("textarea", { id: id("rationale"), rows: 2 });
  const show = () => {
    for (const [name, box] of Object.entries(fields)) box.hidden = !(shown[operation.value] || []).includes(name);
  };
  operation.addEventListener("change", show);
  show();
  const value = (name) => fields[name].querySelector("input, select, textarea").value;
  const body = () => {
    const op = operation.value;
    const common = { operation: op, kind: kind.value, rationale: rationale.value };
    if (op === "insert") return { ...common, after_id: entry.id, label: value("label"), heading: value("heading"), text: value("text") };
    if (op === "delete") return { ...common, section_id: entry.id };
    if (op === "merge") return { ...common, first_id: previous.id, second_id: entry.id };
    if (op === "move") {
      const after = value("after");
      return after === "end" ? { ...common, section_id: entry.id, parent_id: null, at_end: true } : { ...common, section_id: entry.id, after_id: Number(after) };
    }
    if (op === "move_paragraphs") {
      return { ...common, section_id: entry.id, base_version: entry.head_version, first: Number(value("first")), last: Number(value("last")), to_section_id: Number(value("to")), at_end: true };
    }
    return { ...common, texts: [
      { section_id: entry.id, base_version: entry.head_version, text: value("mine") },
      { section_id: next.id, base_version: next.head_version, text: value("theirs") },
    ] };
  };
  const form = h("form", { className: "restructure-form", "aria-label": `Restructure ${titleOf(entry)}`, onsubmit: (event) => {
    event.preventDefault();
    ctx.run("Filing the structural amendment", async () => {
      const { data } = await ctx.api.post(`/v1/reports/${ctx.report.id}/structural-amendments`, body());
      details.open = false;
      announce(`Amendment ${data.id} filed: ${data.instruction}`);
      await ctx.refresh();
    });
  } },
  h("label", { for: operation.id }, "What to do"), operation,
  Object.values(fields),
  h("label", { for: kind.id }, "Kind"), kind,
  h("label", { for: rationale.id }, "Rationale (optional)"), rationale,
  h("div", { className: "actions" }, h("button", { type: "submit", dataset: { key: id("file") } }, "File the structural amendment")));
  return form;
}
