// The group's pages beside the room (meetings, questionnaires, the timeline...). Each page is a
// module exporting { id, title, render(ctx, container), onEvent?(ctx, event) }, listed in PAGES.
// The address's hash names the page shown ("#/meetings"); no hash, or "#/room", is the room.
// Pages read everything through the public API, as the room does.

import { h } from "./dom.js";
import { meetingsPage } from "./meetings.js";
import questionnaires from "./questionnaires.js";
import threads from "./threads.js";
import comments from "./comments.js";
import drafting from "./drafting.js";
import timeline from "./timeline.js";
import lineage from "./lineage.js";

const PAGES = [
  meetingsPage,
  questionnaires,
  threads,
  comments,
  drafting,
  timeline,
  lineage,
];

const $ = (id) => document.getElementById(id);
let current = null;

function pageFromHash() {
  const match = location.hash.match(/^#\/([a-z-]+)/);
  const id = match ? match[1] : "room";
  return PAGES.find((page) => page.id === id) || null;
}

function renderNav() {
  const links = [{ id: "room", title: "The room" }, ...PAGES].map((page) => {
    const here = (current ? current.id : "room") === page.id;
    return h("li", {}, h("a", { href: `#/${page.id}`, "aria-current": here ? "page" : null }, page.title));
  });
  $("group-nav").replaceChildren(h("ul", {}, links));
  $("group-nav").hidden = PAGES.length === 0;
}

async function show(ctx) {
  const fromPage = current !== null;
  current = pageFromHash();
  renderNav();
  const inRoom = current === null;
  for (const id of ["report-picker", "jump"]) $(id).hidden = !inRoom;
  document.querySelector("#workspace .layout").hidden = !inRoom;
  $("group-page").hidden = inRoom;
  document.body.dataset.page = inRoom ? "room" : current.id;
  if (inRoom) {
    // Within the room the browser follows a link to a target itself (a skip link, the
    // outline); focusing it again here, a moment later, would take a keyboard user back.
    if (fromPage) revealTarget();
    return;
  }
  $("group-page-title").textContent = current.title;
  const body = $("group-page-body");
  body.replaceChildren(h("p", { className: "muted" }, "Loading…"));
  await ctx.run(`Opening ${current.title}`, () => current.render(ctx, body));
  $("group-page-title").focus();
}

// A page's link into the room ("#paragraph-12"): the room was hidden when the browser looked
// for the target, so it is brought into view and focused here.
function revealTarget() {
  const id = decodeURIComponent(location.hash.slice(1));
  const target = id && !id.startsWith("/") ? document.getElementById(id) : null;
  if (!target) return;
  if (!target.hasAttribute("tabindex")) target.tabIndex = -1;
  target.scrollIntoView({ block: "center" });
  target.focus({ preventScroll: true });
}

export function setUpPages(ctx) {
  ctx.pageIds = new Set(PAGES.map((page) => page.id));
  ctx.showPage = () => show(ctx);
  // A page that follows live events re-reads what changed; the room refreshes itself.
  ctx.pageEvent = (event) => {
    if (current && current.onEvent) current.onEvent(ctx, event, $("group-page-body"));
  };
  window.addEventListener("hashchange", () => show(ctx));
  return show(ctx);
}
