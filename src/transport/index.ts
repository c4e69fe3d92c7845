export { withBecome, becomeIsIdentity } from './become.js';
export { connectionSpecFromVars, becomeSpecFromVars, ansibleBoolean } from './connection-spec.js';
export type { ConnectionSpecOptions } from './connection-spec.js';
export { LocalTransport } from './local.js';
export { SshTransport } from './ssh.js';
export { TransportPool, createTransport } from './pool.js';
export { ShellTransport } from './shell-transport.js';
export type { BecomeSpec, ConnectionSpec, ExecOptions, ExecResult, Transport } from './types.js';
