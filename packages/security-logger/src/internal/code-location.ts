// Finds the application code that called a seclog method, from a stack capture, for the
// `code.*` attributes. Only runs when captureCodeLocation is on, because a capture costs.
import { fileURLToPath } from 'node:url';
import {
  ATTR_CODE_FILE_PATH,
  ATTR_CODE_FUNCTION_NAME,
  ATTR_CODE_LINE_NUMBER,
} from '@seclog/semconv';

// Frames from this package (src/ in tests, dist/ when built) are seclog's own, never the caller.
const OWN_DIRECTORY = fileURLToPath(new URL('../', import.meta.url));

const FRAME = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/;

/** The caller's code location as `code.*` attributes, or an empty object when none is found. */
export function captureCodeLocation(): Record<string, string | number> {
  const holder: { stack?: string } = {};
  const previousLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 30;
    Error.captureStackTrace(holder);
  } finally {
    Error.stackTraceLimit = previousLimit;
  }
  const lines = (holder.stack ?? '').split('\n').slice(1);
  for (const line of lines) {
    const match = FRAME.exec(line);
    if (match === null) continue;
    const [, fn, location = '', lineNumber = ''] = match;
    let file = location;
    if (file.startsWith('file://')) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    }
    if (file.startsWith(OWN_DIRECTORY) || file.startsWith('node:')) continue;
    const result: Record<string, string | number> = {
      [ATTR_CODE_FILE_PATH]: file,
      [ATTR_CODE_LINE_NUMBER]: Number(lineNumber),
    };
    const name = fn?.replace(/^async /, '').replace(/^new /, '');
    if (name !== undefined && name !== '' && name !== '<anonymous>') {
      result[ATTR_CODE_FUNCTION_NAME] = name;
    }
    return result;
  }
  return {};
}
