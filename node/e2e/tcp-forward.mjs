// Forwards TCP connections from 127.0.0.1:<port> to <host>:<port>, for each port given, inside
// the namespace it is started in. simulcast.test.mjs runs one in each subscriber's namespace:
// Chromium's BROWSERS.md resolver rule lets pages reach only 127.0.0.1 over HTTP, while its
// media (ICE to the node's advertised address) crosses the namespace's veth, where tc shapes it.
// Usage: node tcp-forward.mjs <host> <port>...
import net from 'node:net';

const [host, ...ports] = process.argv.slice(2);
let listening = 0;
for (const port of ports.map(Number)) {
  net.createServer((client) => {
    const upstream = net.connect(port, host);
    client.pipe(upstream).pipe(client);
    const close = () => { client.destroy(); upstream.destroy(); };
    client.on('error', close);
    upstream.on('error', close);
  }).listen(port, '127.0.0.1', () => {
    if (++listening === ports.length) process.stdout.write('ready\n');
  });
}
