import { EventEmitter } from 'node:events';

/**
 * The readers waiting for the log to grow past a position. An adapter notifies them of its own
 * commits at once; commits by other processes are found by polling the head. Closing the store
 * ends every wait, so no poll outlives the connection it reads through.
 */
export class AppendWaiters {
  private readonly appended = new EventEmitter();
  private readonly pending = new Set<(found: boolean) => void>();

  constructor(
    private readonly head: () => Promise<number>,
    private readonly pollMs: number,
  ) {
    this.appended.setMaxListeners(0);
  }

  notify(position: number): void {
    this.appended.emit('appended', position);
  }

  async wait(afterPosition: number, timeoutMs: number): Promise<boolean> {
    if ((await this.head()) > afterPosition) return true;
    return new Promise((resolve) => {
      const done = (found: boolean) => {
        clearTimeout(timer);
        clearInterval(poll);
        this.appended.off('appended', onAppend);
        this.pending.delete(done);
        resolve(found);
      };
      const onAppend = (position: number) => position > afterPosition && done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      const poll = setInterval(
        () =>
          void this.head().then(
            (head) => head > afterPosition && done(true),
            () => undefined,
          ),
        this.pollMs,
      );
      this.appended.on('appended', onAppend);
      this.pending.add(done);
    });
  }

  close(): void {
    for (const done of [...this.pending]) done(false);
  }
}
