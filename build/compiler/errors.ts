// A build error a user can cause: names the source file and line, printed as one line.

export class CompileError extends Error {
  constructor(
    /** Repo-relative path of the file at fault (or '' when no file is involved). */
    readonly file: string,
    /** 1-based line in that file (0 when unknown). */
    readonly line: number,
    readonly detail: string,
  ) {
    super(file ? `${file}${line > 0 ? `:${line}` : ''}: ${detail}` : detail);
    this.name = 'CompileError';
  }
}
