/** Base of every error the SDK throws; modelled on openai-node's error classes. */
export class ForPromptError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The original SDK's name for `status`. */
  get statusCode(): number | undefined {
    return this.status;
  }
}

export class ConfigurationError extends ForPromptError {
  constructor(message: string) {
    super(message, undefined, 'CONFIGURATION_ERROR');
  }
}
