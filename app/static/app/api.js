// The public REST API, as any frontend would call it: a bearer token in the Authorization
// header (never in a URL), ETags kept for If-Match, problem+json turned into sentences.

// A request that got no answer is sent again at most this many times, and only when a second
// copy has no second effect: a read, a POST with its Idempotency-Key, a write with If-Match.
const RESENDS = 3;
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
// Answers kept for conditional reads (`getKept`): the latest paths read, no more.
const HELD = 64;

export function newKey() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID();
  // randomUUID needs a secure context; a page served over plain http from a LAN address has none.
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function bodyOf(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function keyInUse(problem) {
  return Boolean(problem && typeof problem.type === "string" && problem.type.endsWith(":idempotency-key-in-use"));
}

function retryAfter(response) {
  const seconds = Number(response.headers.get("Retry-After"));
  return Number.isFinite(seconds) ? Math.min(Math.max(seconds, 0), 30) : 1;
}

export class ApiError extends Error {
  constructor(sentence, { status, problem }) {
    super(sentence);
    this.status = status;
    this.problem = problem;
  }
}

export class Api {
  constructor(base, token) {
    this.base = base.replace(/\/+$/, "");
    this.token = token;
    this.held = new Map();
  }

  async call(method, path, { body, ifMatch, raw, held } = {}) {
    const headers = {};
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (ifMatch) headers["If-Match"] = ifMatch;
    // `held`: the answer this page holds for the path ({data, etag}); the server says 304
    // when it is still the answer (the browser hands a 304 to a request that asked for one).
    if (held && held.etag) headers["If-None-Match"] = held.etag;
    // Every POST carries a key, so sending it again gets the first answer, never a second effect.
    if (method === "POST") headers["Idempotency-Key"] = newKey();
    const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
    const resendable = IDEMPOTENT.has(method) || method === "POST" || Boolean(ifMatch);
    for (let attempt = 0; ; attempt += 1) {
      const again = resendable && attempt < RESENDS;
      let response;
      try {
        response = await fetch(this.base + path, init);
      } catch (error) {
        // fetch rejects with a TypeError when no answer came at all: the connection failed or
        // closed (a server closing an idle connection as it was reused), never for a status.
        if (error instanceof TypeError && again) {
          await pause(attempt * 250);
          continue;
        }
        throw new ApiError(
          `The server at ${this.base} could not be reached. Check the address and your connection.`,
          { status: 0, problem: null },
        );
      }
      if (raw && response.ok) return response;
      if (response.status === 304 && held) return { ...held, unchanged: true };
      const data = await bodyOf(response);
      if (response.status === 409 && again && keyInUse(data)) {
        // Our first attempt, whose answer was lost, still runs: the next one gets its answer.
        await pause(1000 * retryAfter(response));
        continue;
      }
      if (!response.ok) throw new ApiError(sentence(response.status, data), { status: response.status, problem: data });
      return { data, etag: response.headers.get("ETag") };
    }
  }

  get(path) { return this.call("GET", path); }

  // A read naming the answer held for the same path: unchanged answers cost no bytes.
  async getKept(path) {
    const answer = await this.call("GET", path, { held: this.held.get(path) });
    this.held.delete(path);
    if (answer.etag) {
      this.held.set(path, { data: answer.data, etag: answer.etag });
      if (this.held.size > HELD) this.held.delete(this.held.keys().next().value);
    }
    return answer;
  }

  // Every item of a list, each page read naming the page held (`getKept`).
  async allKept(path) {
    return this.all(path, (page) => this.getKept(page));
  }
  post(path, body, ifMatch) { return this.call("POST", path, { body, ifMatch }); }

  // Every item of a `{items, next}` list, page after page.
  async all(path, read = (page) => this.get(page)) {
    const items = [];
    let after = 0;
    for (;;) {
      const glue = path.includes("?") ? "&" : "?";
      const { data } = await read(`${path}${glue}after=${after}&limit=500`);
      items.push(...data.items);
      if (data.next === null || data.next === undefined) return items;
      after = data.next;
    }
  }
}

const GENERIC = {
  400: "The request was not understood.",
  401: "You are not signed in, or your token is no longer valid.",
  403: "Your role does not allow this.",
  404: "This no longer exists, or you may not see it.",
  409: "This clashes with the current state.",
  412: "Someone changed this since you read it.",
  413: "This is too large to send.",
  422: "Some of what you entered cannot be used.",
  428: "This change must name the version you read.",
  429: "Too many requests at once; wait a moment and try again.",
};

// Problems whose server wording names API routes: what a person using this page can do.
const IN_THE_ROOM = {
  "signature-invalid": "Your answer's signature does not verify with the signing key the server holds for you. The amendment may have changed since you read it (the page now shows it as it is: read it and answer again), or this browser's key is no longer your current one (see “Signing keys” at the top).",
  "signing-key-missing": "The server holds no signing key for you, and every answer must be signed with your own key. Sign out and in again in this browser to make one, or ask the chair for a new invitation.",
  "key-endorsement-required": "The server already holds a signing key for you, made in another browser or program. Import its key file here, or ask the chair for a new invitation: the replacement will be on the record for every member to see.",
};
const PROBLEM_PREFIX = "urn:plenary:problem:";

// A problem+json body as one or two sentences a person can act on; never a bare status.
export function sentence(status, problem) {
  if (problem && typeof problem === "object") {
    const slug = typeof problem.type === "string" && problem.type.startsWith(PROBLEM_PREFIX)
      ? problem.type.slice(PROBLEM_PREFIX.length) : "";
    if (IN_THE_ROOM[slug]) return IN_THE_ROOM[slug];
    const parts = [];
    if (problem.title) parts.push(String(problem.title).replace(/\.?$/, "."));
    if (problem.detail && problem.detail !== problem.title) parts.push(String(problem.detail));
    if (!problem.detail && Array.isArray(problem.errors) && problem.errors.length) {
      parts.push(problem.errors.map(describeFieldError).join(" "));
    }
    if (parts.length) return parts.join(" ");
  }
  return GENERIC[status] || (status >= 500
    ? "The server failed to answer this request; try again in a moment."
    : "The server refused this request.");
}

function describeFieldError(error) {
  const where = Array.isArray(error.loc) ? error.loc.filter((p) => p !== "body").join(" › ") : "";
  const message = error.msg || error.message || "is not valid";
  return where ? `${where}: ${message}.` : `${message}.`;
}
