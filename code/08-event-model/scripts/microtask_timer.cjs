// Timers queued from microtasks join the timer queue behind those already there.
const log = (s) => console.log(s);
setTimeout(() => {
  log("timeout A");
  Promise.resolve().then(() => {
    log("promise in timeout A");
    setTimeout(() => log("timeout from promise in A"), 0);
  });
}, 0);
Promise.resolve().then(() => {
  log("promise");
  setTimeout(() => log("timeout from promise"), 0);
});
setTimeout(() => log("timeout B"), 0);
