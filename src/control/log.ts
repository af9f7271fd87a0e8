/**
 * The services' log: one line per event, `2026-12-04T05:30:00.123Z info  controller: ...`, on
 * stderr by default. A level filter drops what the operator did not ask for (`--log-level`).
 * Tests pass a sink that collects or drops lines.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export type LogSink = (line: string) => void;

export function createLogger(sink: LogSink = (line) => process.stderr.write(`${line}\n`), minLevel: LogLevel = 'info', now: () => Date = () => new Date()): Logger {
  const min = LOG_LEVELS.indexOf(minLevel);
  const at = (level: LogLevel) => (msg: string) => {
    if (LOG_LEVELS.indexOf(level) < min) return;
    sink(`${now().toISOString()} ${level.padEnd(5)} ${msg}`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
