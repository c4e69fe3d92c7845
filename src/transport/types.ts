/** What a command run on a host returned. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  rc: number;
}

export interface ExecOptions {
  /** Bytes written to the command's standard input, then closed. */
  stdin?: string | Buffer;
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * One host, reached somehow. Implementations: SSH (ssh2, one connection per
 * host, a channel per call) and local. All pass test/unit/transport/contract.
 * Commands run through /bin/sh on the host.
 */
export interface Transport {
  readonly hostName: string;
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Writes a file (created with `mode`, default 0o600), replacing it atomically. */
  put(remotePath: string, content: string | Buffer, options?: { mode?: number }): Promise<void>;
  get(remotePath: string): Promise<Buffer>;
  close(): Promise<void>;
}

/** How to reach a host, from the Ansible connection variables. */
export interface ConnectionSpec {
  hostName: string;
  connection: 'ssh' | 'local';
  address: string;
  port: number;
  user: string;
  privateKeyFile?: string;
  password?: string;
  connectTimeoutMs: number;
  knownHostsFile: string;
  acceptNewHostKeys: boolean;
}

export interface BecomeSpec {
  become: boolean;
  user: string;
  method: 'sudo';
}

/** A host as modules and facts see it: become is already applied by the runner. */
export interface Remote {
  readonly hostName: string;
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  put(remotePath: string, content: string | Buffer, options?: { mode?: number }): Promise<void>;
  get(remotePath: string): Promise<Buffer>;
}
