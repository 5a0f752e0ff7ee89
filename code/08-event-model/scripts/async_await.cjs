// Two async functions with several awaits, against a plain promise chain.
const log = (s) => console.log(s);
async function b() {
  log("b start");
  await Promise.resolve();
  log("b after await");
}
async function a() {
  log("a start");
  await Promise.resolve();
  log("a after await 1");
  await b();
  log("a after await b");
  return "a done";
}
log("script start");
a().then((v) => log(v));
Promise.resolve()
  .then(() => log("promise 1"))
  .then(() => log("promise 2"))
  .then(() => log("promise 3"));
log("script end");
