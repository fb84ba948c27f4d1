import { describe, expect, it } from 'vitest';
import { formatConfigIssue, parseConfig } from '../../src/index.js';

const FILE = 'agentkernel.toml';

interface Case {
  name: string;
  toml: string;
  errors?: string[];
  warnings?: string[];
}

/** Every case asserts the complete list of errors and warnings, formatted as the CLI prints them. */
const corpus: Case[] = [
  {
    name: 'an unclosed table header is a syntax error at its line',
    toml: '[sandbox]\nname = "ok"\n[resources\nvcpus = 2\n',
    errors: ['agentkernel.toml:3: TOML syntax error: Table header is not closed'],
  },
  {
    name: 'a missing value is a syntax error',
    toml: '[sandbox]\nname =\n',
    errors: [
      'agentkernel.toml:2: sandbox.name: TOML syntax error: Value can not be missing after euqal sign',
    ],
  },
  {
    name: 'a duplicate key is a TOML error',
    toml: '[resources]\nvcpus = 1\nvcpus = 2\n',
    errors: ['agentkernel.toml:3: TOML syntax error: Duplicate property definition'],
  },
  {
    name: 'a duplicate table is a TOML error',
    toml: '[security]\nnetwork = true\n\n[security]\nmount_cwd = true\n',
    errors: ['agentkernel.toml:4: TOML syntax error: Duplicate Table definition'],
  },
  {
    name: 'an unterminated array names the line where it starts',
    toml: '[network]\nports = [3000,\n  4000\n',
    errors: [
      'agentkernel.toml:2: network.ports: TOML syntax error: Static Array is not close until the end of the file',
    ],
  },
  {
    name: "an integer beyond TOML's 64 bits is reported at its line and key",
    toml: '[resources]\nvcpus = 2\nmemory_mb = 99999999999999999999\n',
    errors: [
      'agentkernel.toml:3: resources.memory_mb: integer 99999999999999999999 is out of range (TOML integers are 64-bit; settings take at most 9007199254740991)',
    ],
  },
  {
    name: 'an integer beyond 2^53 but within 64 bits is reported by its key',
    toml: '[resources]\nmemory_mb = 1152921504606846976\n',
    errors: [
      'agentkernel.toml:2: resources.memory_mb: must be at most 9007199254740991, got 1152921504606846976',
    ],
  },
  {
    name: "a ''' inside a basic string does not shift the lines of later keys",
    toml: '[sandbox]\nruntime = "a\'\'\'b"\n[resources]\nvcpus = "x"\n',
    errors: ['agentkernel.toml:4: resources.vcpus: expected an integer, got string "x"'],
  },
  {
    name: 'a """ inside a literal string and a \'\'\' in a comment do not shift later lines either',
    toml: '[sandbox]\nruntime = \'a"""b\' # not \'\'\'\nbase_image = """\nmulti\nline"""\n[resources]\nvcpus = 0\n',
    errors: ['agentkernel.toml:7: resources.vcpus: must be at least 1, got 0'],
  },
  {
    name: 'a key-like line inside a multi-line string is not a key',
    toml: "[sandbox]\nbase_image = '''\nvcpus = 9\n'''\n[resources]\nvcpus = 0\n",
    errors: ['agentkernel.toml:6: resources.vcpus: must be at least 1, got 0'],
  },
  {
    name: 'a project file cannot turn isolation off',
    toml: '[local]\nisolation = "none"\n',
    errors: [
      'agentkernel.toml:2: local.isolation: a project\'s agentkernel.toml cannot turn isolation off (whoever commits it would run your commands unconfined on this machine); choose it yourself with --isolation none, or with [local] isolation = "none" in the user-level config (~/.config/agentkernel/config.toml)',
    ],
  },
  {
    name: 'a project file may ask for isolation',
    toml: '[local]\nisolation = "bubblewrap"\n',
  },
  {
    name: 'vcpus as a string is a type error',
    toml: '[resources]\nvcpus = "2"\n',
    errors: ['agentkernel.toml:2: resources.vcpus: expected an integer, got string "2"'],
  },
  {
    name: 'negative vcpus is out of range',
    toml: '[resources]\nvcpus = -2\nmemory_mb = 1024\n',
    errors: ['agentkernel.toml:2: resources.vcpus: must be at least 1, got -2'],
  },
  {
    name: 'fractional vcpus and too little memory',
    toml: '# resources\n[resources]\nvcpus = 1.5\nmemory_mb = 32\n',
    errors: [
      'agentkernel.toml:3: resources.vcpus: expected an integer, got float 1.5',
      'agentkernel.toml:4: resources.memory_mb: must be at least 64, got 32',
    ],
  },
  {
    name: 'port 70000 is out of range',
    toml: '[network]\nports = [3000, 70000]\n',
    errors: ['agentkernel.toml:2: network.ports[1]: must be between 1 and 65535, got 70000'],
  },
  {
    name: 'port 0 is out of range',
    toml: '[network]\nports = [0]\n',
    errors: ['agentkernel.toml:2: network.ports[0]: must be between 1 and 65535, got 0'],
  },
  {
    name: 'a port string that is not agentkernel\'s "host:container" form is an error',
    toml: '[network]\nports = ["web"]\n',
    errors: [
      'agentkernel.toml:2: network.ports[0]: expected a port number or agentkernel\'s "host:container" form, got string "web"',
    ],
  },
  {
    name: 'a UDP port is an error',
    toml: '[network]\nports = ["53/udp"]\n',
    errors: [
      'agentkernel.toml:2: network.ports[0]: UDP ports are not supported: sandbox endpoints are TCP, got string "53/udp"',
    ],
  },
  {
    name: 'ports that are not an array',
    toml: '[network]\nports = 3000\n',
    errors: ['agentkernel.toml:2: network.ports: expected an array of ports, got integer 3000'],
  },
  {
    name: 'a float port in a multi-line array is reported at the key',
    toml: '[network]\nports = [\n  3000,\n  80.5,\n]\n',
    errors: ['agentkernel.toml:2: network.ports[1]: expected a port number, got float 80.5'],
  },
  {
    name: "agentkernel's port strings are read; a different host port and a repeated port are warnings",
    toml: '[network]\nports = ["3000", "8080:80", "9000/tcp", 3000]\n',
    warnings: [
      "agentkernel.toml:2: network.ports[1]: host port 8080 is ignored: the sandbox serves port 80 at the backend's own endpoint",
      'agentkernel.toml:2: network.ports[3]: port 3000 is listed more than once',
    ],
  },
  {
    name: 'a sandbox name with a space',
    toml: '[sandbox]\nname = "my app"\n',
    errors: [
      'agentkernel.toml:2: sandbox.name: invalid sandbox name "my app": use 1 to 63 letters, digits, "-" or "_", starting and ending with a letter or digit, with no two "-"/"_" in a row',
    ],
  },
  {
    name: 'a sandbox name with "--"',
    toml: '\n[sandbox]\nruntime = "node"\nname = "a--b"\n',
    errors: [
      'agentkernel.toml:4: sandbox.name: invalid sandbox name "a--b": use 1 to 63 letters, digits, "-" or "_", starting and ending with a letter or digit, with no two "-"/"_" in a row',
    ],
  },
  {
    name: 'an empty string where a value is needed',
    toml: '[sandbox]\nbase_image = ""\n',
    errors: ['agentkernel.toml:2: sandbox.base_image: must not be empty'],
  },
  {
    name: 'a top-level key that should be a table',
    toml: 'sandbox = "demo"\n',
    errors: ['agentkernel.toml:1: sandbox: expected a table, got string "demo"'],
  },
  {
    name: 'an unknown top-level table is a warning',
    toml: '[sandbox]\nname = "demo"\n\n[agent]\npreferred = "claude"\n',
    warnings: [
      'agentkernel.toml:4: agent: unknown table (ignored); expected one of: [sandbox], [resources], [security], [network], [remote], [plugins], [local]',
    ],
  },
  {
    name: 'an unknown key in [security] is a warning; a wrong type there is an error',
    toml: '[security]\nnetwork = "yes"\nmount_home = true\n',
    errors: ['agentkernel.toml:2: security.network: expected true or false, got string "yes"'],
    warnings: [
      'agentkernel.toml:3: security.mount_home: unknown key (ignored); expected one of: profile, network, mount_cwd',
    ],
  },
  {
    name: 'an unknown security profile',
    toml: '[security]\nprofile = "paranoid"\n',
    errors: [
      'agentkernel.toml:2: security.profile: must be one of "permissive", "moderate", "restrictive", got "paranoid"',
    ],
  },
  {
    name: 'an inline api_key is a warning that does not contain the value',
    toml: '[remote.e2b]\napi_key = "e2b_live_0123456789"\n',
    warnings: [
      'agentkernel.toml:2: remote.e2b.api_key: inline secret (it would be committed with the file): prefer api_key_env = "E2B_API_KEY"',
    ],
  },
  {
    name: 'an inline Modal token suggests the Modal variable; a secret of the wrong type does not show its value',
    toml: '[remote.modal]\ntoken_id = "ak-0123456789"\ntoken_secret = 123456789\n',
    errors: ['agentkernel.toml:3: remote.modal.token_secret: expected a string, got integer'],
    warnings: [
      'agentkernel.toml:2: remote.modal.token_id: inline secret (it would be committed with the file): prefer token_id_env = "MODAL_TOKEN_ID"',
    ],
  },
  {
    name: 'an inline secret of a provider core does not know suggests the *_env key',
    toml: '[remote.acme]\napi_key = "acme-0123456789"\n',
    warnings: [
      'agentkernel.toml:2: remote.acme.api_key: inline secret (it would be committed with the file): prefer api_key_env',
    ],
  },
  {
    name: 'api_key_env with an invalid variable name',
    toml: '[remote.daytona]\napi_key_env = "DAYTONA-KEY"\n',
    errors: [
      'agentkernel.toml:2: remote.daytona.api_key_env: "DAYTONA-KEY" is not a valid environment variable name (use letters, digits and "_", not starting with a digit)',
    ],
  },
  {
    name: 'token_id_env that is not a string, set with a dotted key under [remote]',
    toml: '[remote]\nbridge = "./bridge.mjs"\nmodal.token_id_env = 42\n',
    errors: ['agentkernel.toml:3: remote.modal.token_id_env: expected a string, got integer 42'],
  },
  {
    name: 'a provider table name that no backend can have',
    toml: '[remote.E2B]\nregion = "eu"\n',
    warnings: [
      'agentkernel.toml:1: remote.E2B: not a backend name (lower-case letters, digits and "-"), so no backend reads this table',
    ],
  },
  {
    name: 'an unknown scalar key in [remote] and a bad sync_mode',
    toml: '[remote]\nsync_mode = "lazy"\nretries = 3\n',
    errors: ['agentkernel.toml:2: remote.sync_mode: must be "managed", got "lazy"'],
    warnings: [
      'agentkernel.toml:3: remote.retries: unknown key (ignored); expected one of: bridge, sync_mode, default_profile, or a [remote.<provider>] table',
    ],
  },
  {
    name: 'a profile whose bootstrap is not a string or an array',
    toml: '[remote.profiles.node-dev]\nimage = "node:22"\nbootstrap = 42\n',
    errors: [
      'agentkernel.toml:3: remote.profiles.node-dev.bootstrap: expected a string or an array of strings, got integer 42',
    ],
  },
  {
    name: 'a bootstrap array with a non-string command',
    toml: '[remote.profiles.py]\nbootstrap = ["pip install -r requirements.txt", true]\n',
    errors: ['agentkernel.toml:2: remote.profiles.py.bootstrap[1]: expected a string, got boolean true'],
  },
  {
    name: 'a relative workspace_dir in a quoted profile name',
    toml: '[remote.profiles."node.dev"]\nworkspace_dir = "work"\n',
    errors: [
      'agentkernel.toml:2: remote.profiles."node.dev".workspace_dir: must be an absolute path in the sandbox, got "work"',
    ],
  },
  {
    name: 'profile env with a bad variable name and a non-string value, in an inline table',
    toml: '[remote.profiles.web]\nenv = { "1PORT" = "80", DEBUG = true }\nworkspace = "/w"\n',
    errors: [
      'agentkernel.toml:2: remote.profiles.web.env.1PORT: not a valid environment variable name (use letters, digits and "_", not starting with a digit)',
      'agentkernel.toml:2: remote.profiles.web.env.DEBUG: expected a string, got boolean true',
    ],
    warnings: [
      'agentkernel.toml:3: remote.profiles.web.workspace: unknown key (ignored); expected one of: image, bootstrap, workspace_dir, env',
    ],
  },
  {
    name: 'an unknown default_profile when no profile is defined',
    toml: '[remote]\ndefault_profile = "node-dev"\n',
    errors: [
      'agentkernel.toml:2: remote.default_profile: unknown profile "node-dev"; no [remote.profiles.<name>] table is defined',
    ],
  },
  {
    name: 'an unknown default_profile lists the defined ones',
    toml: '[remote]\ndefault_profile = "node"\n\n[remote.profiles.node-dev]\n[remote.profiles.py]\n',
    errors: [
      'agentkernel.toml:2: remote.default_profile: unknown profile "node"; defined profiles: node-dev, py',
    ],
  },
  {
    name: 'a profile that is not a table',
    toml: '[remote.profiles]\nnode = "node:22"\n',
    errors: ['agentkernel.toml:2: remote.profiles.node: expected a table, got string "node:22"'],
  },
  {
    name: 'plugin paths that are not strings',
    toml: '[plugins]\npaths = ["./mine", 7]\n',
    errors: ['agentkernel.toml:2: plugins.paths[1]: expected a string, got integer 7'],
  },
  {
    name: 'an unknown isolation mode',
    toml: '[local]\nisolation = "docker"\n',
    errors: ['agentkernel.toml:2: local.isolation: must be "bubblewrap" or "none", got "docker"'],
  },
  {
    name: 'a date where a string is expected',
    toml: '[sandbox]\nruntime = 2024-01-01\n',
    errors: ['agentkernel.toml:2: sandbox.runtime: expected a string, got date-time'],
  },
  {
    name: 'several problems are all reported, in file order',
    toml: '[sandbox]\nname = "-x"\n[resources]\nvcpus = 0\n[network]\nports = ["70000"]\n',
    errors: [
      'agentkernel.toml:2: sandbox.name: invalid sandbox name "-x": use 1 to 63 letters, digits, "-" or "_", starting and ending with a letter or digit, with no two "-"/"_" in a row',
      'agentkernel.toml:4: resources.vcpus: must be at least 1, got 0',
      'agentkernel.toml:6: network.ports[0]: must be between 1 and 65535, got 70000',
    ],
  },
];

describe('parseConfig corpus', () => {
  it('has at least 25 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(25);
  });

  it.each(corpus)('$name', ({ toml, errors = [], warnings = [] }) => {
    const result = parseConfig(toml, FILE);
    expect(result.errors.map(formatConfigIssue)).toEqual(errors);
    expect(result.warnings.map(formatConfigIssue)).toEqual(warnings);
  });
});
