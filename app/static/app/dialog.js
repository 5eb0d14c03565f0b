// Modal dialogs (the keyboard shortcuts' help, a decision's confirmation): a real <dialog>
// shown with showModal(), so the rest of the page is inert; Tab and Shift+Tab stay inside
// it; Escape closes it; and the focus goes back to wherever it was when the dialog opened
// (the button used, or the place a shortcut was pressed), or to the control that replaced it
// after a re-render (matched by its data-key, as keepFocus does).

import { h } from "./dom.js";

const FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";

export function openDialog() {
  return document.querySelector("dialog[open]");
}

// Shows a dialog titled `title` holding `body` (nodes); `actions(close)` gives its buttons.
// Resolves with what `close(value)` was called with (undefined: dismissed, Escape included).
export function showDialog({ id, title, body, actions, focus }) {
  const before = document.activeElement;
  const key = before && before.dataset ? before.dataset.key : undefined;
  const titleId = `${id}-title`;
  let result;
  const dialog = h("dialog", { id, className: "modal", "aria-labelledby": titleId });
  const close = (value) => {
    result = value;
    dialog.close();
  };
  dialog.append(h("h2", { id: titleId }, title), ...[body].flat(), h("div", { className: "actions" }, actions(close)));
  dialog.addEventListener("keydown", (event) => {
    if (event.key !== "Tab") return;
    const stops = [...dialog.querySelectorAll(FOCUSABLE)].filter((e) => !e.closest("[hidden]"));
    if (!stops.length) return;
    const first = stops[0];
    const last = stops[stops.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      dialog.remove();
      const again = before && before.isConnected ? before
        : key ? document.querySelector(`[data-key="${CSS.escape(key)}"]`) : null;
      if (again && again !== document.body) again.focus();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
    const first = (focus && dialog.querySelector(focus)) || dialog.querySelector(FOCUSABLE);
    if (first) first.focus();
  });
}

// A decision to confirm: `confirm` names the button that takes it. Resolves true or false.
export async function confirmDecision({ id, title, body, confirm, danger = false }) {
  const answer = await showDialog({
    id, title, body,
    focus: "[data-confirm]",
    actions: (close) => [
      h("button", { type: "button", className: danger ? "danger" : null, dataset: { confirm: "yes" }, onclick: () => close(true) }, confirm),
      h("button", { type: "button", className: "quiet", onclick: () => close(false) }, "Cancel"),
    ],
  });
  return answer === true;
}
