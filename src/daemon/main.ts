import { pino } from 'pino';
import type { Logger } from 'pino';
import { createDnsClient } from '../dns/client.js';
import { parseKeyFile, selectKey } from '../dns/key-file.js';
import { createHaproxyRuntime, unixSocketConnector } from '../haproxy/runtime.js';
import { createDaemonMetrics } from '../metrics/registry.js';
import { buildStatus } from './status.js';
import { loadDaemonConfig } from './config.js';
import type { DaemonConfig } from './config.js';
import { tlsMaterialCache } from './status-tls.js';
import { readNamedFile } from './config-files.js';
import { startStatusServer } from './http.js';
import { dnsPortFromClient } from './interpreter.js';
import { createRealPorts } from './ports.js';
import { createDaemonRunner, type DaemonRunner } from './runner.js';
import { nextTickDelayMs } from './tick.js';

/** How long a stop waits for effects already running (a probe, a DNS read) before letting go. */
export const STOP_IDLE_MS = 500;

/** Waits for `work`, but no longer than `ms`: a stop must not hang on a slow probe. */
export function settleWithin(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([work.catch(() => undefined), limit]).finally(() => clearTimeout(timer));
}

/** Who may read this node's mesh /status: the nodes that poll it (its peers and the witness). */
export function fleetMembers(config: DaemonConfig): string[] {
  return [...config.peers.map((p) => p.name), ...(config.witness ? [config.witness.name] : [])];
}

/** Ticks the reducer when its next timer is due (see nextTickDelayMs); returns the stop. */
export function tickWhenDue(runner: DaemonRunner, now: () => number): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (): void => {
    timer = setTimeout(
      () => {
        runner.submit({ type: 'tick' });
        if (!stopped) schedule();
      },
      nextTickDelayMs(runner.state(), now()),
    );
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

export interface RunningDaemon {
  stop(): Promise<void>;
}

/** `ingress daemon --config FILE`: wires the real ports around the reducer and serves status. */
export async function startDaemon(configFile: string, logger: Logger = pino()): Promise<RunningDaemon> {
  const config = await loadDaemonConfig(configFile);
  const now = (): number => Date.now();
  const keyText = await readNamedFile(config.dns.tsigKeyFile, config.file, 'dns.tsigKeyFile');
  const dnsClient = createDnsClient({
    server: { host: config.dns.server, port: config.dns.port },
    key: selectKey(parseKeyFile(keyText, config.dns.tsigKeyFile), config.dns.tsigKeyFile),
    zone: config.dns.zone,
    now,
    timeoutMs: config.probe.timeoutMs,
  });
  const metrics = createDaemonMetrics();
  const statusTls = config.listen.tls ? tlsMaterialCache(config.listen.tls, now) : undefined;
  const ports = await createRealPorts({
    config,
    haproxy: createHaproxyRuntime({ connector: unixSocketConnector(config.haproxySocket) }),
    dns: dnsPortFromClient(dnsClient, config.dns.ttlS),
    metrics,
    logger,
    now,
    ...(statusTls ? { statusTls } : {}),
  });
  const runner = createDaemonRunner({ config, ports, now, seed: process.pid });
  const server = await startStatusServer({
    listen: config.listen,
    status: () => buildStatus(runner.state(), now()),
    metrics: () => metrics.text(),
    onBindError: (host, error) => logger.warn({ host, error }, 'status address not up yet; retrying'),
    ...(statusTls ? { meshTls: { material: statusTls, allowed: fleetMembers(config) } } : {}),
  });
  const stopTicks = tickWhenDue(runner, now);
  logger.info(
    { node: config.node, mode: config.mode, port: server.port, listen: server.bound() },
    'daemon started',
  );
  return {
    stop: async () => {
      stopTicks();
      runner.stop();
      await server.close();
      await settleWithin(runner.idle(), STOP_IDLE_MS);
      ports.close();
    },
  };
}
