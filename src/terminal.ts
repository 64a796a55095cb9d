// The one writer of a terminal's stderr while a command shows live progress: log lines are
// printed above the status line, which is redrawn after each, so neither breaks the other.

type Out = { write(s: string): unknown; isTTY?: boolean; columns?: number };

export class StatusLine {
  private text = '';
  constructor(private readonly out: Out = process.stderr) {}

  get tty(): boolean {
    return Boolean(this.out.isTTY);
  }

  /** Redraws the live line (cut to the terminal's width, so it never wraps and stays one line). */
  set(text: string): void {
    const width = this.out.columns ?? 0;
    this.text = width > 1 && text.length >= width ? `${text.slice(0, width - 2)}…` : text;
    this.out.write(`\r\x1b[K${this.text}`);
  }

  /** Writes whole lines above the live line. */
  above(lines: string): void {
    const body = lines.endsWith('\n') ? lines : `${lines}\n`;
    this.out.write(this.text ? `\r\x1b[K${body}${this.text}` : body);
  }

  /** Ends the live line with `text`, which stays on screen. */
  end(text: string): void {
    this.text = '';
    this.out.write(`\r\x1b[K${text}\n`);
  }
}

export const terminal = new StatusLine();
