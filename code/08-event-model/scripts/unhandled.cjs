// A rejection handled in time is not reported; one never handled is, after the drain.
const log = (s) => console.log(s);
process.on("unhandledRejection", (e) => log(`unhandled: ${e.message}`));
Promise.reject(new Error("nobody catches me"));
Promise.resolve()
  .then(() => log("microtask 1"))
  .then(() => log("microtask 2"));
const late = Promise.reject(new Error("caught in time"));
Promise.resolve().then(() => late.catch((e) => log(`caught: ${e.message}`)));
setTimeout(() => log("timeout"), 0);
