/** Counters for the example plugin (a separate file to show that plugins can have several). */
export class Stats {
  accepted = 0;
  closed = 0;
  packets = 0;
  logins = 0;

  describe(): string {
    return `connections accepted ${this.accepted}, closed ${this.closed}, logins ${this.logins}, packets seen ${this.packets}`;
  }
}
