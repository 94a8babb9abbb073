import { Writable } from 'node:stream';

/** A log destination that keeps what it is given, for tests that read the log back. */
export class LogCapture extends Writable {
  private text = '';

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += String(chunk);
    done();
  }

  /** Every complete line written so far. */
  lines(): string[] {
    return this.text.split('\n').filter((line) => line.length > 0);
  }

  /** The lines as JSON objects (the json format). */
  records(): Record<string, unknown>[] {
    return this.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
