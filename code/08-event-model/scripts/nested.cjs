// Ticks and microtasks queued from ticks, microtasks and timers.
const log = (s) => console.log(s);
process.nextTick(() => {
  log("tick A");
  Promise.resolve().then(() => log("promise from tick A"));
  process.nextTick(() => log("tick from tick A"));
});
Promise.resolve().then(() => {
  log("promise B");
  process.nextTick(() => log("tick from promise B"));
  Promise.resolve().then(() => log("promise from promise B"));
});
setTimeout(() => {
  log("timeout 1");
  process.nextTick(() => log("tick from timeout 1"));
  Promise.resolve().then(() => log("promise from timeout 1"));
}, 0);
setTimeout(() => log("timeout 2"), 0);
