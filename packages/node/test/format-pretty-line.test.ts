// The console's readable line (the one `seclog tail` prints too, from the exporter's `./verify`
// subpath): the fields it leads with are the names seclog emits, and a value that cannot be turned
// into JSON still leaves one line.
import { describe, expect, it } from 'vitest';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_SECLOG_OUTCOME,
  ATTR_SECLOG_REASON,
  ATTR_USER_ID,
} from '@seclog/semconv';
import { formatPrettyLine } from '@seclog/rotating-file-log-record-exporter/verify';

describe('formatPrettyLine', () => {
  it('leads with the @seclog/semconv user, address, outcome and reason, in that order', () => {
    const line = formatPrettyLine({
      time: [0, 0],
      eventName: 'e',
      body: 'b',
      attributes: {
        other: 1,
        [ATTR_SECLOG_REASON]: 'r',
        [ATTR_SECLOG_OUTCOME]: 'o',
        [ATTR_CLIENT_ADDRESS]: 'a',
        [ATTR_USER_ID]: 'u',
      },
    });
    expect(line).toBe(
      `1970-01-01T00:00:00.000Z -     e ${ATTR_USER_ID}=u ${ATTR_CLIENT_ADDRESS}=a ` +
        `${ATTR_SECLOG_OUTCOME}=o ${ATTR_SECLOG_REASON}=r b other=1`,
    );
  });

  it('writes a value JSON cannot represent as [unserializable], on the same line', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(formatPrettyLine({ time: [0, 0], attributes: { c: cyclic, n: 1 } })).toBe(
      '1970-01-01T00:00:00.000Z -     c="[unserializable]" n=1',
    );
  });

  it('writes bytes as base64 and numbers, booleans and nested values as JSON', () => {
    expect(
      formatPrettyLine({
        time: [1, 5_000_000],
        severityNumber: 5,
        attributes: { b: new Uint8Array([0, 255]), n: 1.5, t: true, o: { a: [1, 'x y'] } },
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
      }),
    ).toBe(
      '1970-01-01T00:00:01.005Z DEBUG b="AP8=" n=1.5 t=true o={"a":[1,"x y"]} ' +
        'trace_id=0af7651916cd43dd8448eb211c80319c span_id=b7ad6b7169203331',
    );
  });

  it('writes - for a time no date can hold', () => {
    expect(formatPrettyLine({ time: [NaN, 0], attributes: {} })).toBe('- -    ');
  });
});
