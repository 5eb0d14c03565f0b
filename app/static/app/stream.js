// Following a report live: an EventSource opened with a single-use stream ticket (an
// EventSource cannot send Authorization, and a token never goes in a URL). A ticket is spent
// when the stream opens, so after a break the client asks for a fresh one and resumes after
// the last event it saw (`last_event_id`, the query twin of the Last-Event-ID header):
// exactly the missed events follow, none twice.

export class ReportStream {
  constructor(api, reportId, { types, onEvent, onState, lastEventId }) {
    this.api = api;
    this.reportId = reportId;
    this.types = types;
    this.onEvent = onEvent;
    this.onState = onState || (() => {});
    this.lastEventId = lastEventId ?? null;
    this.source = null;
    this.stopped = false;
    this.delay = 500;
    this.connections = 0;
  }

  async start() {
    if (this.stopped) return;
    this.onState("connecting");
    let ticket;
    try {
      ({ data: ticket } = await this.api.post(`/v1/reports/${this.reportId}/stream-tickets`));
    } catch {
      this.retry();
      return;
    }
    if (this.stopped) return;
    const resume = this.lastEventId === null ? "" : `&last_event_id=${encodeURIComponent(this.lastEventId)}`;
    const source = new EventSource(this.api.base + ticket.stream_url + resume);
    this.source = source;
    this.connections += 1;
    source.onopen = () => {
      this.delay = 500;
      this.onState("live");
    };
    const seen = (message) => {
      if (message.lastEventId) this.lastEventId = message.lastEventId;
      let event = null;
      try {
        event = JSON.parse(message.data);
      } catch {
        return;
      }
      this.onEvent({ id: Number(message.lastEventId), ...event });
    };
    for (const type of this.types) source.addEventListener(type, seen);
    source.onerror = () => {
      // The browser would retry with the spent ticket: close and reconnect with a fresh one.
      source.close();
      if (this.source === source) this.retry();
    };
  }

  retry() {
    if (this.stopped) return;
    this.onState("reconnecting");
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, 8000);
    setTimeout(() => this.start(), wait);
  }

  // Drop the connection as a network failure would (tests and the "reconnect" button).
  interrupt() {
    if (this.source) this.source.close();
    this.retry();
  }

  stop() {
    this.stopped = true;
    if (this.source) this.source.close();
    this.source = null;
  }
}
