// Synchronous code, then nextTick callbacks, then promise reactions, then a timer.
const log = (s) => console.log(s);
log("script start");
setTimeout(() => log("timeout"), 0);
Promise.resolve()
  .then(() => log("promise 1"))
  .then(() => log("promise 2"));
process.nextTick(() => log("nextTick 1"));
queueMicrotask(() => log("microtask"));
process.nextTick(() => log("nextTick 2"));
log("script end");
