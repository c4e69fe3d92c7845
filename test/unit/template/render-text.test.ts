import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTemplar } from '../../../src/template/templar.js';

const fixtures = fileURLToPath(new URL('../../fixtures/template/', import.meta.url));
const templar = createTemplar({ searchPaths: [fixtures], env: {} });

describe('renderText: an HAProxy configuration', () => {
  const source = readFileSync(`${fixtures}haproxy.cfg.j2`, 'utf8');
  const vars = {
    inventory_hostname: 'ingress-1',
    listen_ports: [80, 443],
    bind_address: '::',
    upstream_port: 8443,
    cert_dir: '/etc/ingress/pki',
    timeouts: { connect: '5s', client: '{{ idle_timeout }}', server: '{{ idle_timeout }}' },
    idle_timeout: '1m',
    wans: [
      { name: 'wan1', address: '203.0.113.10', enabled: true },
      { name: 'wan2', address: '2001:db8::10', enabled: true },
      { name: 'wan3', address: '198.51.100.7', enabled: false },
    ],
    mesh_address: '200:1234::1',
  };

  it('renders loops, conditionals, filters, lazy vars and an include', () => {
    const server = (name: string, addr: string) =>
      `    server ${name} ${addr}:8443 check send-proxy-v2 ssl crt /etc/ingress/pki/ingress-1.pem ca-file /etc/ingress/pki/ca.pem`;
    const backend = (port: number) => [
      `frontend fe_${port}`,
      `    bind [::]:${port}`,
      `    default_backend be_${port}`,
      '',
      `backend be_${port}`,
      '    option redispatch',
      '    retries 3',
      server('wan1', '203.0.113.10'),
      server('wan2', '[2001:db8::10]'),
      '    server mesh [200:1234::1]:8443 check send-proxy-v2 backup',
    ];
    const expected = [
      '# managed by ingress',
      'global',
      '    log stdout format raw local0',
      '    maxconn 4096',
      '',
      'defaults',
      '    mode tcp',
      '    timeout connect 5s',
      '    timeout client 1m',
      '    timeout server 1m',
      '',
      ...backend(80),
      ...backend(443),
      '# 2 frontends for ingress-1',
      '',
    ].join('\n');
    expect(templar.renderText(source, vars, 'haproxy.cfg.j2')).toBe(expected);
  });

  it('takes the optional branches when their vars are set', () => {
    const out = templar.renderText(
      source,
      { ...vars, haproxy_stats_socket: '/run/haproxy/admin.sock', mesh_address: '' },
      'haproxy.cfg.j2',
    );
    expect(out).toContain('    stats socket /run/haproxy/admin.sock mode 600 level admin\n');
    expect(out).not.toContain('server mesh');
  });
});

describe('renderText: whitespace as Ansible renders it', () => {
  it('trims the newline after a block tag (trim_blocks) but not leading spaces', () => {
    expect(templar.renderText('{% for i in [1, 2] %}\n  {{ i }}\n{% endfor %}\n', {})).toBe('  1\n  2\n');
    expect(templar.renderText('  {% if true %}\nx\n  {% endif %}\n', {})).toBe('  x\n  \n');
  });

  it('trims the newline after a comment as Jinja2 does under trim_blocks', () => {
    expect(templar.renderText('a\n{# managed #}\nb\n  {# x #}\nc\n', {})).toBe('a\nb\n  c\n');
    const untrimmed = '#jinja2: trim_blocks: False\na\n{# managed #}\nb\n';
    expect(templar.renderText(untrimmed, {})).toBe('a\n\nb\n');
  });

  it("renders tojson as Jinja2's HTML-safe, key-sorted JSON", () => {
    expect(templar.renderText("{{ {'b': '<x>', 'a': [1, \"it's\"]} | tojson }}", {})).toBe(
      '{"a": [1, "it\\u0027s"], "b": "\\u003cx\\u003e"}',
    );
  });

  it('finds the first existing file with first_found, or nothing with skip', () => {
    const found = templar.evaluate("lookup('first_found', ['nope.j2', 'haproxy.cfg.j2'])", {});
    expect(found).toBe(`${fixtures}haproxy.cfg.j2`);
    expect(templar.evaluate("query('first_found', ['nope.j2'], skip=True)", {})).toEqual([]);
  });

  it('honours a #jinja2 header line', () => {
    const source = '#jinja2: lstrip_blocks: True\n  {% if true %}\nx\n  {% endif %}\n';
    expect(templar.renderText(source, {})).toBe('x\n');
  });

  it('keeps the trailing newline of the source', () => {
    expect(templar.renderText('a\n', {})).toBe('a\n');
    expect(templar.renderText('a', {})).toBe('a');
    expect(templar.renderText('{{ x }}\n{% if x %}\n{% endif %}\n', { x: 'v' })).toBe('v\n');
  });

  it('prints lists, dicts, booleans and None the way Jinja2 does', () => {
    expect(
      templar.renderText('{{ l }} {{ d }} {{ b }} [{{ n }}]', {
        l: ['a', 1],
        d: { k: "it's" },
        b: false,
        n: null,
      }),
    ).toBe(`['a', 1] {'k': "it's"} False []`);
  });
});

describe('lookups and includes', () => {
  it("reads lookup('file') relative to the search paths, stripping trailing newlines", () => {
    expect(templar.evaluate("lookup('file', 'token.txt')", {})).toBe('secret-token');
  });

  it("fails clearly when lookup('file') finds nothing", () => {
    expect(() => templar.evaluate("lookup('file', 'absent.txt')", {})).toThrow(
      'could not locate file in lookup: absent.txt',
    );
  });

  it("renders lookup('template') with the caller's variables", () => {
    const out = templar.evaluate("lookup('template', 'haproxy-footer.j2')", {
      listen_ports: [1],
      inventory_hostname: 'h',
    });
    expect(out).toBe('# 1 frontends for h\n');
  });

  it('fails clearly on a missing include', () => {
    expect(() => templar.renderText("{% include 'nope.j2' %}", {})).toThrow('template not found: nope.j2');
  });
});
