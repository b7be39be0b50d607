/**
 * The embedded MQTT broker (Aedes, MQTT 3.1.1) and the client for an external broker, both
 * behind one hook interface: the sensing module decides who may connect and what a publish means;
 * this layer only speaks MQTT.
 *
 * QoS 1 acknowledgement follows the hook: the PUBACK goes out only when `onPublish` resolves
 * (after the observations are committed). A hook that throws a `MqttRefusal` with
 * `disconnect: true` ends the connection (MQTT 3.1.1 has no negative PUBACK); other refusals are
 * acknowledged and reported to the device on `devices/{id}/errors`.
 */
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { Aedes, type Client } from 'aedes';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export class MqttRefusal extends Error {
  constructor(
    message: string,
    readonly disconnect: boolean,
    /** What to count it as in metrics. */
    readonly outcome: string,
  ) {
    super(message);
    this.name = 'MqttRefusal';
  }
}

/** A CONNECT refused with a given MQTT 3.1.1 return code (2: identifier rejected, 4: bad user name or password, 5: not authorised). */
export class MqttConnectRefusal extends Error {
  constructor(
    message: string,
    readonly returnCode: 2 | 4 | 5,
  ) {
    super(message);
    this.name = 'MqttConnectRefusal';
  }
}

export interface MqttHooks<S> {
  /**
   * Returns the session (the device) or null to refuse with "bad user name or password"; throws a
   * MqttConnectRefusal to refuse with another return code.
   */
  authenticate(clientId: string, username: string | undefined, password: Buffer | undefined): Promise<S | null>;
  /** Called per publish; resolve to acknowledge. `session` is null on an external broker. */
  onPublish(session: S | null, topic: string, payload: Buffer): Promise<void>;
  /** Topics the session may subscribe to. */
  maySubscribe(session: S, topic: string): boolean;
  /** Where the refusal of a publish is reported to the device, if anywhere. */
  errorTopic(session: S | null, topic: string): string | undefined;
  onConnectionChange?(connected: number): void;
  log: { info(o: object, msg: string): void; warn(o: object, msg: string): void; error(o: object, msg: string): void };
}

export interface EmbeddedBroker {
  readonly port: number;
  readonly clients: number;
  close(): Promise<void>;
}

type SessionClient<S> = Client & { session?: S };

export async function startEmbeddedBroker<S>(opts: { port: number; host: string }, hooks: MqttHooks<S>): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker({
    // The payload of a device is reported on, not kept: no retained messages from devices.
    concurrency: 1000,
    authenticate: (client, username, password, done) => {
      hooks.authenticate(client.id, username, password).then(
        (session) => {
          if (!session) {
            const err = Object.assign(new Error('bad user name or password'), { returnCode: 4 });
            done(err, false);
            return;
          }
          (client as SessionClient<S>).session = session;
          done(null, true);
        },
        (err) => {
          if (err instanceof MqttConnectRefusal) {
            done(Object.assign(new Error(err.message), { returnCode: err.returnCode }), false);
            return;
          }
          hooks.log.error({ err, clientId: client.id }, 'MQTT authentication failed with an error');
          done(Object.assign(new Error('server unavailable'), { returnCode: 3 }), false);
        },
      );
    },
    authorizePublish: (client, packet, done) => {
      if (!client) {
        done(null); // the broker's own publishes (error reports)
        return;
      }
      const session = (client as SessionClient<S>).session ?? null;
      packet.retain = false;
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      hooks.onPublish(session, packet.topic, payload).then(
        () => done(null),
        (err) => {
          if (err instanceof MqttRefusal && !err.disconnect) {
            const topic = hooks.errorTopic(session, packet.topic);
            if (topic) {
              broker.publish(
                { cmd: 'publish', topic, payload: Buffer.from(JSON.stringify({ topic: packet.topic, error: err.message })), qos: 0, retain: false, dup: false },
                () => undefined,
              );
            }
            done(null);
            return;
          }
          done(err instanceof Error ? err : new Error(String(err)));
        },
      );
    },
    authorizeSubscribe: (client, sub, done) => {
      const session = (client as SessionClient<S>).session;
      done(null, session && hooks.maySubscribe(session, sub.topic) ? sub : null);
    },
  });
  let clients = 0;
  broker.on('client', () => hooks.onConnectionChange?.(++clients));
  broker.on('clientDisconnect', () => hooks.onConnectionChange?.(--clients));

  // TCP_NODELAY: a PUBACK is a few bytes and must not wait for Nagle's algorithm.
  const server: Server = createServer({ noDelay: true }, (socket: Socket) => broker.handle(socket));
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`MQTT_PORT ${opts.port} is in use (another MQTT broker?): set MQTT_PORT to a free port, or MQTT_URL to use that broker`);
    }
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    get clients() {
      return clients;
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}

export interface ExternalConsumer {
  close(): Promise<void>;
  readonly connected: boolean;
}

/**
 * Consumes device topics from an external broker (Mosquitto, EMQX) through a shared subscription
 * (`$share/<group>/devices/+/<topic>`), so several ingest processes split the load. The session is
 * persistent (clean = false, stable client id), so QoS 1 messages that arrive while this process is
 * away wait at the broker; each is acknowledged only after `onPublish` resolves. The broker
 * authenticates devices and enforces the topic ACL (see docs/sensing.md for the configuration).
 */
export async function startExternalConsumer<S>(
  opts: { url: string; clientId: string; group: string; topics: string[]; username?: string; password?: string; connections?: number },
  hooks: MqttHooks<S>,
): Promise<ExternalConsumer> {
  // mqtt.js hands a connection's messages over one at a time, each only after the previous one's
  // PUBACK (that is, after its commit); several connections in the group let commits take many
  // messages at once. The first keeps the plain client id, so its session carries over.
  const n = opts.connections ?? 1;
  const members = await Promise.all(
    Array.from({ length: n }, (_, i) => consumerConnection({ ...opts, clientId: i === 0 ? opts.clientId : `${opts.clientId}-${i}` }, hooks)),
  );
  return {
    get connected() {
      return members.every((m) => m.connected);
    },
    close: async () => {
      await Promise.all(members.map((m) => m.close()));
    },
  };
}

async function consumerConnection<S>(
  opts: { url: string; clientId: string; group: string; topics: string[]; username?: string; password?: string },
  hooks: MqttHooks<S>,
): Promise<ExternalConsumer> {
  const options: IClientOptions = {
    clientId: opts.clientId,
    clean: false,
    reconnectPeriod: 1000,
    connectTimeout: 5000,
    protocolVersion: 4,
    ...(opts.username ? { username: opts.username } : {}),
    ...(opts.password ? { password: opts.password } : {}),
  };
  const client: MqttClient = mqtt.connect(opts.url, options);
  // The PUBACK to the broker is sent when this callback is called: after commit.
  client.handleMessage = (packet, callback) => {
    if (packet.cmd !== 'publish') {
      callback();
      return;
    }
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    hooks.onPublish(null, packet.topic, payload).then(
      () => callback(),
      (err) => {
        if (err instanceof MqttRefusal) {
          // Refused data is acknowledged (redelivery cannot fix it); the device hears why.
          const topic = hooks.errorTopic(null, packet.topic);
          if (topic) client.publish(topic, JSON.stringify({ topic: packet.topic, error: err.message }), { qos: 0 });
          callback();
          return;
        }
        // Storage unavailable: no PUBACK; the broker redelivers when we reconnect.
        hooks.log.error({ err, topic: packet.topic }, 'MQTT message not stored; it will be redelivered');
        client.end(true, () => client.reconnect());
      },
    );
  };
  const subscribe = () =>
    client.subscribe(
      opts.topics.map((t) => `$share/${opts.group}/${t}`),
      { qos: 1 },
      (err) => {
        if (err) hooks.log.error({ err }, 'MQTT shared subscription failed');
      },
    );
  client.on('connect', (ack) => {
    hooks.log.info({ url: opts.url, clientId: opts.clientId, sessionPresent: ack.sessionPresent }, 'connected to the external MQTT broker');
    if (!ack.sessionPresent) subscribe();
  });
  client.on('error', (err) => hooks.log.warn({ err: err.message }, 'external MQTT broker error'));
  client.on('offline', () => hooks.log.warn({ url: opts.url }, 'external MQTT broker is unreachable; reconnecting'));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`external MQTT broker ${opts.url} did not answer within 10 s`)), 10_000);
    client.once('connect', () => {
      clearTimeout(t);
      resolve();
    });
  });
  return {
    get connected() {
      return client.connected;
    },
    close: () => new Promise<void>((resolve) => client.end(false, {}, () => resolve())),
  };
}

export async function connectClient(url: string, opts: IClientOptions): Promise<MqttClient> {
  return mqtt.connectAsync(url, opts);
}
