// setImmediate against a 0 ms timer: outside an I/O callback (made to lose on purpose)
// and inside one (where Node guarantees the immediate first).
const fs = require("fs");
const log = (s) => console.log(s);
setTimeout(() => log("main: timeout"), 0);
setImmediate(() => {
  log("main: immediate");
  fs.readFile(__filename, () => {
    log("io: callback");
    setTimeout(() => log("io: timeout"), 0);
    setImmediate(() => log("io: immediate"));
  });
});
// Busy-wait 2 ms: the timer is due before the loop's first turn begins.
const start = process.hrtime.bigint();
while (process.hrtime.bigint() - start < 2000000n) {}
