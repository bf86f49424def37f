// A programmable HTTP fake on 127.0.0.1 (a free port), for scripts a test
// points at it instead of Azure's instance metadata service or Key Vault.
// A test's fake extends it with its own `handle`.
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export abstract class LoopbackServer {
  private server?: Server;
  /** The port it listens on, once started. */
  port = 0;

  /** Answers one request. */
  protected abstract handle(req: IncomingMessage, res: ServerResponse): void;

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}
