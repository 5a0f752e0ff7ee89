// An interval that a promise reaction clears on its third run.
const log = (s) => console.log(s);
let n = 0;
const id = setInterval(() => {
  n += 1;
  log(`interval ${n}`);
  if (n === 3) {
    Promise.resolve().then(() => {
      log("promise clears the interval");
      clearInterval(id);
      setTimeout(() => log("timeout after the interval"), 0);
    });
  }
}, 1);
