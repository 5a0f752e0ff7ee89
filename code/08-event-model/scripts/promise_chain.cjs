// A reaction that returns a promise costs two extra microtasks; catch, and a rejection.
const log = (s) => console.log(s);
Promise.resolve(1)
  .then((v) => {
    log(`a ${v}`);
    return Promise.resolve(2);
  })
  .then((v) => log(`a got ${v}`));
Promise.resolve()
  .then(() => log("b 1"))
  .then(() => log("b 2"))
  .then(() => log("b 3"))
  .then(() => log("b 4"));
Promise.reject(new Error("boom")).catch((e) => log(`caught ${e.message}`));
