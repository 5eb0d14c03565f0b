// A questionnaire's questions as a form (the members' page and the public answering page),
// an answer as text, and the results' bars. Every control is a native one (radios,
// checkboxes, text areas, buttons), so the keyboard and screen readers work as they do
// everywhere; a ranking is ordered with "Move up" / "Move down" buttons (dragging is a
// shortcut, never the only way).

import { announce, h } from "./dom.js";

const DEFAULT_TEXT_CHARS = 5000;  // the server's limit when a text question names none

function legendOf(question) {
  return `${question.number}. ${question.prompt}${question.required ? " (required)" : ""}`;
}

function correctedNote(question) {
  if (!question.answered_prompt) return null;
  return h("p", { className: "muted" }, `Wording corrected after replies were given; it first read: “${question.answered_prompt}”`);
}

function choiceGroup(question, prefix, type, options, chosen, withNone) {
  const name = `${prefix}-q${question.id}`;
  const items = options.map((option, index) => {
    const id = `${name}-${index}`;
    const input = h("input", { type, id, name, value: String(option), dataset: { key: id } });
    input.checked = chosen.includes(String(option));
    return h("div", { className: "row choice", style: "flex-wrap:nowrap" }, input, " ", h("label", { for: id }, String(option)));
  });
  if (withNone) {
    const id = `${name}-none`;
    const input = h("input", { type: "radio", id, name, value: "", dataset: { key: id } });
    input.checked = chosen.length === 0;
    items.push(h("div", { className: "row choice", style: "flex-wrap:nowrap" }, input, " ", h("label", { for: id }, "No answer")));
  }
  return items;
}

// A ranking: the options in order, each with buttons to move it; the order is the answer
// once the respondent says so (or moves an option).
function rankingControl(question, prefix, initial) {
  let order = Array.isArray(initial) && initial.length ? [...initial] : [...question.options];
  for (const option of question.options) if (!order.includes(option)) order.push(option);
  const includeId = `${prefix}-q${question.id}-ranked`;
  const include = h("input", { type: "checkbox", id: includeId, dataset: { key: includeId } });
  include.checked = Array.isArray(initial) && initial.length > 0;
  const list = h("ol", { className: "ranking", id: `${prefix}-q${question.id}-order` });
  let dragged = null;

  function move(from, to, focusWhich) {
    if (to < 0 || to >= order.length) return;
    const [option] = order.splice(from, 1);
    order.splice(to, 0, option);
    include.checked = true;
    draw();
    const again = list.querySelector(`[data-key="${CSS.escape(`${prefix}-q${question.id}-${focusWhich}-${option}`)}"]`);
    const fallback = list.querySelector(`[data-key="${CSS.escape(`${prefix}-q${question.id}-${focusWhich === "up" ? "down" : "up"}-${option}`)}"]`);
    const target = again && !again.disabled ? again : fallback;
    if (target) target.focus();
    announce(`“${option}” is now ${to + 1} of ${order.length}.`);
  }

  function draw() {
    list.replaceChildren(...order.map((option, index) => {
      const up = h("button", {
        type: "button", className: "quiet",
        disabled: index === 0, dataset: { key: `${prefix}-q${question.id}-up-${option}` },
        onclick: () => move(index, index - 1, "up"),
      }, "Move up", h("span", { className: "visually-hidden" }, ` “${option}”`));
      const down = h("button", {
        type: "button", className: "quiet",
        disabled: index === order.length - 1, dataset: { key: `${prefix}-q${question.id}-down-${option}` },
        onclick: () => move(index, index + 1, "down"),
      }, "Move down", h("span", { className: "visually-hidden" }, ` “${option}”`));
      const item = h("li", { draggable: "true", className: "rank-item" }, h("span", { className: "rank-option" }, option), " ", up, " ", down);
      item.addEventListener("dragstart", () => { dragged = index; });
      item.addEventListener("dragover", (event) => event.preventDefault());
      item.addEventListener("drop", (event) => {
        event.preventDefault();
        if (dragged !== null && dragged !== index) move(dragged, index, "up");
        dragged = null;
      });
      return item;
    }));
  }
  draw();
  return {
    element: h("div", {}, list, h("div", { className: "row choice", style: "flex-wrap:nowrap" }, include, " ", h("label", { for: includeId }, "Answer with this order"))),
    value: () => (include.checked ? [...order] : null),
  };
}

// The form's fields for `questions`, filled from `answers`; `collect()` gives the answers
// as the API takes them (questions left empty are left out).
export function questionFields(questions, answers, prefix) {
  const readers = [];
  const fields = questions.map((question) => {
    const key = String(question.id);
    const given = answers[key];
    const chosen = given === undefined || given === null ? [] : (Array.isArray(given) ? given.map(String) : [String(given)]);
    if (question.kind === "text") {
      const id = `${prefix}-q${question.id}`;
      const limit = question.max_chars || DEFAULT_TEXT_CHARS;
      const hint = h("p", { className: "muted", id: `${id}-hint` }, `At most ${limit} characters.`);
      const area = h("textarea", { id, rows: 4, maxlength: limit, "aria-describedby": hint.id, dataset: { key: id } });
      area.value = typeof given === "string" ? given : "";
      readers.push(() => [key, area.value.trim() ? area.value : null]);
      return h("div", { className: "question", dataset: { question: question.number } },
        h("label", { for: id }, legendOf(question)), correctedNote(question), area, hint);
    }
    const box = h("fieldset", { className: "question", dataset: { question: question.number } }, h("legend", {}, legendOf(question)), correctedNote(question));
    if (question.kind === "ranking") {
      const control = rankingControl(question, prefix, given);
      box.append(control.element);
      readers.push(() => [key, control.value()]);
      return box;
    }
    const scale = question.kind === "scale";
    const options = scale
      ? Array.from({ length: question.scale_max - question.scale_min + 1 }, (_, i) => question.scale_min + i)
      : question.options;
    const type = question.kind === "multiple" ? "checkbox" : "radio";
    box.append(...choiceGroup(question, prefix, type, options, chosen, type === "radio" && !question.required));
    if (scale) box.append(h("p", { className: "muted" }, `${question.scale_min} is the lowest, ${question.scale_max} the highest.`));
    readers.push(() => {
      const picked = [...box.querySelectorAll("input:checked")].map((input) => input.value).filter((v) => v !== "");
      if (question.kind === "multiple") return [key, picked.length ? picked : null];
      if (!picked.length) return [key, null];
      return [key, scale ? Number(picked[0]) : picked[0]];
    });
    return box;
  });
  return {
    fields,
    collect() {
      const out = {};
      for (const read of readers) {
        const [key, value] = read();
        if (value !== null && value !== undefined) out[key] = value;
      }
      return out;
    },
  };
}

// One answer as people read it.
export function answerText(question, value) {
  if (value === undefined || value === null || value === "") return "no answer";
  if (question.kind === "ranking") return value.map((option, i) => `${i + 1}. ${option}`).join("; ");
  if (Array.isArray(value)) return value.join("; ");
  return String(value);
}

// Counts as horizontal bars: a table (the numbers are text a screen reader reads), each
// row with a bar drawn as SVG beside its count, hidden from assistive technology.
export function barTable(caption, rows, { label = "Option", value = "Replies" } = {}) {
  const most = Math.max(1, ...rows.map((row) => row.count));
  return h("table", { className: "bars" },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, label), h("th", { scope: "col" }, value), h("th", { scope: "col" }, h("span", { className: "visually-hidden" }, "Bar")))),
    h("tbody", {}, rows.map((row) => h("tr", { dataset: { option: row.option, count: String(row.count) } },
      h("th", { scope: "row" }, row.option),
      h("td", {}, String(row.count)),
      h("td", { className: "bar-cell" }, bar(row.count / most))))));
}

// A bar drawn from the data as plain SVG (no chart service); the count beside it is the
// text screen readers read, so the drawing is hidden from them.
const SVG = "http://www.w3.org/2000/svg";
const BAR_WIDTH = 256;

function bar(fraction) {
  const drawing = document.createElementNS(SVG, "svg");
  for (const [name, value] of [["width", BAR_WIDTH], ["height", 16], ["aria-hidden", "true"], ["focusable", "false"], ["class", "bar"]]) {
    drawing.setAttribute(name, String(value));
  }
  const rect = document.createElementNS(SVG, "rect");
  rect.setAttribute("width", String(Math.max(2, Math.round(fraction * BAR_WIDTH))));
  rect.setAttribute("height", "16");
  rect.setAttribute("fill", "#1d4f91");
  drawing.append(rect);
  return drawing;
}

export const CATEGORIES = [
  ["government", "Government"],
  ["private_sector", "Private sector"],
  ["civil_society", "Civil society"],
  ["technical_academic", "Technical and academic community"],
  ["intergovernmental", "Intergovernmental organisation"],
  ["observer", "Observer"],
  ["individual", "Individual"],
];
