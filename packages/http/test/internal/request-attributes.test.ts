import { describe, expect, it } from 'vitest';
import {
  MAX_PATH_LENGTH,
  MAX_USER_AGENT_LENGTH,
  forwardedClient,
  forwardedFor,
  requestAttributes,
  urlPath,
} from '../../src/internal/request-attributes.js';

describe('urlPath', () => {
  it.each([
    ['/', '/'],
    ['/a/b', '/a/b'],
    ['/login?password=hunter2', '/login'],
    ['/a#frag?x', '/a'],
    ['/a?b#c', '/a'],
    ['http://user:pw@example.com/p/q?token=t', '/p/q'],
    ['https://example.com', '/'],
    ['example.com:443', undefined],
    ['*', undefined],
    ['', undefined],
    ['javascript:alert(1)', undefined],
    [undefined, undefined],
  ])('maps %j to %j', (target, expected) => {
    expect(urlPath(target)).toBe(expected);
  });

  it('truncates long paths', () => {
    expect(urlPath(`/${'a'.repeat(10_000)}`)).toHaveLength(MAX_PATH_LENGTH);
  });
});

describe('forwardedFor', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['203.0.113.7, 10.0.0.1', '203.0.113.7'],
    ['unknown, 2001:db8::1, 10.0.0.1', '2001:db8::1'],
    [' 198.51.100.2 ', '198.51.100.2'],
    [['not-an-ip', '192.0.2.1'], '192.0.2.1'],
    ['<script>, evil\r\n', undefined],
    ['', undefined],
    [undefined, undefined],
    [`${'x,'.repeat(10_000)}192.0.2.1`, undefined],
  ])('maps %j to %j', (header, expected) => {
    expect(forwardedFor(header)).toBe(expected);
  });
});

describe('forwardedClient (trustProxy as a hop count)', () => {
  const peer = '10.0.0.2';
  it.each([
    // [header, hops, expected]: the peer is hop 0, then the header from the right
    ['203.0.113.7, 10.0.0.1', 1, '10.0.0.1'],
    ['203.0.113.7, 10.0.0.1', 2, '203.0.113.7'],
    ['198.51.100.9, 203.0.113.7, 10.0.0.1', 2, '203.0.113.7'],
    // fewer entries than hops: the leftmost entry
    ['203.0.113.7', 3, '203.0.113.7'],
    // a spoofed leftmost entry is never reached with the right count
    ['1.2.3.4, 203.0.113.7', 1, '203.0.113.7'],
    // an entry that is not an IP stops the walk at the address before it
    ['not-an-ip, 203.0.113.7, 10.0.0.1', 3, '203.0.113.7'],
    ['203.0.113.7, garbage', 2, peer],
    ['203.0.113.7,, 10.0.0.1', 3, '10.0.0.1'],
    [` 2001:db8::1 ,  192.0.2.1 `, 2, '2001:db8::1'],
    [['203.0.113.7', '10.0.0.1'], 2, '203.0.113.7'],
    ['', 1, peer],
    [undefined, 1, peer],
    [`${'9'.repeat(5000)}, 192.0.2.1`, 2, '192.0.2.1'],
  ] as const)('maps %j with %i hop(s) to %j', (header, hops, expected) => {
    expect(forwardedClient(header as string | string[] | undefined, peer, hops)).toBe(expected);
  });

  it('walks a header of any length from the right, one entry per hop', () => {
    const many = Array.from({ length: 50_000 }, (_, i) => `192.0.2.${i % 250}`).join(', ');
    expect(forwardedClient(`${many}, 203.0.113.7`, peer, 1)).toBe('203.0.113.7');
    expect(forwardedClient(`203.0.113.7, ${many}`, peer, 3)).toBe('192.0.2.247');
  });

  it('has no client address without a peer or a forwarded one', () => {
    expect(forwardedClient(undefined, undefined, 1)).toBeUndefined();
  });
});

describe('requestAttributes', () => {
  it('maps unknown methods to _OTHER and keeps only token-like originals', () => {
    expect(requestAttributes({ headers: {}, method: 'PROPFIND' }, false)).toEqual({
      'http.request.method': '_OTHER',
      'http.request.method_original': 'PROPFIND',
    });
    expect(requestAttributes({ headers: {}, method: 'GET\r\nX' }, false)).toEqual({
      'http.request.method': '_OTHER',
    });
  });

  it('ignores X-Forwarded-For unless the proxy is trusted', () => {
    const req = {
      headers: { 'x-forwarded-for': '203.0.113.7' },
      socket: { remoteAddress: '10.0.0.2' },
    };
    expect(requestAttributes(req, false)).toEqual({
      'client.address': '10.0.0.2',
      'network.peer.address': '10.0.0.2',
    });
    expect(requestAttributes(req, true)).toEqual({
      'client.address': '203.0.113.7',
      'network.peer.address': '10.0.0.2',
    });
    expect(requestAttributes(req, 0)).toEqual({
      'client.address': '10.0.0.2',
      'network.peer.address': '10.0.0.2',
    });
    expect(requestAttributes(req, 1)).toEqual({
      'client.address': '203.0.113.7',
      'network.peer.address': '10.0.0.2',
    });
  });

  it('prefers originalUrl, drops the query and truncates the user agent', () => {
    const attributes = requestAttributes(
      {
        headers: { 'user-agent': 'u'.repeat(5000) },
        url: '/inner?x=1',
        originalUrl: '/mount/inner?token=abc',
      },
      false,
    );
    expect(attributes['url.path']).toBe('/mount/inner');
    expect(attributes['user_agent.original']).toHaveLength(MAX_USER_AGENT_LENGTH);
  });
});
