/**
 * A failure the user can act on: main.ts prints its message as one line (`forprompt: …`) and exits
 * with `exitCode`. Anything else that escapes a command is a bug and is reported the same way.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The engine answered with an error (`{ error: { code, message } }`, or the original API's `{ error, code }`). */
export class ApiError extends CliError {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

/** The engine could not be reached (refused, DNS, timeout): callers may treat it as "offline". */
export class ConnectionError extends CliError {}
