// Starts the real dynamight server on 127.0.0.1 with a temporary data dir, as the QtTest
// suites do, and stops it by its own process id.

import { spawn } from 'node:child_process';

const listening = /listening on http:\/\/[^:\s]+:(\d+)/;

export class Server {
  constructor({ binary, dataDir, args = [] }) {
    this.binary = binary;
    this.dataDir = dataDir;
    this.args = args;
    this.port = 0;
    this.output = '';
    this.child = null;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  // Starts the server. `port` 0 lets the system choose, and a fixed port restarts on the same one.
  async start(port = 0) {
    const env = { ...process.env, DYNAMIGHT_KEYCHAIN: 'off' };
    delete env.DYNAMIGHT_SECRET;
    const args = ['serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', this.dataDir, ...this.args];
    this.child = spawn(this.binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const child = this.child;
    const collect = (chunk) => {
      this.output += chunk.toString();
      if (this.output.length > 200000) this.output = this.output.slice(-100000);
    };
    child.stderr.on('data', collect);

    this.port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`The server did not report its port within 20 s:\n${this.output}`)), 20000);
      child.stdout.on('data', (chunk) => {
        collect(chunk);
        const match = listening.exec(this.output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`Failed to start ${this.binary}: ${error.message}`));
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`The server exited before listening (code ${code}, signal ${signal}):\n${this.output}`));
      });
    });
    return this;
  }

  // Sends SIGTERM and waits for the exit, with SIGKILL after 20 s.
  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
    await exited;
    clearTimeout(timer);
    this.child = null;
  }
}
