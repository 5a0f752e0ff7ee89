// A TCP echo server on Node.js's net module; prints its port, ends when stdin closes.
"use strict";
const net = require("net");
const server = net.createServer({ noDelay: true }, (socket) => {
  socket.on("data", (chunk) => socket.write(chunk));
  socket.on("error", () => socket.destroy());
});
// Node's default listen queue is 511; the comparison gives every server 1024.
server.listen({ host: "127.0.0.1", port: 0, backlog: 1024 }, () => {
  process.stdout.write(`port ${server.address().port}\n`);
});
process.stdin.on("end", () => process.exit(0));
process.stdin.on("data", () => {});
setTimeout(() => process.exit(0), 300 * 1000).unref();
