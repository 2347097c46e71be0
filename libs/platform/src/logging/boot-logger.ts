import type { LoggerService } from '@nestjs/common';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's logger until the app's own (pino) takes over. Start-up messages, and above all those of
 * a start-up that fails before pino is in place, are JSON lines like every other log line, one
 * line each, without stacks, instead of Nest's coloured multi-line console output.
 */
export class BootLogger implements LoggerService {
  constructor(private readonly service?: string) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: Level, message: unknown, rest: readonly unknown[]): void {
    // Nest passes the context last; an error's stack, when given, comes before it and is left out.
    const context = rest.length > 0 ? rest[rest.length - 1] : undefined;
    const text = message instanceof Error ? message.message : String(message);
    const line = {
      level,
      time: new Date().toISOString(),
      ...(this.service ? { service: this.service } : {}),
      ...(typeof context === 'string' ? { context } : {}),
      msg: text.split('\n')[0].slice(0, 500),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}
